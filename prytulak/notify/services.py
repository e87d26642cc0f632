"""Notifications by e-mail and Telegram, in the recipient's language. Jobs pass primary
keys; a failed Telegram message is logged and the e-mail still goes."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable

from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prytulak.core.site import site_url
from prytulak.housing.models import CheckIn, Host, Placement

from . import telegram
from .family import household_notify
from .models import TelegramLink

log = logging.getLogger(__name__)

# Staff have no language setting; their organisation's country decides.
COUNTRY_LANGUAGE = {"PL": "pl", "LT": "lt", "DE": "de", "UA": "uk", "BY": "be"}


def _telegram(host_id: int, text_for: Callable[[], str], links: list | None = None) -> int:
    sent = 0
    if not telegram.enabled():
        return 0
    if links is None:
        links = list(TelegramLink.objects.filter(host_id=host_id))
    for link in links:
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
    proposals_to_hosts([placement_id])


def _proposal_line(p: Placement, link: str = "") -> str:
    line = ngettext(
        "%(people)d person in %(city)s from %(date)s",
        "%(people)d people in %(city)s from %(date)s",
        p.beds,
    ) % {"people": p.beds, "city": p.offer.city, "date": date_format(p.start_date, "DATE_FORMAT")}
    return f"{line}: {link}" if link else line


def _links(host: Host, proposals: list[Placement]) -> dict[int, str]:
    """Each proposal's own signed page for the host (see it, accept or decline)."""
    from prytulak.selfservice.models import LinkPurpose
    from prytulak.selfservice.services import link_create, link_url

    out = {}
    for p in proposals:
        _link, token = link_create(
            purpose=LinkPurpose.PROPOSAL, placement=p, language=host.preferred_language
        )
        out[p.pk] = link_url(token)
    return out


def _host_message(host: Host, proposals: list[Placement]) -> tuple[str, str, Callable[[], str]]:
    """Subject, body (in the host's language) and the Telegram text (in each chat's)."""
    first, n = proposals[0], len(proposals)
    links = _links(host, proposals)
    context = {
        "link": links[first.pk],
        "placement": first,
        "offer": first.offer,
        "people": first.beds,
        "telegram": telegram.link_for(host) if telegram.enabled() else "",
    }
    with translation.override(host.preferred_language):
        if n == 1:
            subject = _("A family may come to stay with you")
            body = render_to_string("notify/proposal_host.txt", context)
        else:
            subject = ngettext(
                "%(n)d family may come to stay with you",
                "%(n)d families may come to stay with you",
                n,
            ) % {"n": n}
            context["lines"] = [_proposal_line(p, links[p.pk]) for p in proposals]
            body = render_to_string("notify/proposals_host.txt", context)

    def text() -> str:
        if n == 1:
            return ngettext(
                "New proposal for your offer in %(city)s: %(people)s person from %(date)s. "
                "See it and answer here: %(link)s",
                "New proposal for your offer in %(city)s: %(people)s people from %(date)s. "
                "See it and answer here: %(link)s",
                first.beds,
            ) % {
                "city": first.offer.city,
                "people": first.beds,
                "date": date_format(first.start_date, "DATE_FORMAT"),
                "link": links[first.pk],
            }
        return ngettext(
            "%(n)d new proposal for your offers: %(list)s. Open each link to see it and answer.",
            "%(n)d new proposals for your offers: %(list)s. Open each link to see it and answer.",
            n,
        ) % {"n": n, "list": "; ".join(_proposal_line(p, links[p.pk]) for p in proposals)}

    return subject, body, text


def proposals_to_hosts(placement_ids: list[int]) -> int:
    """New proposals, told to their hosts: one e-mail (and one Telegram message per linked
    chat) per host listing all of that host's proposals among `placement_ids`, each in the
    recipient's language. Proposals no longer open are left out. Returns hosts told."""
    from prytulak.housing.models import PlacementStatus

    by_host: dict[int, list[Placement]] = defaultdict(list)
    hosts: dict[int, Host] = {}
    for a in range(0, len(placement_ids), 2_000):
        for p in (
            Placement.objects.filter(
                pk__in=placement_ids[a : a + 2_000], status=PlacementStatus.PROPOSED
            )
            .select_related("offer__host")
            .order_by("offer__host_id", "pk")
        ):
            by_host[p.offer.host_id].append(p)
            hosts[p.offer.host_id] = p.offer.host
    links: dict[int, list[TelegramLink]] = defaultdict(list)
    if telegram.enabled():
        for link in TelegramLink.objects.filter(host_id__in=list(hosts)):
            links[link.host_id].append(link)
    messages = []
    for host_id, proposals in by_host.items():
        host = hosts[host_id]
        subject, body, text = _host_message(host, proposals)
        if host.email:
            messages.append(EmailMessage(subject, body, None, [host.email]))
        _telegram(host_id, text, links[host_id])
    if messages:
        with get_connection() as connection:  # one connection for every host's e-mail
            connection.send_messages(messages)
    return len(by_host)


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
        household_notify(household_id=placement.household_id, event="checkin", ref=checkin.pk)
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
                        "url": site_url() + reverse("placement-detail", args=[placement.pk]),
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
