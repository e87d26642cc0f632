"""Signed links for hosts and households: create, resolve (every refusal logged), revoke.

A token is 128 random bits in the URL; the database keeps its SHA-256 only. A link opens one
page about one record (its purpose) and dies when it expires, when staff revoke it, or when
its record moves on: a proposal link when the placement is declined, cancelled or over.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prytulak.audit.log import log_access
from prytulak.audit.models import AccessLog
from prytulak.core.errors import ServiceError
from prytulak.core.site import site_url
from prytulak.housing.models import Host, HostOffer, Placement
from prytulak.housing.placements import LIVE
from prytulak.orgs.scopes import Actor, Party, PartyActor
from prytulak.people.models import Household, HouseholdStatus

from .models import AccessLink, LinkPurpose

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class LinkRefused(Exception):
    """The link does not open a page; `why` goes to the access log, never to the visitor."""

    def __init__(self, why: str, link: AccessLink | None = None):
        super().__init__(why)
        self.why, self.link = why, link


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(
    *,
    purpose: str,
    placement: Placement | None = None,
    host: Host | None = None,
    household: Household | None = None,
    language: str = "uk",
) -> tuple[AccessLink, str]:
    """A new link and its token (shown once, in the message that carries it)."""
    token = secrets.token_urlsafe(16)  # 22 characters: short enough for an SMS
    days = settings.LINK_DAYS[purpose]
    link = AccessLink(
        purpose=purpose,
        placement=placement,
        host=host,
        household=household,
        token_hash=token_hash(token),
        language=language,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    link.full_clean()
    link.save()
    return link, token


def link_url(token: str) -> str:
    return site_url() + reverse("link-page", args=[token])


def _alive(link: AccessLink) -> str:
    """Why the link's record no longer has a page ("" while it has one)."""
    if link.purpose == LinkPurpose.PROPOSAL:
        assert link.placement is not None
        if link.placement.status not in LIVE:
            return "placement over"
        if link.placement.offer.host.erased_at is not None:
            return "host erased"
    elif link.purpose == LinkPurpose.OFFERS:
        assert link.host is not None
        if link.host.erased_at is not None:
            return "host erased"
    else:
        assert link.household is not None
        if link.household.erased_at is not None or link.household.status == HouseholdStatus.CLOSED:
            return "household closed"
    return ""


