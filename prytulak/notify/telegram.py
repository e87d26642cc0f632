"""The Telegram bot, on python-telegram-bot. Telegram calls our webhook with each update;
we answer with the Bot API's sendMessage (with inline buttons where there is a choice).
Tests point TELEGRAM_API_URL at a local fake.

- A host or a household links their chat with a /start deep link (`link_for` for a host;
  the household's own page shows theirs). Proposals, re-confirmations and check-ins then come
  with buttons, answered through the same services as the signed-link pages
  (`telegram_party`), as the party's own action on channel "telegram".
- /need and /offer start short guided registrations (`telegram_intake`), kept in the cache
  between updates: the webhook itself holds no state.
- Button data names a record; it is looked up through the chat's own link, so a forged or
  stale button is refused and logged, never acted on.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Update,
)

from prytulak.core.i18n import brand
from prytulak.housing.models import Host

from .models import TelegramLink

log = logging.getLogger(__name__)
LINK_SALT = "prytulak.notify.telegram-link"
UI_LANGUAGES = {"uk", "ru", "be", "pl", "de", "lt", "en"}
# Real updates nest about ten levels (a reply's keyboard's button); python-telegram-bot's
# de_json recurses once per level, so a deeper body is refused before it gets there.
MAX_UPDATE_DEPTH = 32
# Telegram refuses callback data longer than 64 bytes.
MAX_CALLBACK_DATA = 64

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback data)


@dataclass(frozen=True)
class Reply:
    chat: int
    text: str
    buttons: Buttons = field(default_factory=tuple)


def enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def _bot() -> Bot:
    return Bot(
        token=settings.TELEGRAM_BOT_TOKEN,
        base_url=settings.TELEGRAM_API_URL.rstrip("/") + "/bot",
    )


def _markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


def deliver(replies: Sequence[Reply], *, callback_id: str = "") -> int:
    """Send `replies` in one session with the Bot API (and first close the pressed button's
    spinner). Returns how many went; each failure is logged, never shown to the user."""
    if not replies and not callback_id:
        return 0

    async def go() -> int:
        sent = 0
        async with _bot() as bot:
            if callback_id:
                try:
                    await bot.answer_callback_query(callback_query_id=callback_id)
                except Exception:
                    log.warning("Telegram: could not answer a callback query")
            for reply in replies:
                try:
                    await bot.send_message(
                        chat_id=reply.chat, text=reply.text, reply_markup=_markup(reply.buttons)
                    )
                    sent += 1
                except Exception:
                    log.exception("Telegram message to chat %s failed", reply.chat)
        return sent

    try:
        return asyncio.run(go())
    except Exception:  # the Bot API unreachable or refusing us: logged, never raised
        log.exception("Telegram: could not reach the Bot API")
        return 0


def send(chat_id: int, text: str, buttons: Buttons = ()) -> None:
    """One message; raises when the Bot API refuses (callers log it)."""

    async def go() -> None:
        async with _bot() as bot:
            await bot.send_message(chat_id=chat_id, text=text, reply_markup=_markup(buttons))

    asyncio.run(go())


HOST_LINK_DAYS = 30


def _host_mac(payload: str) -> str:
    digest = salted_hmac(LINK_SALT, payload, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


def host_start_token(host_pk: int, now: float | None = None) -> str:
    """A host's /start value: `h<pk>-<day>-<mac>`. Telegram passes on a start parameter only
    when it is at most 64 of A-Z a-z 0-9 _ - (a signing.dumps value has colons: Telegram
    dropped it, so hosts could never link). Good for HOST_LINK_DAYS days."""
    day = int((time.time() if now is None else now) // 86400)
    payload = f"{host_pk}-{day}"
    return f"h{payload}-{_host_mac(payload)}"


def host_from_start_token(token: str, now: float | None = None) -> int | None:
    """The host's pk of a valid, unexpired start value; None otherwise."""
    match = HOST_START.fullmatch(token)
    if not match:
        return None
    payload = f"{match['pk']}-{match['day']}"
    if not constant_time_compare(_host_mac(payload), match["mac"]):
        return None
    today = int((time.time() if now is None else now) // 86400)
    if not 0 <= today - int(match["day"]) <= HOST_LINK_DAYS:
        return None
    return int(match["pk"])


HOST_START = re.compile(r"h(?P<pk>[0-9]{1,12})-(?P<day>[0-9]{1,6})-(?P<mac>[A-Za-z0-9_-]{22})")


def link_for(host: Host) -> str:
    """The deep link that ties a host's Telegram chat to their record."""
    return f"https://t.me/{settings.TELEGRAM_BOT_NAME}?start={host_start_token(host.pk)}"


def household_link_for(token: str) -> str:
    """The deep link that ties a household's chat to their record: the token of their own
    page (22 URL-safe characters, which Telegram's start parameter allows)."""
    return f"https://t.me/{settings.TELEGRAM_BOT_NAME}?start={token}"


def language_of(code: str | None, fallback: str = "uk") -> str:
    """The chat's language when we speak it, else the linked record's, else Ukrainian."""
    code = (code or "").split("-")[0].lower()
    if code in UI_LANGUAGES:
        return code
    return fallback if fallback in UI_LANGUAGES else "uk"


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:  # a loop, not recursion: the point is to survive any depth
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        if children and depth > MAX_UPDATE_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse_update(body: bytes) -> dict[str, Any] | None:
    """The webhook's body as an update to `handle`, or None when it cannot be one: not JSON
    (or nested too deep for the JSON parser), not an object, or nested deeper than any update."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(data, dict) or _too_deep(data):
        return None
    return data


@dataclass(frozen=True)
class Incoming:
    """One update, reduced to what the bot acts on."""

    chat: int
    language: str
    link: TelegramLink | None
    text: str = ""  # a message's text
    data: str = ""  # a pressed button's callback data
    callback_id: str = ""
    username: str = ""
    code: str = ""  # the chat's own language code, as Telegram sent it


def read(data: dict[str, Any]) -> Incoming | None:
    """The update as an Incoming, or None when it is nothing the bot answers."""
    update = Update.de_json(data, None)
    user = update.effective_user
    if user is not None and user.is_bot:
        return None
    query = update.callback_query
    text = ""
    message: MaybeInaccessibleMessage | None
    if query is not None:
        message = query.message  # the message whose button was pressed
        if not isinstance(query.data, str):
            return None
    else:
        typed = update.effective_message
        text = (typed.text or "").strip() if typed is not None else ""
        if not text:
            return None
        message = typed
    if message is None or message.chat is None or not isinstance(message.chat.id, int):
        return None
    chat = message.chat.id
    link = TelegramLink.objects.select_related("host", "household").filter(chat_id=chat).first()
    own = (user.language_code or "").split("-")[0].lower() if user else ""
    own = own if own in UI_LANGUAGES else ""
    return Incoming(
        chat=chat,
        language=language_of(own, link.language if link else "uk"),
        link=link,
        text=text,
        data=query.data or "" if query is not None else "",
        callback_id=str(query.id) if query is not None else "",
        username=(user.username or "") if user else "",
        code=own,
    )


def parse_rate(rate: str) -> tuple[int, int]:
    """A rate as django-ratelimit writes it ("10/h", "30/m", "5/30m") as (count, seconds)."""
    count, _slash, period = rate.partition("/")
    match = re.fullmatch(r"(\d*)([smhd])", period.strip())
    if not count.strip().isdigit() or match is None:
        return 0, 3600  # a rate we cannot read allows nothing
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return int(count), int(match.group(1) or 1) * unit


def flooding(chat: int) -> bool:
    """Whether this chat has sent more updates than TELEGRAM_CHAT_RATE allows (counted here):
    the rest are dropped unanswered, so one chat cannot keep the workers busy."""
    limit, seconds = parse_rate(settings.TELEGRAM_CHAT_RATE)
    key = f"telegram:chat-rate:{chat}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def handle(data: dict[str, Any]) -> tuple[list[Reply], str]:
    """The replies to one update, in the sender's language, and the callback query to answer."""
    from . import telegram_intake, telegram_party

    incoming = read(data)
    if incoming is None:
        return [], ""
    if flooding(incoming.chat):
        log.info("Telegram: a chat over TELEGRAM_CHAT_RATE, update dropped")
        return [], incoming.callback_id
    with translation.override(incoming.language):
        if incoming.data:
            return telegram_party.on_button(incoming), incoming.callback_id
        command, _space, argument = incoming.text.partition(" ")
        command = command.split("@")[0]  # "/status@prytulak_bot" in a group
        if command == "/start" and argument:
            return [Reply(incoming.chat, _link(incoming, argument.strip()))], ""
        if command in ("/need", "/offer"):
            return telegram_intake.start(incoming, "need" if command == "/need" else "host"), ""
        if command == "/cancel":
            return telegram_intake.cancel(incoming), ""
        if command == "/status":
            return telegram_party.status(incoming), ""
        if telegram_intake.active(incoming.chat) and not command.startswith("/"):
            return telegram_intake.answer(incoming, incoming.text), ""
        return [Reply(incoming.chat, help_text(), telegram_intake.start_buttons())], ""


def help_text() -> str:
    return _(
        "%(brand)s helps people fleeing the war find a place to stay.\n"
        "/need – we need a place\n/offer – I can host\n/status – where my request stands\n"
        "Hosts and families: open the link from our message to get your news here."
    ) % {"brand": brand()}


def _link(incoming: Incoming, token: str) -> str:
    """/start TOKEN: a household's page token, or a host's signed link."""
    from prytulak.selfservice.models import LinkPurpose
    from prytulak.selfservice.services import TOKEN_SHAPE, LinkRefused, link_resolve

    not_valid = _("This link is not valid any more. Ask your organisation for a new one.")
    defaults: dict[str, Any] = {}
    if TOKEN_SHAPE.match(token) and not HOST_START.fullmatch(token):
        try:
            access = link_resolve(token=token, purposes=(LinkPurpose.HOUSEHOLD,))
        except LinkRefused as exc:
            _refused(incoming, f"start: {exc.why}")
            return not_valid
        from .family import household_language

        assert access.household is not None
        language = incoming.code or household_language(access.household)
        defaults = {"household": access.household, "host": None, "language": language}
        done = _("Done: news about your request will come here. Send /status at any time.")
    else:
        host_pk = host_from_start_token(token)
        try:
            if host_pk is None:
                raise Host.DoesNotExist
            host = Host.objects.get(pk=host_pk, erased_at__isnull=True)
        except Host.DoesNotExist:
            _refused(incoming, "start: bad host link")
            return not_valid
        language = incoming.code or language_of(host.preferred_language)
        defaults = {"host": host, "household": None, "language": language}
        done = _("Done: proposals and check-ins for your offer will come here.")
    try:
        TelegramLink.objects.update_or_create(chat_id=incoming.chat, defaults=defaults)
    except IntegrityError:
        return not_valid
    return done


def _refused(incoming: Incoming, why: str) -> None:
    from .telegram_party import refused_log

    refused_log(incoming, why)
