"""Writes for host offers and placements. Views, admin, intake and the seed all call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household, HouseholdStatus

from .models import Host, HostOffer, OfferStatus, Placement, PlacementStatus, Verification
from .selectors import beds_taken, offer_sees_contact

CONFIRM_SALT = "prytulak.housing.offer-confirm"


def host_create(*, data: dict[str, Any]) -> Host:
    host = Host(**data)
    host.full_clean()
    host.save()
    return host


def offer_create(
    *, host: Host, data: dict[str, Any], actor: Actor | None = None, send_confirmation: bool = True
) -> HostOffer:
    """A new offer. From the public form it starts as a draft until the host confirms the
    e-mail link; created by staff it waits for verification straight away."""
    offer = HostOffer(host=host, **data)
    offer.status = OfferStatus.AWAITING if actor else OfferStatus.DRAFT
    offer.full_clean()
    with transaction.atomic():
        offer.save()
        if actor is None and send_confirmation:
            transaction.on_commit(lambda: offer_send_confirmation(offer=offer))
    return offer


def offer_confirmation_token(offer: HostOffer) -> str:
    return signing.dumps({"offer": offer.pk, "email": offer.host.email}, salt=CONFIRM_SALT)


def offer_send_confirmation(*, offer: HostOffer) -> None:
    """E-mail the host a signed link, in the language they used on the form."""
    link = settings.SITE_URL + reverse(
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
            .filter(pk=payload.get("offer"), host__email=payload.get("email"))
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


def offer_update(*, offer: HostOffer, actor: Actor, data: dict[str, Any]) -> HostOffer:
    if not actor.edits_housing or not offer_sees_contact(actor=actor, offer=offer):
        raise NotAllowed
    fields = []
    for name, value in data.items():
        setattr(offer, name, value)
        fields.append(name)
    offer.full_clean()
    offer.save(update_fields=[*fields, "updated_at"])
    return offer


# Which status changes staff may make by hand; verification is its own step.
_STATUS_MOVES = {
    OfferStatus.ACTIVE: {OfferStatus.PAUSED, OfferStatus.WITHDRAWN, OfferStatus.EXPIRED},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.WITHDRAWN, OfferStatus.EXPIRED},
    OfferStatus.AWAITING: {OfferStatus.WITHDRAWN},
    OfferStatus.DRAFT: {OfferStatus.WITHDRAWN},
    OfferStatus.EXPIRED: {OfferStatus.ACTIVE, OfferStatus.WITHDRAWN},
    OfferStatus.WITHDRAWN: set(),
}


def offer_verify(*, offer: HostOffer, actor: Actor) -> HostOffer:
    """A coordinator has checked the host: the offer becomes active under their organisation."""
    if not actor.verifies_offers:
        raise NotAllowed
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
        offer.save(update_fields=["status", "organization", "updated_at"])
        # Verifying means an organisation checked who the host is; home visits (level 2) are
        # recorded separately.
        Host.objects.filter(pk=offer.host_id, verification__lt=Verification.IDENTITY).update(
            verification=Verification.IDENTITY
        )
    return offer


def offer_set_status(*, offer: HostOffer, actor: Actor, status: str) -> HostOffer:
    if not actor.edits_housing:
        raise NotAllowed
    with transaction.atomic():
        offer = HostOffer.objects.select_for_update().get(pk=offer.pk)
        if status not in _STATUS_MOVES.get(OfferStatus(offer.status), set()):
            raise ServiceError(
                _("An offer cannot move from “%(old)s” to “%(new)s”.")
                % {"old": offer.get_status_display(), "new": OfferStatus(status).label},
                code="status",
            )
        offer.status = status
        offer.save(update_fields=["status", "updated_at"])
    return offer


def placement_check_fit(
    *, household: Household, offer: HostOffer, start: datetime.date
) -> list[str]:
    """Reasons why `household` cannot go to `offer` (empty when it fits). Capacity held by
    other placements is checked separately, under a lock, when a placement is confirmed."""
    reasons = []
    size = household.members.count()
    if size == 0:
        reasons.append(_("The household has no members registered."))
    if size > offer.beds:
        reasons.append(
            _("The household has %(size)d people but the offer has %(beds)d beds.")
            % {"size": size, "beds": offer.beds}
        )
    if offer.status != OfferStatus.ACTIVE:
        reasons.append(_("The offer is not active."))
    if start < offer.available_from or (offer.available_to and start > offer.available_to):
        reasons.append(_("The offer is not available on the arrival date."))
    if household.pets and not offer.pets_allowed:
        reasons.append(_("The household has pets and the host does not accept pets."))
    if (
        household.members.filter(age_band__in=["0-4", "5-13", "14-17"]).exists()
        and not offer.children_allowed
    ):
        reasons.append(_("The household has children and the host does not accept children."))
    if household.needs_step_free and not offer.step_free:
        reasons.append(_("The household needs step-free access."))
    return reasons


def placement_propose(
    *, household: Household, offer: HostOffer, actor: Actor, start: datetime.date | None = None
) -> Placement:
    if not actor.edits_housing:
        raise NotAllowed
    start = start or max(household.arrival_date, offer.available_from, timezone.localdate())
    reasons = placement_check_fit(household=household, offer=offer, start=start)
    if reasons:
        raise ServiceError(reasons, code="does_not_fit")
    placement = Placement(
        household=household,
        offer=offer,
        beds=household.members.count(),
        start_date=start,
        end_date=offer.available_to,
        created_by=actor.user,
    )
    placement.full_clean()
    with transaction.atomic():
        placement.save()
        Household.objects.filter(
            pk=household.pk, status__in=[HouseholdStatus.NEW, HouseholdStatus.WAITING]
        ).update(status=HouseholdStatus.PROPOSED)
    return placement


def placement_confirm(*, placement: Placement, actor: Actor) -> Placement:
    """Both sides said yes: the placement takes its beds. The offer row is locked so two
    confirmations can never together exceed the offer's beds on any day."""
    if not actor.edits_housing:
        raise NotAllowed
    with transaction.atomic():
        offer = HostOffer.objects.select_for_update().get(pk=placement.offer_id)
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        if placement.status not in (
            PlacementStatus.PROPOSED,
            PlacementStatus.HOST_ACCEPTED,
            PlacementStatus.HOUSEHOLD_ACCEPTED,
        ):
            raise ServiceError(_("This placement can no longer be confirmed."), code="status")
        taken = beds_taken(
            offer=offer, start=placement.start_date, end=placement.end_date, exclude_pk=placement.pk
        )
        if taken + placement.beds > offer.beds:
            raise ServiceError(
                _("These beds are no longer available: %(free)d of %(beds)d are free.")
                % {"free": max(offer.beds - taken, 0), "beds": offer.beds},
                code="capacity",
            )
        placement.status = PlacementStatus.CONFIRMED
        placement.save(update_fields=["status", "updated_at"])
        Household.objects.filter(pk=placement.household_id).update(status=HouseholdStatus.PLACED)
    return placement
