"""Notifications by e-mail and Telegram, in the recipient's language. Jobs pass primary
keys; a failed Telegram message is logged and the e-mail still goes."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable

from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from telegram.error import TelegramError

from prytulak.core.site import site_url
from prytulak.housing.models import CheckIn, Host, HostOffer, Placement
from prytulak.orgs.scopes import Party

from . import sms, telegram
from .family import household_notify, told_in_telegram
from .models import NotificationLog, TelegramLink
from .telegram_party import (
    accept_buttons,
    checkin_buttons,
    proposal_text,
    reconfirm_buttons,
    reconfirm_text,
)

log = logging.getLogger(__name__)

# Staff have no language setting; their organisation's country decides.
COUNTRY_LANGUAGE = {"PL": "pl", "LT": "lt", "DE": "de", "UA": "uk", "BY": "be"}


Messages = Callable[[], list[tuple[str, telegram.Buttons]]]


def _telegram(host_id: int, messages_for: Messages, links: list | None = None) -> int:
    """Each of the host's linked chats gets the messages, in the chat's language."""
    if not telegram.enabled():
        return 0
    if links is None:
        links = list(TelegramLink.objects.filter(host_id=host_id))
    replies = []
    for link in links:
        with translation.override(link.language):
            replies += [telegram.Reply(link.chat_id, t, b) for t, b in messages_for()]
    # A failure is logged there: the e-mail is the record; Telegram is a convenience.
    return telegram.deliver(replies)


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


def _host_message(
    host: Host, proposals: list[Placement]
) -> tuple[str, str, Messages, Callable[[], list[str]]]:
    """Subject, body (in the host's language), the Telegram messages (in each chat's) and the
    SMS texts (for a host with a phone and no e-mail)."""
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

    def messages() -> list[tuple[str, telegram.Buttons]]:
        """In Telegram, one message per proposal, each with its own buttons."""
        return [(proposal_text(p, links[p.pk]), accept_buttons(p, Party.HOST)) for p in proposals]

    def sms_texts() -> list[str]:
        return [
            _("Prytulak: a family may stay with you in %(city)s from %(date)s. Answer: %(url)s")
            % {
                "city": p.offer.city,
                "date": date_format(p.start_date, "d.m"),
                "url": links[p.pk],
            }
            for p in proposals
        ]

    return subject, body, messages, sms_texts


def _sms(host: Host, texts_for: Callable[[], list[str]]) -> int:
    """A host without e-mail gets each proposal's link by SMS, in their language."""
    with translation.override(host.preferred_language):
        texts = texts_for()
    sent = 0
    for text in texts:
        try:
            sms.send_sms(host.phone or "", text)
            sent += 1
        except sms.SmsError:
            log.warning("SMS proposal to host %s failed", host.pk)
    return sent


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
            assert link.host_id is not None
            links[link.host_id].append(link)
    messages = []
    for host_id, proposals in by_host.items():
        host = hosts[host_id]
        subject, body, telegram_messages, sms_texts = _host_message(host, proposals)
        if host.email:
            messages.append(EmailMessage(subject, body, None, [host.email]))
        elif host.phone:
            _sms(host, sms_texts)
        _telegram(host_id, telegram_messages, links[host_id])
    if messages:
        with get_connection() as connection:  # one connection for every host's e-mail
            connection.send_messages(messages)
    return len(by_host)


def confirmed_to_host(placement_id: int) -> str:
    """The household said yes after the host did: the host is told the stay is confirmed,
    with the link to the proposal's page, which now shows the family's contact (Telegram if
    linked, else e-mail, else SMS), once. Returns the channel used, or ""."""
    from prytulak.selfservice.models import LinkPurpose
    from prytulak.selfservice.services import link_create, link_url

    placement = Placement.objects.select_related("offer__host").get(pk=placement_id)
    host = placement.offer.host
    chats = list(TelegramLink.objects.filter(host=host)) if telegram.enabled() else []
    channel = "telegram" if chats else "email" if host.email else "sms" if host.phone else ""
    if host.erased_at is not None or not channel:
        return ""
    if channel == "telegram" and told_in_telegram(placement):
        return ""

    def text(url: str) -> str:
        return _(
            "Prytulak: the family said yes, the stay in %(city)s from %(date)s is confirmed. "
            "Their contact: %(url)s"
        ) % {"city": placement.offer.city, "date": date_format(placement.start_date, "d.m"),
             "url": url}  # fmt: skip

    try:
        with transaction.atomic():
            # Claimed first, as the households' notices: sent once; a failure rolls back.
            NotificationLog.objects.create(
                key=f"host:{host.pk}:confirmed:{placement.pk}",
                household_id=placement.household_id,
                channel=channel,
            )
            _link, token = link_create(
                purpose=LinkPurpose.PROPOSAL, placement=placement, language=host.preferred_language
            )
            url = link_url(token)
            if channel == "telegram":
                if not _telegram(host.pk, lambda: [(text(url), [])], chats):
                    raise TelegramError("not delivered")
            else:
                with translation.override(host.preferred_language):
                    body, subject = text(url), _("Prytulak: the stay is confirmed")
                if channel == "email":
                    send_mail(subject, body, None, [host.email or ""])
                else:
                    sms.send_sms(host.phone or "", body)
    except IntegrityError:
        return ""
    except (sms.SmsError, TelegramError):
        log.warning("confirmation to host %s failed", host.pk)
        return ""
    return channel


def _checkin_question(checkin: CheckIn) -> Messages:
    def messages() -> list[tuple[str, telegram.Buttons]]:
        text = _(
            "How is it going with your guests? Reply here or call your organisation if "
            "anything is wrong."
        )
        return [(text, checkin_buttons(checkin))]

    return messages


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
        _telegram(placement.offer.host_id, _checkin_question(checkin))
        CheckIn.objects.filter(pk=checkin.pk).update(reminded_at=timezone.now())
    return sent


def reconfirm_to_host(offer: HostOffer) -> int:
    """“Is your offer still open?” in the host's linked chats, with a button to say yes."""
    return _telegram(offer.host_id, lambda: [(reconfirm_text(offer), reconfirm_buttons(offer))])