def link_resolve(
    *, token: str, purposes: tuple[str, ...] = tuple(LinkPurpose.values)
) -> AccessLink:
    """The live link for `token`, or LinkRefused. Each successful use is counted."""
    if not TOKEN_SHAPE.match(token or ""):
        raise LinkRefused("malformed token")
    link = (
        AccessLink.objects.select_related(
            "placement__offer__host", "placement__household", "host", "household"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        raise LinkRefused("unknown token")
    if link.purpose not in purposes:
        raise LinkRefused("wrong purpose", link)
    if link.revoked_at is not None:
        raise LinkRefused("revoked", link)
    now = timezone.now()
    if link.expires_at <= now:
        raise LinkRefused("expired", link)
    why = _alive(link)
    if why:
        raise LinkRefused(why, link)
    AccessLink.objects.filter(pk=link.pk).update(last_used_at=now, uses=F("uses") + 1)
    return link


def link_refused_log(*, why: str, link: AccessLink | None, path: str = "") -> None:
    """A refused link in the access log: what was asked and why it was refused."""
    AccessLog.objects.create(
        action="link.refused",
        object_type="selfservice.accesslink",
        object_id=str(link.pk) if link else "",
        channel="link",
        reason=f"{why} {path}"[:300],
    )


def link_opened_log(*, link: AccessLink, actor: PartyActor) -> None:
    """Opening a page is an access to the subject's record, in the access log."""
    subject: models.Model = link.subject
    AccessLog.objects.create(
        action="link.opened",
        party=actor.party,
        channel=actor.channel,
        object_type=subject._meta.label_lower,
        object_id=str(subject.pk),
        reason=f"{link.purpose} link #{link.pk}",
    )


def party_for(link: AccessLink) -> PartyActor:
    """Who acts through this link: the host, or the household, on their own record only."""
    if link.purpose == LinkPurpose.PROPOSAL:
        assert link.placement is not None
        return PartyActor(party=Party.HOST, host_id=link.placement.offer.host_id)
    if link.purpose == LinkPurpose.OFFERS:
        return PartyActor(party=Party.HOST, host_id=link.host_id)
    return PartyActor(party=Party.HOUSEHOLD, household_id=link.household_id)


def link_revoke(*, link: AccessLink, actor: Actor) -> AccessLink:
    """Staff switch a link off; it cannot be switched on again (send a new one)."""
    actor.require("link.revoke", link)
    with transaction.atomic():
        n = AccessLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor.user
        )
        if n != 1:
            raise ServiceError(_("This link is already switched off."), code="revoked")
    link.refresh_from_db()
    return link


def links_for_placement(placement: Placement) -> models.QuerySet[AccessLink]:
    """The links staff see on a placement: its proposal links and the household's links."""
    return AccessLink.objects.filter(
        models.Q(placement=placement) | models.Q(household_id=placement.household_id)
    ).order_by("-created_at", "-pk")


def _link_text(purpose: str, url: str) -> str:
    if purpose == LinkPurpose.HOUSEHOLD:
        return _("Prytulak: your own page about your request: %(url)s") % {"url": url}
    return _("Prytulak: your own page to manage your offers: %(url)s") % {"url": url}


def link_send(
    *, actor: Actor, household: Household | None = None, offer: HostOffer | None = None
) -> str:
    """(Re)send a household its own page, or a host (of `offer`) the page for their offers,
    by the channel the person has: their linked Telegram chat, else e-mail, else SMS, in
    their language. The earlier links keep working until they expire or are switched off.
    Returns the channel; ServiceError when there is none or it fails. In the access log."""
    from prytulak.notify import sms, telegram
    from prytulak.notify.family import household_language

    subject_record: Household | Host
    if household is not None:
        actor.require("link.send", household)
        subject_record, purpose = household, LinkPurpose.HOUSEHOLD
        language = household_language(household)
        chats = list(household.telegram_links.all())
        email, phone = household.email, household.phone
    elif offer is not None:
        actor.require("link.send", offer)
        subject_record, purpose = offer.host, LinkPurpose.OFFERS
        language = offer.host.preferred_language
        chats = list(offer.host.telegram_links.all())
        email, phone = offer.host.email, offer.host.phone
    else:
        raise ServiceError(_("Say whose link to send."), code="no_subject")
    chats = chats if telegram.enabled() else []
    channel = "telegram" if chats else "email" if email else "sms" if phone else ""
    if not channel:
        raise ServiceError(
            _("There is no way to send the link: no e-mail, phone or linked Telegram chat."),
            code="no_channel",
        )
    if household is not None:
        _link, token = link_create(purpose=purpose, household=household, language=language)
    else:
        assert offer is not None
        _link, token = link_create(purpose=purpose, host=offer.host, language=language)
    url = link_url(token)
    try:
        if channel == "telegram":
            replies = []
            for chat in chats:
                with translation.override(chat.language):
                    replies.append(telegram.Reply(chat.chat_id, _link_text(purpose, url)))
            if not telegram.deliver(replies):
                raise ServiceError(_("The message could not be sent. Try again later."))
        else:
            with translation.override(language):
                text = _link_text(purpose, url)
                subject = _("Prytulak: your own link")
            if channel == "email":
                send_mail(subject, text, None, [email])
            else:
                sms.send_sms(phone or "", text)
    except sms.SmsError as exc:
        AccessLink.objects.filter(pk=_link.pk).update(revoked_at=timezone.now())
        raise ServiceError(
            _("The SMS could not be sent. Check the phone number."), code="sms"
        ) from exc
    except ServiceError:
        AccessLink.objects.filter(pk=_link.pk).update(revoked_at=timezone.now())
        raise
    log_access(
        actor=actor,
        obj=subject_record,
        action="link.sent",
        reason=f"{purpose} link #{_link.pk} by {channel}",
    )
    return channel
