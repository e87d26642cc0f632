"""“I need a place” (/need) and “I can host” (/offer) as short guided conversations: a few
questions, with buttons where there is a choice, then the same forms' checks and the same
services as the public web forms (prytulak/intake). The chat is then linked to the new
record, so /status and proposals come to it.

The webhook holds no state: the answers so far are kept in the cache (Redis in production,
shared by every worker) for two hours. Like the web forms' per-address limit, each chat may
have INTAKE_RATE registrations accepted; the rest are turned away with a message.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prytulak.core.cache import unreachable
from prytulak.core.errors import ServiceError
from prytulak.core.i18n import brand
from prytulak.housing import services as housing_services
from prytulak.housing.forms import HostForm
from prytulak.housing.models import MAX_BEDS, HostHousehold, HostKind
from prytulak.intake.forms import PublicOfferForm
from prytulak.people import services as people_services
from prytulak.people.forms import HouseholdForm, MemberCountsForm

from .models import TelegramLink
from .telegram import Buttons, Incoming, Reply, parse_rate

STATE_SECONDS = 2 * 60 * 60
FLOWS = ("need", "host")


@dataclass(frozen=True)
class Step:
    name: str
    ask: Callable[[], str]
    buttons: Callable[[Incoming, dict[str, Any]], list[list[tuple[str, str]]]]
    parse: Callable[[str], Any]  # the answer (typed or a button's value), or ValueError
    skip: Callable[[dict[str, Any]], bool] = lambda data: False


def _count(text: str) -> int:
    value = int(text.strip())
    if not 0 <= value <= people_services.MAX_MEMBERS:
        raise ValueError
    return value


def _beds(text: str) -> int:
    value = int(text.strip())
    if not 1 <= value <= MAX_BEDS:
        raise ValueError
    return value


def _numbers(low: int, high: int) -> Callable[[Incoming, dict[str, Any]], list]:
    def buttons(incoming: Incoming, data: dict[str, Any]) -> list:
        return [[(str(n), str(n)) for n in range(low, high + 1)]]

    return buttons


def _date(text: str) -> str:
    text = text.strip()
    today = timezone.localdate()
    if re.fullmatch(r"d\d", text):
        return (today + datetime.timedelta(days=int(text[1]))).isoformat()
    for shape in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, shape).date().isoformat()
        except ValueError:
            pass
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.?", text):
        day, month = (int(x) for x in text.strip(".").split("."))
        return datetime.date(today.year, month, day).isoformat()
    raise ValueError


def _date_buttons(incoming: Incoming, data: dict[str, Any]) -> list:
    today = timezone.localdate()
    later = [(date_format(today + datetime.timedelta(days=n), "d.m"), f"d{n}") for n in (3, 7)]
    return [[(_("Today"), "d0"), (_("Tomorrow"), "d1")], later]


def _text(text: str) -> str:
    text = " ".join(text.split())
    if not text or text.startswith("/") or len(text) > 200:
        raise ValueError
    return text


def _choice(choices: list[tuple[str, Any]]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text in dict(choices):
            return text
        raise ValueError

    return parse


def _choice_buttons(choices: Callable[[], list[tuple[str, Any]]]) -> Callable:
    def buttons(incoming: Incoming, data: dict[str, Any]) -> list:
        return [[(str(label), value)] for value, label in choices()]

    return buttons


def _yes_no(text: str) -> bool:
    if text in ("yes", "no"):
        return text == "yes"
    raise ValueError


def _yes_no_buttons(incoming: Incoming, data: dict[str, Any]) -> list:
    return [[(_("Yes"), "yes"), (_("No"), "no")]]


def _contact(text: str) -> str:
    return "tg" if text == "tg" else _text(text)


def _contact_buttons(incoming: Incoming, data: dict[str, Any]) -> list:
    if not incoming.username:  # no handle: staff could not write to this chat
        return []
    return [[(_("Write to me here in Telegram"), "tg")]]


def _consent_buttons(incoming: Incoming, data: dict[str, Any]) -> list:
    return [[(_("I agree"), "yes"), (_("Cancel"), "no")]]


def _consent(text: str) -> bool:
    if text == "yes":
        return True
    raise ValueError


def _consent_text() -> str:
    return _(
        "I agree that %(brand)s and its partner organisations store these details to "
        "find a place to stay, and delete them when they are no longer needed."
    ) % {"brand": brand()}


NEED = [
    Step("women", lambda: _("How many women (18 and over) need a place?"), _numbers(0, 5), _count),
    Step("men", lambda: _("How many men (18 and over)?"), _numbers(0, 5), _count),
    Step("children", lambda: _("How many children (under 18)?"), _numbers(0, 6), _count),
    Step(
        "infants",
        lambda: _("How many of the children are under 5?"),
        lambda incoming, data: [[(str(n), str(n)) for n in range(0, min(data["children"], 6) + 1)]],
        _count,
        skip=lambda data: not data.get("children"),
    ),
    Step("pets", lambda: _("How many pets do you have with you?"), _numbers(0, 3), _count),
    Step(
        "place",
        lambda: _("Where will you arrive? Write a town or a border crossing, e.g. Przemyśl."),
        lambda incoming, data: [],
        _text,
    ),
    Step(
        "date",
        lambda: (
            _("When will you arrive? Press a button or write a date, e.g. %(example)s.")
            % {"example": _example_date()}
        ),
        _date_buttons,
        _date,
    ),
    Step("name", lambda: _("What is the name of the contact person?"), lambda i, d: [], _text),
    Step(
        "contact",
        lambda: _("Your phone number with the country code (e.g. +380 67 123 4567) or e-mail."),
        _contact_buttons,
        _contact,
    ),
    Step("consent", _consent_text, _consent_buttons, _consent),
]

HOST = [
    Step(
        "kind",
        lambda: _("Who offers the place?"),
        _choice_buttons(lambda: list(HostKind.choices)),
        _choice(list(HostKind.choices)),
    ),
    Step(
        "household_type",
        lambda: _("Who lives in the home?"),
        _choice_buttons(lambda: list(HostHousehold.choices)),
        _choice(list(HostHousehold.choices)),
    ),
    Step(
        "city",
        lambda: _("In which town is the place? In any language: Варшава, Warszawa or Warsaw."),
        lambda i, d: [],
        _text,
    ),
    Step("beds", lambda: _("How many people can sleep there?"), _numbers(1, 6), _beds),
    Step(
        "from",
        lambda: (
            _("From when? Press a button or write a date, e.g. %(example)s.")
            % {"example": _example_date()}
        ),
        _date_buttons,
        _date,
    ),
    Step("pets_allowed", lambda: _("Are pets welcome?"), _yes_no_buttons, _yes_no),
    Step("children_allowed", lambda: _("Are children welcome?"), _yes_no_buttons, _yes_no),
    Step("name", lambda: _("Your name?"), lambda i, d: [], _text),
    Step(
        "contact",
        lambda: _("Your phone number with the country code (e.g. +48 601 234 567) or e-mail."),
        _contact_buttons,
        _contact,
    ),
    Step("consent", _consent_text, _consent_buttons, _consent),
]
STEPS = {"need": NEED, "host": HOST}
# Where a form's error sends the person back to.
NEED_FIELDS = {
    "lead_name": "name",
    "arrival_place": "place",
    "arrival_date": "date",
    "pets": "pets",
}
HOST_FIELDS = {
    "kind": "kind",
    "household_type": "household_type",
    "name": "name",
    "city": "city",
    "country": "city",
    "beds": "beds",
    "available_from": "from",
}
START_LABELS = {"need": gettext_lazy("I need a place"), "host": gettext_lazy("I can host")}


def start_buttons() -> Buttons:
    return [
        [(str(START_LABELS["need"]), "q:start:need"), (str(START_LABELS["host"]), "q:start:host")]
    ]


def _key(chat: int) -> str:
    return f"telegram:intake:{chat}"


def _state(chat: int) -> dict[str, Any] | None:
    state = cache.get(_key(chat))
    return state if isinstance(state, dict) and state.get("flow") in FLOWS else None


def active(chat: int) -> bool:
    return _state(chat) is not None


def _save(chat: int, state: dict[str, Any]) -> None:
    cache.set(_key(chat), state, STATE_SECONDS)


def _rate() -> tuple[int, int]:
    return parse_rate(settings.INTAKE_RATE)


def _limit_key(chat: int, flow: str) -> str:
    return f"telegram:intake:accepted:{flow}:{chat}"


def at_limit(chat: int, flow: str) -> bool:
    """Whether this chat has had as many registrations accepted as INTAKE_RATE allows."""
    limit, _seconds = _rate()
    count = cache.get(_limit_key(chat, flow), 0)
    if unreachable(cache):
        return not settings.RATELIMIT_FAIL_OPEN
    return count >= limit


def _accepted(chat: int, flow: str) -> None:
    _limit, seconds = _rate()
    key = _limit_key(chat, flow)
    cache.add(key, 0, seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)


def _limited(incoming: Incoming) -> list[Reply]:
    return [
        Reply(
            incoming.chat,
            _(
                "This chat has sent several registrations already. Please try again later, "
                "or call an organisation that helps."
            ),
        )
    ]


def start(incoming: Incoming, flow: str) -> list[Reply]:
    if at_limit(incoming.chat, flow):
        return _limited(incoming)
    state = {"flow": flow, "step": 0, "data": {}}
    _save(incoming.chat, state)
    url = settings.SITE_URL.rstrip("/") + reverse(
        "intake:need" if flow == "need" else "intake:host"
    )
    intro = (
        _(
            "Let us register your request for a place: a few short questions (/cancel stops). "
            "Or fill in the form: %(url)s"
        )
        if flow == "need"
        else _(
            "Let us register your offer of a place: a few short questions (/cancel stops). "
            "Or fill in the form: %(url)s"
        )
    ) % {"url": url}
    return [Reply(incoming.chat, intro), _ask(incoming, state)]


def cancel(incoming: Incoming) -> list[Reply]:
    cache.delete(_key(incoming.chat))
    return [Reply(incoming.chat, _("Stopped. Nothing was saved."))]


def _ask(incoming: Incoming, state: dict[str, Any], error: str = "") -> Reply:
    step = STEPS[state["flow"]][state["step"]]
    rows = [
        [(label, f"q:{step.name}:{value}") for label, value in row]
        for row in step.buttons(incoming, state["data"])
    ]
    text = step.ask()
    return Reply(incoming.chat, f"{error}\n{text}" if error else text, rows)


def on_button(incoming: Incoming, kind: str, rest: str) -> list[Reply]:
    if kind == "x":
        return cancel(incoming)
    name, _colon, value = rest.partition(":")
    if name == "start" and value in FLOWS:
        return start(incoming, value)
    state = _state(incoming.chat)
    if state is None:
        return [
            Reply(incoming.chat, _("This conversation has ended. Start again: /need or /offer."))
        ]
    if STEPS[state["flow"]][state["step"]].name != name:  # a button of an earlier question
        return [_ask(incoming, state, _("Please answer this question:"))]
    return answer(incoming, value, state)


def answer(incoming: Incoming, text: str, state: dict[str, Any] | None = None) -> list[Reply]:
    state = state or _state(incoming.chat)
    if state is None:
        return []
    steps = STEPS[state["flow"]]
    step = steps[state["step"]]
    if step.name == "consent" and text == "no":
        return cancel(incoming)
    try:
        state["data"][step.name] = step.parse(text)
    except (ValueError, TypeError):
        return [_ask(incoming, state, _("Sorry, I did not understand that."))]
    # The next question not yet answered (after a form sent us back, the rest are kept).
    for position, later in enumerate(steps):
        if later.name not in state["data"] and not later.skip(state["data"]):
            state["step"] = position
            _save(incoming.chat, state)
            return [_ask(incoming, state)]
    return _finish(incoming, state)


def _contact_fields(incoming: Incoming, value: str) -> dict[str, str]:
    if value == "tg":
        return {"messenger": f"telegram @{incoming.username}", "phone": "", "email": ""}
    if "@" in value and not value.startswith("@"):
        try:
            validate_email(value)
            return {"email": value, "phone": "", "messenger": ""}
        except ValidationError:
            pass
    if value.startswith("@"):
        return {"messenger": f"telegram {value}", "phone": "", "email": ""}
    return {"phone": value, "email": "", "messenger": ""}


def _back(
    incoming: Incoming, state: dict[str, Any], errors: Mapping[str, Any], fields: dict[str, str]
) -> list[Reply]:
    """A form refused an answer: ask that question again, with the form's own words."""
    names = [s.name for s in STEPS[state["flow"]]]
    for field, messages in errors.items():
        step = fields.get(field, "contact")
        if step in names:
            state["step"] = names.index(step)
            state["data"].pop(step, None)
            _save(incoming.chat, state)
            return [_ask(incoming, state, " ".join(str(m) for m in messages))]
    return [_ask(incoming, state, _("Sorry, I did not understand that."))]


