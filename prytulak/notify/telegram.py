"""The Telegram bot, on python-telegram-bot. Telegram calls our webhook with each update;
we answer with the Bot API's sendMessage. Tests point TELEGRAM_API_URL at a local fake."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from telegram import Bot, Update

from prytulak.core.i18n import brand
from prytulak.housing.models import Host

from .models import TelegramLink

LINK_SALT = "prytulak.notify.telegram-link"
UI_LANGUAGES = {"uk", "ru", "be", "pl", "de", "lt", "en"}
# Real updates nest about ten levels (a reply's keyboard's button); python-telegram-bot's
# de_json recurses once per level, so a deeper body is refused before it gets there.
MAX_UPDATE_DEPTH = 32


def enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def _bot() -> Bot:
    return Bot(
        token=settings.TELEGRAM_BOT_TOKEN,
        base_url=settings.TELEGRAM_API_URL.rstrip("/") + "/bot",
    )


def send(chat_id: int, text: str) -> None:
    """One message; a failure is logged by the caller, never shown to the user."""

    async def go() -> None:
        async with _bot() as bot:
            await bot.send_message(chat_id=chat_id, text=text)

    asyncio.run(go())


def link_for(host: Host) -> str:
    """The deep link that ties a host's Telegram chat to their record."""
    token = signing.dumps(host.pk, salt=LINK_SALT, compress=True)
    return f"https://t.me/{settings.TELEGRAM_BOT_NAME}?start={token}"


def _language(code: str | None) -> str:
    code = (code or "uk").split("-")[0].lower()
    return code if code in UI_LANGUAGES else "uk"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


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


def handle(data: dict[str, Any]) -> list[tuple[int, str]]:
    """The replies to one update, as (chat, text) pairs, in the sender's language."""
    update = Update.de_json(data, None)
    message = update.effective_message
    if message is None or message.chat is None or not message.text:
        return []
    chat = message.chat.id
    if not isinstance(chat, int):
        return []
    language = _language(update.effective_user.language_code if update.effective_user else None)
    with translation.override(language):
        command, _space, argument = message.text.strip().partition(" ")
        if command == "/start" and argument:
            return [(chat, _link(chat, argument.strip(), language))]
        if command == "/offer":
            return [
                (chat, _("Offer a place here: %(url)s") % {"url": _site(reverse("intake:host"))})
            ]
        if command == "/need":
            return [
                (chat, _("Ask for a place here: %(url)s") % {"url": _site(reverse("intake:need"))})
            ]
        return [
            (
                chat,
                _(
                    "%(brand)s helps people fleeing the war find a place to stay.\n"
                    "/offer – offer a place\n/need – we need a place\n"
                    "Hosts: open the link from our e-mail to get proposals here."
                )
                % {"brand": brand()},
            )
        ]


def _link(chat: int, token: str, language: str) -> str:
    try:
        host_pk = signing.loads(token, salt=LINK_SALT, max_age=60 * 60 * 24 * 30)
        host = Host.objects.get(pk=host_pk, erased_at__isnull=True)
    except (signing.BadSignature, Host.DoesNotExist):
        return _("This link is not valid any more. Ask your organisation for a new one.")
    try:
        TelegramLink.objects.update_or_create(
            chat_id=chat, defaults={"host": host, "language": language}
        )
    except IntegrityError:
        return _("This link is not valid any more. Ask your organisation for a new one.")
    return _("Done: proposals and check-ins for your offer will come here.")
