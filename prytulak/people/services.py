"""Writes for households and their members."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prytulak.core.errors import ServiceError
from prytulak.core.privacy import email_index, messenger_index, name_index, name_key, phone_index
from prytulak.orgs.scopes import Actor

from .models import (
    CHILD_BANDS,
    ConsentRecord,
    Household,
    HouseholdStatus,
    Person,
    ShareLevel,
    Source,
)

MAX_MEMBERS = 30
URGENT = 3  # the highest priority: children alone are reviewed first


def children_only(members: list[dict[str, Any]]) -> bool:
    """Children without an adult (unaccompanied minors): a child-protection matter."""
    return bool(members) and all(m.get("age_band") in CHILD_BANDS for m in members)


def _check_members(members: list[dict[str, Any]]) -> None:
    if not members:
        raise ServiceError(_("A household needs at least one person."), code="no_members")
    if len(members) > MAX_MEMBERS:
        raise ServiceError(
            ngettext(
                "A household can have at most %(max)s person.",
                "A household can have at most %(max)s people.",
                MAX_MEMBERS,
            )
            % {"max": MAX_MEMBERS},
            code="too_many",
        )


def _set_indexes(household: Household) -> None:
    from prytulak.housing.services import contact_required

    contact_required(phone=household.phone, email=household.email, messenger=household.messenger)
    household.phone_index = phone_index(household.phone)
    household.email_index = email_index(household.email)
    household.lead_name_key = name_key(household.lead_name)
    household.messenger_index = messenger_index(household.messenger)


def _people(household: Household, members: list[dict[str, Any]]) -> list[Person]:
    people = [Person(household=household, **m) for m in members]
    for person in people:
        person.name_index = name_index(person.name)
        person.full_clean()
    return people


class DuplicateHousehold(ServiceError):
    """The phone, e-mail or messenger is already registered. `duplicates` are the households
    the actor may see (to name them); `hidden` counts the others, which are never named."""

    def __init__(self, duplicates: list[Household], hidden: int):
        super().__init__(
            _("The same phone, e-mail or messenger is already registered."), code="duplicate"
        )
        self.duplicates = duplicates
        self.hidden = hidden


def household_register(
    *,
    actor: Actor | None,
    data: dict[str, Any],
    members: list[dict[str, Any]],
    register_anyway: bool = False,
) -> Household:
    """Register a household: the one place for the public form, staff forms, the API and
    imports. Without an actor it comes from the public form and waits, with no organisation,
    for a coordinator to take it; staff register it in their organisation.

    Staff registrations are checked for duplicates (same phone, e-mail or messenger in any
    organisation, by blind index) and refused with DuplicateHousehold unless
    `register_anyway`. The public form is not checked: its answer would tell a stranger who
    is registered; coordinators see the duplicates on the household's page."""
    from .selectors import duplicates_for

    _check_members(members)
    if actor is not None:
        actor.require("household.create")
    household = Household(**data)
    if children_only(members):
        # Saved, never turned away, and put first in line for child protection.
        household.priority = URGENT
    if actor is None:
        household.source = Source.INTAKE
        household.organization = None
        household.status = HouseholdStatus.NEW
    else:
        household.source = data.get("source", Source.STAFF)
        household.organization = actor.organization
        household.created_by = actor.user
        household.status = HouseholdStatus.WAITING
    _set_indexes(household)
    household.full_clean()
    with transaction.atomic():
        if actor is not None and not register_anyway:
            duplicates, hidden = duplicates_for(
                actor=actor,
                phone=household.phone,
                email=household.email,
                messenger=household.messenger,
            )
            if duplicates or hidden:
                raise DuplicateHousehold(duplicates, hidden)
        household.save()
        Person.objects.bulk_create(_people(household, members))
        from prytulak.notify.tasks import household_notice_on_commit

        # The household's own link to follow its request (e-mail, else SMS).
        household_notice_on_commit(household.pk, "registered", household.pk)
    return household


def household_update(
    *,
    household: Household,
    actor: Actor,
    data: dict[str, Any],
    members: list[dict[str, Any]] | None = None,
) -> Household:
    """Edit a household of the actor's own organisation; `members`, when given, replaces
    the member list."""
    actor.require("household.edit", household)
    for name, value in data.items():
        setattr(household, name, value)
    _set_indexes(household)
    household.full_clean()
    with transaction.atomic():
        indexes = ["phone_index", "email_index", "messenger_index", "lead_name_key"]
        household.save(update_fields=[*data.keys(), *indexes, "updated_at"])
        if members is not None:
            _check_members(members)
            household.members.all().delete()
            Person.objects.bulk_create(_people(household, members))
    return household


def household_claim(*, household: Household, actor: Actor) -> Household:
    """A coordinator takes a public registration into their organisation."""
    actor.require("household.claim")  # whether it is still unclaimed is checked atomically
    with transaction.atomic():
        n = Household.objects.filter(pk=household.pk, organization__isnull=True).update(
            organization=actor.organization, status=HouseholdStatus.WAITING
        )
        if n != 1:
            raise ServiceError(
                _("Another organisation has already taken this household."), code="taken"
            )
    household.refresh_from_db()
    return household


