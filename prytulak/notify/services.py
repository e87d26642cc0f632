"""Notifications by e-mail and Telegram, in the recipient's language. Jobs pass primary
keys; a failed Telegram message is logged and the e-mail still goes."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prytulak.housing.models import CheckIn, Placement

from . import telegram
from .models import TelegramLink

log = logging.getLogger(__name__)

# Staff have no language setting; their organisation's country decides.
COUNTRY_LANGUAGE = {"PL": "pl", "LT": "lt", "DE": "de", "UA": "uk", "BY": "be"}


def _telegram(host_id: int, text_for: Callable[[], str]) -> int:
    sent = 0
    if not telegram.enabled():
        return 0
    for link in TelegramLink.objects.filter(host_id=host_id):
        with translation.override(link.language):
            text = text_for()
        try:
            telegram.send(link.chat_id, text)
            sent += 1
        except Exception:  # the e-mail is the record; Telegram is a convenience
            log.exception("Telegram message to chat %s failed", link.chat_id)
    return sent


def proposal_to_host(placement_id: int) -> None:
    """A new proposal for the host's offer: what the household needs, not who they are."""
    placement = Placement.objects.select_related("offer__host", "household").get(pk=placement_id)
    host = placement.offer.host
    context = {
        "placement": placement,
        "offer": placement.offer,
        "people": placement.beds,
        "telegram": telegram.link_for(host) if telegram.enabled() else "",
    }

    def text() -> str:
        return ngettext(
            "New proposal for your offer in %(city)s: %(people)s person from %(date)s. "
            "Your organisation will call you to agree it.",
            "New proposal for your offer in %(city)s: %(people)s people from %(date)s. "
            "Your organisation will call you to agree it.",
            placement.beds,
        ) % {
            "city": placement.offer.city,
            "people": placement.beds,
            "date": date_format(placement.start_date, "DATE_FORMAT"),
        }

    if host.email:
        with translation.override(host.preferred_language):
            subject = _("A family may come to stay with you")
            body = render_to_string("notify/proposal_host.txt", context)
        send_mail(subject, body, None, [host.email])
    _telegram(host.pk, text)


def checkins_due(*, today: datetime.date | None = None) -> int:
    """Daily: tell whoever made each placement that a welfare check-in is due today, and
    ask linked hosts how it is going. Each check-in is announced once."""
    today = today or timezone.localdate()
    due = CheckIn.objects.filter(due_on__lte=today, done_at__isnull=True, reminded_at__isnull=True)
    sent = 0
    for checkin in due.select_related(
        "placement__offer__host", "placement__created_by", "placement__household__organization"
    ):
        placement = checkin.placement
        staff = placement.created_by
        org = placement.household.organization
        if staff is not None and staff.email:
            with translation.override(COUNTRY_LANGUAGE.get(org.country if org else "", "en")):
                subject = _("Check-in due: placement #%(pk)d") % {"pk": placement.pk}
                body = render_to_string(
                    "notify/checkin_due.txt",
                    {
                        "placement": placement,
                        "checkin": checkin,
                        "url": settings.SITE_URL.rstrip("/")
                        + reverse("placement-detail", args=[placement.pk]),
                    },
                )
            send_mail(subject, body, None, [staff.email])
            sent += 1
        _telegram(
            placement.offer.host_id,
            lambda: _(
                "How is it going with your guests? Reply here or call your organisation if "
                "anything is wrong."
            ),
        )
        CheckIn.objects.filter(pk=checkin.pk).update(reminded_at=timezone.now())
    return sent