def _finish(incoming: Incoming, state: dict[str, Any]) -> list[Reply]:
    if at_limit(incoming.chat, state["flow"]):
        cache.delete(_key(incoming.chat))
        return _limited(incoming)
    if state["flow"] == "need":
        return _finish_need(incoming, state)
    return _finish_host(incoming, state)


def _link_chat(incoming: Incoming, **record: Any) -> None:
    # On a clash the registration stands and the chat stays as it was.
    with contextlib.suppress(IntegrityError):
        TelegramLink.objects.update_or_create(
            chat_id=incoming.chat,
            defaults={"host": None, "household": None, "language": incoming.language, **record},
        )


def _example_date() -> str:
    """A date a few days ahead, as the example of how to write one (never one gone by)."""
    return (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")


def _finish_need(incoming: Incoming, state: dict[str, Any]) -> list[Reply]:
    d = state["data"]
    form = HouseholdForm(
        data={
            "lead_name": d["name"],
            **_contact_fields(incoming, d["contact"]),
            "languages": [incoming.language],  # the language they write to us in
            "arrival_place": d["place"],
            "arrival_date": d["date"],
            "pets": d["pets"],
        }
    )
    counts = MemberCountsForm(
        data={
            "women": d["women"],
            "men": d["men"],
            "infants": d.get("infants", 0),
            "children": d.get("children", 0) - d.get("infants", 0),
            "teens": 0,
            "seniors": 0,
        }
    )
    if not counts.is_valid() or d.get("infants", 0) > d.get("children", 0):
        # Said why, then the people asked again (the other answers are kept).
        why = [str(e) for e in counts.non_field_errors()]
        if d.get("infants", 0) > d.get("children", 0):
            why.insert(0, _("More children under 5 than children in all: let us count again."))
        state["step"] = 0
        for name in ("women", "men", "children", "infants"):
            state["data"].pop(name, None)
        _save(incoming.chat, state)
        return [_ask(incoming, state, " ".join(why) or _("Sorry, I did not understand that."))]
    if not form.is_valid():
        return _back(incoming, state, form.errors, NEED_FIELDS)
    try:
        household = people_services.household_register(
            actor=None, data=form.household_data(), members=counts.members()
        )
    except ServiceError as exc:
        return [_ask(incoming, state, " ".join(str(m) for m in exc.messages))]
    cache.delete(_key(incoming.chat))
    _accepted(incoming.chat, "need")
    _link_chat(incoming, household=household)
    text = _(
        "Thank you: your request is registered. An organisation will contact you. "
        "Send /status at any time to see where it stands."
    )
    if counts.children_only:
        text += "\n" + _(
            "Children alone: call the child helpline %(helpline)s now, or %(emergency)s in "
            "an emergency."
        ) % {"helpline": settings.CHILD_HELPLINE, "emergency": settings.EMERGENCY_NUMBER}
    return [Reply(incoming.chat, text)]


def _finish_host(incoming: Incoming, state: dict[str, Any]) -> list[Reply]:
    d = state["data"]
    host_form = HostForm(
        data={
            "kind": d["kind"],
            "household_type": d["household_type"],
            "name": d["name"],
            **_contact_fields(incoming, d["contact"]),
        }
    )
    offer_data: dict[str, Any] = {
        "city": d["city"],
        "beds": d["beds"],
        "available_from": d["from"],
        "languages": [incoming.language],  # the language they write to us in
        "is_free": "on",
    }
    for name in ("pets_allowed", "children_allowed"):
        if d[name]:
            offer_data[name] = "on"
    offer_form = PublicOfferForm(data=offer_data)
    if not host_form.is_valid():
        return _back(incoming, state, host_form.errors, HOST_FIELDS)
    if not offer_form.is_valid():
        return _back(incoming, state, offer_form.errors, HOST_FIELDS)
    try:
        offer = housing_services.host_offer_submit(
            host={**host_form.cleaned_data, "preferred_language": incoming.language},
            offer=offer_form.offer_data(),
        )
    except ServiceError as exc:
        errors = getattr(exc, "error_dict", None)
        if errors:
            return _back(
                incoming,
                state,
                {k: [str(m) for e in v for m in e.messages] for k, v in errors.items()},
                HOST_FIELDS,
            )
        return [_ask(incoming, state, " ".join(str(m) for m in exc.messages))]
    cache.delete(_key(incoming.chat))
    _accepted(incoming.chat, "host")
    _link_chat(incoming, host=offer.host)
    text = _(
        "Thank you: your offer is registered. An organisation will contact you to check it; "
        "proposals will come here."
    )
    if offer.host.email:
        text += "\n" + _("Please confirm it with the link we sent to your e-mail.")
    return [Reply(incoming.chat, text)]
