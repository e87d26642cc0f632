"""Writes for host offers and placements. Views, admin, intake and the seed all call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.privacy import email_index, messenger_index, name_key, phone_index
from prytulak.core.site import site_url
from prytulak.maps.snapshot import offers_changed
from prytulak.orgs.scopes import Actor, AnyActor

from .models import (
    HOLDS_BEDS,
    DocumentType,
    Host,
    HostOffer,
    HostVerification,
    OfferStatus,
    Verification,
    private_beds_error,
)

CONFIRM_SALT = "prytulak.housing.offer-confirm"


CONTACT_REQUIRED = gettext_lazy(
    "Give at least one way to reach them: a phone, an e-mail or a messenger."
)


def contact_required(*, phone: str | None, email: str | None, messenger: str | None) -> None:
    """A host or a household needs at least one way to be reached."""
    if not ((phone or "").strip() or (email or "").strip() or (messenger or "").strip()):
        raise ServiceError(str(CONTACT_REQUIRED), code="no_contact")


def host_create(*, data: dict[str, Any]) -> Host:
    """A host record on its own; offers are submitted with `host_offer_submit`, which creates
    the host in the same transaction."""
    host = Host(**data)
    contact_required(phone=host.phone, email=host.email, messenger=host.messenger)
    host.email = host.email or None
    host.email_index = email_index(host.email)
    host.phone_index = phone_index(host.phone)
    host.name_key = name_key(host.name)
    host.messenger_index = messenger_index(host.messenger)
    host.full_clean()
    host.save()
    return host


def host_offer_submit(
    *,
    host: dict[str, Any],
    offer: dict[str, Any],
    actor: Actor | None = None,
    send_confirmation: bool = True,
) -> HostOffer:
    """A host and their offer, from the public form (no actor), a staff form, the API or an
    import: one transaction, so a refused offer never leaves a host holding personal data.

    Staff-created offers wait for verification. A public offer with an e-mail stays a draft
    until the host follows the e-mailed link; one without an e-mail (a phone or a messenger
    only) cannot be confirmed by a link, so it goes straight to verification, where a
    coordinator reaches the host and checks their identity before it becomes active."""
    if actor is not None:
        actor.require("offer.create")
    try:
        with transaction.atomic():
            new_host = host_create(data=host)
            created = _offer_create(host=new_host, data=offer, actor=actor)
            if created.status == OfferStatus.DRAFT and send_confirmation:
                # The address is read now, while the request that posted the form is known.
                site = site_url()
                transaction.on_commit(lambda: offer_send_confirmation(offer=created, site=site))
    except ServiceError:
        raise
    except ValidationError as exc:
        # Model validation after the forms' own (a constraint, a coordinate): the caller
        # shows it as the form's error, not a server error.
        raise ServiceError(exc.messages, code="invalid") from exc
    return created


def _check_beds(*, host: Host, beds: int | None) -> None:
    if beds is not None and (error := private_beds_error(kind=host.kind, beds=beds)):
        raise ServiceError({"beds": [error]}, code="too_many_beds")


def _offer_create(*, host: Host, data: dict[str, Any], actor: Actor | None) -> HostOffer:
    _check_beds(host=host, beds=data.get("beds"))
    offer = HostOffer(host=host, **data)
    offer.status = OfferStatus.AWAITING if actor or not host.email else OfferStatus.DRAFT
    offer.full_clean()
    offer.save()
    return offer


def offer_confirmation_token(offer: HostOffer) -> str:
    return signing.dumps({"offer": offer.pk, "email": offer.host.email}, salt=CONFIRM_SALT)


def offer_send_confirmation(*, offer: HostOffer, site: str | None = None) -> None:
    """E-mail the host a signed link, in the language they used on the form; the link starts
    with `site` (the address the form was posted to), else site_url()."""
    link = (site or site_url()) + reverse(
        "intake:host-confirm", kwargs={"token": offer_confirmation_token(offer)}
    )
    with translation.override(offer.host.preferred_language):
        context = {"offer": offer, "link": link, "days": settings.INTAKE_CONFIRM_MAX_AGE_DAYS}
        subject = _("Please confirm your offer of a place to stay")
        body = render_to_string("housing/email/confirm_offer.txt", context)
    send_mail(subject, body, None, [offer.host.email])


def offer_confirm_email(*, token: str) -> HostOffer:
    """Follow a confirmation link: the draft offer moves to verification."""
    max_age = datetime.timedelta(days=settings.INTAKE_CONFIRM_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ServiceError(
            _("This link has expired. Please fill in the form again."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise ServiceError(_("This link is not valid."), code="invalid") from exc
    with transaction.atomic():
        offer = (
            HostOffer.objects.select_for_update()
            .select_related("host")
            .filter(pk=payload.get("offer"), host__email_index=email_index(payload.get("email")))
            .first()
        )
        if offer is None:
            raise ServiceError(_("This link is not valid."), code="invalid")
        if offer.host.email_confirmed_at is None:
            offer.host.email_confirmed_at = timezone.now()
            offer.host.save(update_fields=["email_confirmed_at"])
        if offer.status == OfferStatus.DRAFT:
            offer.status = OfferStatus.AWAITING
            offer.save(update_fields=["status", "updated_at"])
    return offer


# What a host may change on their own page; the rest is for their organisation.
HOST_EDITABLE = {"available_from", "available_to", "beds", "pets_allowed"}


def offer_update(*, offer: HostOffer, actor: AnyActor, data: dict[str, Any]) -> HostOffer:
    actor.require("offer.edit", offer)
    if actor.party and not set(data) <= HOST_EDITABLE:
        raise NotAllowed
    fields = []
    for name, value in data.items():
        setattr(offer, name, value)
        fields.append(name)
    _check_beds(host=offer.host, beds=offer.beds)
    _check_placed_families(offer)
    offer.full_clean()
    offer.save(update_fields=[*fields, "updated_at"])
    offers_changed()
    return offer


def _check_placed_families(offer: HostOffer) -> None:
    """An offer keeps room and time for the families placed in it (both sides accepted,
    travelling or arrived): fewer beds, or an end before their stay ends, is refused; the
    placement is ended or moved first (by the organisation, which then tells the family)."""
    held = offer.placements.filter(status__in=HOLDS_BEDS)
    taken = held.aggregate(n=Sum("beds"))["n"] or 0
    if offer.beds < taken:
        raise ServiceError(
            ngettext(
                "%(n)d bed is taken by a family placed here; the offer cannot have fewer. "
                "Ask your organisation first.",
                "%(n)d beds are taken by families placed here; the offer cannot have fewer. "
                "Ask your organisation first.",
                taken,
            )
            % {"n": taken},
            code="beds_taken",
        )
    if (
        offer.available_to
        and held.filter(Q(end_date__isnull=True) | Q(end_date__gt=offer.available_to)).exists()
    ):
        raise ServiceError(
            _(
                "A family placed here stays beyond that date; the offer cannot end sooner. "
                "Ask your organisation first."
            ),
            code="placed_until",
        )


# Which status changes staff may make by hand; verification is its own step.
_STATUS_MOVES = {
    OfferStatus.ACTIVE: {OfferStatus.PAUSED, OfferStatus.WITHDRAWN, OfferStatus.EXPIRED},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.WITHDRAWN, OfferStatus.EXPIRED},
    OfferStatus.AWAITING: {OfferStatus.WITHDRAWN},
    OfferStatus.DRAFT: {OfferStatus.WITHDRAWN},
    OfferStatus.EXPIRED: {OfferStatus.ACTIVE, OfferStatus.WITHDRAWN},
    OfferStatus.WITHDRAWN: set(),
}
# A host may pause, reopen what they paused (unless it was flagged) and withdraw.
_HOST_STATUS_MOVES = {
    OfferStatus.ACTIVE: {OfferStatus.PAUSED, OfferStatus.WITHDRAWN},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.WITHDRAWN},
    OfferStatus.AWAITING: {OfferStatus.WITHDRAWN},
    OfferStatus.DRAFT: {OfferStatus.WITHDRAWN},
    OfferStatus.EXPIRED: {OfferStatus.WITHDRAWN},
}


def offer_verify(
    *, offer: HostOffer, actor: Actor, document_type: str, note: str = ""
) -> HostOffer:
    """A coordinator has checked who the host is (and recorded which document they saw): the
    offer becomes active under their organisation."""
    actor.require("offer.verify", offer)
    if document_type not in DocumentType.values:
        raise ServiceError(_("Say which document you checked."), code="document")
    with transaction.atomic():
        offer = HostOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.AWAITING:
            raise ServiceError(
                _("Only offers awaiting verification can be verified."), code="status"
            )
        if offer.organization_id not in (None, actor.organization.pk):
            raise ServiceError(_("Another organisation is verifying this offer."), code="taken")
        offer.status = OfferStatus.ACTIVE
        offer.organization = actor.organization
        offer.confirmed_until = _reconfirm_date()
        offer.save(update_fields=["status", "organization", "confirmed_until", "updated_at"])
        offers_changed()
        host_record_check(
            host=offer.host,
            actor=actor,
            level=Verification.IDENTITY,
            document_type=document_type,
            note=note,
        )
    return offer


def host_record_check(
    *, host: Host, actor: Actor, level: int, document_type: str = "", note: str = ""
) -> HostVerification:
    """Record a check of a host (identity, home visit, references); the host's level is the
    highest recorded. The matching safeguards read that level."""
    # The organisation that verified one of the host's offers checks the host (any
    # coordinator while none has, as for verifying the offer).
    actor.require("offer.visit")
    mine = Q(organization=actor.organization) | Q(organization__isnull=True)
    if not host.offers.filter(mine).exists():
        raise NotAllowed
    if level not in (Verification.IDENTITY, Verification.VISITED):
        raise ServiceError(_("Choose what was checked."), code="level")
    if level == Verification.IDENTITY and not document_type:
        raise ServiceError(_("Say which document you checked."), code="document")
    with transaction.atomic():
        current = Host.objects.select_for_update().get(pk=host.pk).verification
        if level == Verification.VISITED and current < Verification.IDENTITY:
            raise ServiceError(
                _("Check the host's identity before recording a visit."), code="order"
            )
        check = HostVerification(
            host=host,
            level=level,
            organization=actor.organization,
            checked_by=actor.user,
            document_type=document_type,
            note=note,
        )
        check.full_clean()
        check.save()
        Host.objects.filter(pk=host.pk, verification__lt=level).update(verification=level)
    host.refresh_from_db(fields=["verification"])
    return check


def _reconfirm_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.OFFER_RECONFIRM_DAYS)


RECONFIRM_SALT = "prytulak.housing.offer-reconfirm"


def offer_reconfirm_link(offer: HostOffer) -> str:
    token = signing.dumps({"offer": offer.pk}, salt=RECONFIRM_SALT)
    return site_url() + reverse("intake:host-reconfirm", kwargs={"token": token})


def offer_reconfirm(*, token: str) -> HostOffer:
    """The host follows the link in the reminder: the offer stays (or becomes again) active
    for another OFFER_RECONFIRM_DAYS."""
    max_age = datetime.timedelta(days=settings.OFFER_RECONFIRM_DAYS * 2)
    try:
        payload = signing.loads(token, salt=RECONFIRM_SALT, max_age=max_age)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise ServiceError(_("This link is not valid."), code="invalid") from exc
    return _reconfirm(payload.get("offer"))


def offer_reconfirm_own(*, offer: HostOffer, actor: AnyActor) -> HostOffer:
    """The host re-confirms from their own page (same rule as the e-mailed link)."""
    actor.require("offer.edit", offer)
    return _reconfirm(offer.pk)


def _reconfirm(offer_pk: Any) -> HostOffer:
    with transaction.atomic():
        offer = HostOffer.objects.select_for_update().filter(pk=offer_pk).first()
        if offer is None or offer.status not in (OfferStatus.ACTIVE, OfferStatus.EXPIRED):
            raise ServiceError(_("This offer can no longer be re-confirmed."), code="status")
        offer.status = OfferStatus.ACTIVE
        offer.confirmed_until = _reconfirm_date()
        offer.reminder_sent_at = None
        offer.save(update_fields=["status", "confirmed_until", "reminder_sent_at", "updated_at"])
        offers_changed()
    return offer


def offers_expire_and_remind(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Daily: offers past their re-confirmation date expire; hosts whose offers expire soon get
    one reminder with a re-confirmation link. Returns (expired, reminded)."""
    today = today or timezone.localdate()
    expired = HostOffer.objects.filter(status=OfferStatus.ACTIVE, confirmed_until__lt=today).update(
        status=OfferStatus.EXPIRED, updated_at=timezone.now()
    )
    if expired:
        offers_changed()
    soon = today + datetime.timedelta(days=settings.OFFER_RECONFIRM_REMINDER_DAYS)
    due = HostOffer.objects.filter(
        status=OfferStatus.ACTIVE, confirmed_until__lte=soon, reminder_sent_at__isnull=True
    ).select_related("host")
    reminded = 0
    for offer in due:
        # Claim the reminder first so two workers never send it twice.
        if HostOffer.objects.filter(pk=offer.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        ):
            _send_reconfirm_reminder(offer)
            reminded += 1
    return expired, reminded