def household_set_sharing(
    *, household: Household, actor: Actor, level: str, how: str
) -> ConsentRecord:
    """Record what the household agreed partner organisations may see, and apply it."""
    actor.require("household.share", household)
    if level not in ShareLevel.values:
        raise ServiceError(_("Choose what the household agreed to share."), code="level")
    if not how.strip():
        raise ServiceError(_("Say how the household gave or withdrew consent."), code="how")
    record = ConsentRecord(
        household=household,
        level=level,
        how=how.strip(),
        recorded_by=actor.user,
        organization=actor.organization,
    )
    record.full_clean()
    with transaction.atomic():
        record.save()
        household.share_level = level
        household.save(update_fields=["share_level", "updated_at"])
    return record


def household_close(*, household: Household, actor: Actor | None, reason: str = "") -> None:
    """The household needs nothing more; the retention clock for its data starts now."""
    if actor is not None:
        actor.require("household.close", household)
    household.status = HouseholdStatus.CLOSED
    household.closed_at = timezone.now()
    household.save(update_fields=["status", "closed_at", "updated_at"])


def household_merge(
    *, keep: Household, drop: Household, actor: Actor, reason: str = ""
) -> Household:
    """Merge `drop` (a duplicate registration) into `keep`; both must be households the actor
    may edit. What hangs off `drop` moves to `keep`: placements, cases, journeys, bookings and
    consent records. Its members join `keep` only where they add someone: named people whose
    name `keep` does not have yet (or everyone, when `keep` lists nobody), so nobody is
    counted twice. Contact details `keep` lacks are taken from `drop`; `drop` is closed with a
    note naming `keep`, and both records get an access-log entry."""
    from prytulak.assistance.models import Case
    from prytulak.audit.log import log_access
    from prytulak.housing.models import Placement
    from prytulak.journeys.models import Booking, BookingStatus, Journey

    actor.require("household.edit", keep)
    actor.require("household.edit", drop)
    if keep.pk == drop.pk:
        raise ServiceError(_("Choose two different households to merge."), code="same")
    live = [BookingStatus.REQUESTED, BookingStatus.BOOKED]
    with transaction.atomic():
        keep = Household.objects.select_for_update().get(pk=keep.pk)
        drop = Household.objects.select_for_update().get(pk=drop.pk)
        if drop.status == HouseholdStatus.CLOSED or keep.status == HouseholdStatus.CLOSED:
            raise ServiceError(_("A closed household cannot be merged."), code="closed")
        # Seats asked twice on one trip: the kept household's request stands.
        both = Booking.objects.filter(household=keep, status__in=live).values("trip_id")
        Booking.objects.filter(household=drop, status__in=live, trip_id__in=both).update(
            status=BookingStatus.CANCELLED, reason=_("Merged duplicate registration.")
        )
        for model in (Placement, Case, Journey, Booking, ConsentRecord):
            model.objects.filter(household=drop).update(household=keep)
        kept_people = list(keep.members.all())
        names = {p.name_index for p in kept_people if p.name_index}
        moving = [
            p.pk
            for p in drop.members.all()
            if not kept_people or (p.name_index and p.name_index not in names)
        ]
        Person.objects.filter(pk__in=moving).update(household=keep)

        changed = []
        for name in ("phone", "email", "messenger", "needs", "pet_notes"):
            if not getattr(keep, name) and getattr(drop, name):
                setattr(keep, name, getattr(drop, name))
                changed.append(name)
        languages = list(dict.fromkeys([*keep.languages, *drop.languages]))
        if languages != keep.languages:
            keep.languages = languages
            changed.append("languages")
        if drop.priority > keep.priority:
            keep.priority = drop.priority
            changed.append("priority")
        _set_indexes(keep)
        keep.full_clean()
        indexes = ["phone_index", "email_index", "messenger_index", "lead_name_key"]
        keep.save(update_fields=[*changed, *indexes, "updated_at"])

        note = _("Merged into household #%(pk)d.") % {"pk": keep.pk}
        drop.notes = f"{drop.notes}\n{note}".strip() if drop.notes else note
        drop.status = HouseholdStatus.CLOSED
        drop.closed_at = timezone.now()
        drop.save(update_fields=["notes", "status", "closed_at", "updated_at"])
        why = _("Household #%(drop)d merged into #%(keep)d.") % {"drop": drop.pk, "keep": keep.pk}
        if reason.strip():
            why = f"{why} {reason.strip()}"
        for household in (keep, drop):
            log_access(
                actor=actor,
                obj=household,
                action="household.merged",
                fields=["members", "placements", "cases", "journeys", "bookings", *changed],
                reason=why,
            )
    return keep
