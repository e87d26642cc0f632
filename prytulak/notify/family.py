"""Notices to households: short texts with the household's own link, by the channel they
have (e-mail, else SMS), in their language, each event once.

Every text must fit two SMS segments in every language with a long town name and the link
(a test renders each in each language). Events: registered (the status link), proposal,
host_accepted, seat_booked, pickup_changed, checkin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from telegram.error import TelegramError

from prytulak.people.models import Household, HouseholdStatus

from . import sms, telegram
from .models import NotificationLog, TelegramLink

log = logging.getLogger(__name__)
UI_LANGUAGES = ("uk", "ru", "be", "pl", "de", "lt", "en")


def _texts() -> dict[str, Callable[[dict[str, Any]], str]]:
    """Each event's text, translated when called (inside the household's language)."""
    return {
        "registered": lambda p: (
            _("Prytulak: your request is registered. Follow it here: %(url)s") % p
        ),
        "proposal": lambda p: _("Prytulak: a place in %(city)s from %(date)s. Answer: %(url)s") % p,
        "host_accepted": lambda p: (
            _("Prytulak: the host in %(city)s said yes. Answer: %(url)s") % p
        ),
        "confirmed": lambda p: (
            _("Prytulak: confirmed, the host in %(city)s expects you. Their contact: %(url)s") % p
        ),
        "seat_booked": lambda p: (
            _("Prytulak: seats booked. Pickup %(place)s, %(time)s. %(url)s") % p
        ),
        "pickup_changed": lambda p: _("Prytulak: new pickup %(place)s, %(time)s. %(url)s") % p,
        "checkin": lambda p: _("Prytulak: how are you in %(city)s? Answer: %(url)s") % p,
    }


EVENTS = tuple(_texts())


def told_in_telegram(placement: Any) -> bool:
    """The last yes came by a Telegram button: every linked chat of both sides was then
    given the other's contact there (telegram_party._both_accepted), so no second notice."""
    last = placement.events.order_by("-pk").first()
    return last is not None and last.channel == "telegram"


def household_language(household: Household) -> str:
    for code in household.languages or []:
        if code in UI_LANGUAGES:
            return code
    return "uk"


def render(event: str, params: dict[str, Any]) -> str:
    """The text of `event` in the active language."""
    return _texts()[event](params)


def _params(event: str, ref: int) -> dict[str, Any]:
    from prytulak.housing.models import CheckIn, Placement
    from prytulak.journeys.models import Booking

    if event in ("proposal", "host_accepted", "confirmed"):
        placement = Placement.objects.select_related("offer").get(pk=ref)
        return {"city": placement.offer.city, "date": date_format(placement.start_date, "d.m")}
    if event in ("seat_booked", "pickup_changed"):
        trip = Booking.objects.select_related("trip").get(pk=ref).trip
        when = timezone.localtime(trip.depart_earliest)
        return {"place": trip.origin, "time": date_format(when, "d.m H:i")}
    if event == "checkin":
        checkin = CheckIn.objects.select_related("placement__offer").get(pk=ref)
        return {"city": checkin.placement.offer.city}
    return {}


def household_notify(*, household_id: int, event: str, ref: int, version: str = "") -> str:
    """Tell the household about `event` (ref: its placement, booking, check-in or itself)
    once: returns the channel used, or "" when nothing was sent (already sent, no way to
    reach them, erased or closed). `version` tells apart two changes of the same record."""
    from prytulak.selfservice.models import LinkPurpose
    from prytulak.selfservice.services import link_create, link_url

    household = Household.objects.get(pk=household_id)
    if household.erased_at is not None or household.status == HouseholdStatus.CLOSED:
        return ""
    chats = list(household.telegram_links.all()) if telegram.enabled() else []
    channel = (
        "telegram" if chats else "email" if household.email else "sms" if household.phone else ""
    )
    if not channel:
        return ""
    if event == "confirmed" and channel == "telegram":
        from prytulak.housing.models import Placement

        if told_in_telegram(Placement.objects.get(pk=ref)):
            return ""
    key = f"household:{household.pk}:{event}:{ref}{':' + version if version else ''}"[:120]
    language = household_language(household)
    try:
        with transaction.atomic():
            # Claimed first: a second run finds the key and sends nothing; a failed send
            # rolls the claim back so the next run tries again.
            NotificationLog.objects.create(key=key, household=household, channel=channel)
            _link, token = link_create(
                purpose=LinkPurpose.HOUSEHOLD, household=household, language=language
            )
            with translation.override(language):
                text = render(event, {**_params(event, ref), "url": link_url(token)})
                subject = _("Prytulak: news about your request")
            if channel == "telegram":
                _telegram(chats, event, ref, link_url(token))
            elif channel == "email":
                assert household.email
                send_mail(subject, text, None, [household.email])
            else:
                assert household.phone
                sms.send_sms(household.phone, text)
    except IntegrityError:
        return ""
    except sms.SmsError:
        log.warning("SMS %s to household %s failed", event, household.pk)
        return ""
    except TelegramError:
        log.warning("Telegram %s to household %s failed", event, household.pk)
        return ""
    return channel


def _telegram(chats: list[TelegramLink], event: str, ref: int, url: str) -> None:
    """The notice in each linked chat's language; an open proposal comes with its buttons."""
    from prytulak.housing.models import Placement
    from prytulak.orgs.scopes import Party

    from .telegram_party import accept_buttons

    placement = None
    if event in ("proposal", "host_accepted"):
        placement = Placement.objects.get(pk=ref)
        if placement.household_accepted_at is not None:
            placement = None
    params = _params(event, ref)
    for chat in chats:
        with translation.override(chat.language):
            text = render(event, {**params, "url": url})
            buttons = accept_buttons(placement, Party.HOUSEHOLD) if placement else ()
        telegram.send(chat.chat_id, text, buttons)