def _send_reconfirm_reminder(offer: HostOffer) -> None:
    from prytulak.notify.services import reconfirm_to_host

    reconfirm_to_host(offer)  # a linked Telegram chat gets a button to say yes
    if not offer.host.email:
        return
    from prytulak.selfservice.services import link_create, link_url

    # The host's own page for all their offers, so they can change them without calling.
    _own, token = link_create(
        purpose="offers", host=offer.host, language=offer.host.preferred_language
    )
    with translation.override(offer.host.preferred_language):
        context = {"offer": offer, "link": offer_reconfirm_link(offer), "manage": link_url(token)}
        subject = _("Is your offer of a place still open?")
        body = render_to_string("housing/email/reconfirm_offer.txt", context)
    send_mail(subject, body, None, [offer.host.email])


def offer_set_status(*, offer: HostOffer, actor: AnyActor, status: str) -> HostOffer:
    """Pause, withdraw, expire or reopen an offer: its verifying organisation (or a
    coordinator while no organisation has verified it yet)."""
    with transaction.atomic():
        offer = HostOffer.objects.select_for_update().get(pk=offer.pk)
        actor.require("offer.set_status", offer)
        moves = _HOST_STATUS_MOVES if actor.party else _STATUS_MOVES
        reopen_flagged = actor.party and status == OfferStatus.ACTIVE and offer.flagged_at
        if reopen_flagged or status not in moves.get(OfferStatus(offer.status), set()):
            raise ServiceError(
                _("An offer cannot move from “%(old)s” to “%(new)s”.")
                % {"old": offer.get_status_display(), "new": OfferStatus(status).label},
                code="status",
            )
        if (
            status in (OfferStatus.WITHDRAWN, OfferStatus.EXPIRED)
            and offer.placements.filter(status__in=HOLDS_BEDS).exists()
        ):
            raise ServiceError(
                _(
                    "A family is placed in this offer: it cannot be withdrawn or closed until "
                    "the placement has ended or moved. Ask your organisation."
                ),
                code="placed",
            )
        offer.status = status
        offer.save(update_fields=["status", "updated_at"])
        offers_changed()
    return offer
