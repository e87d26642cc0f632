"""Writes for households and their members."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core.errors import ServiceError
from prytulak.core.privacy import email_index, phone_index
from prytulak.orgs.scopes import Actor

from .models import ConsentRecord, Household, HouseholdStatus, Person, ShareLevel, Source

MAX_MEMBERS = 30


def _check_members(members: list[dict[str, Any]]) -> None:
    if not members:
        raise ServiceError(_("A household needs at least one person."), code="no_members")
    if len(members) > MAX_MEMBERS:
        raise ServiceError(
            _("A household can have at most %(max)d people.") % {"max": MAX_MEMBERS},
            code="too_many",
        )


def _set_indexes(household: Household) -> None:
    household.phone_index = phone_index(household.phone)
    household.email_index = email_index(household.email)


def household_register(
    *, actor: Actor | None, data: dict[str, Any], members: list[dict[str, Any]]
) -> Household:
    """Register a household. Without an actor it comes from the public form and waits, with
    no organisation, for a coordinator to take it; staff register it in their organisation."""
    _check_members(members)
    if actor is not None:
        actor.require("household.create")
    household = Household(**data)
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
    people = [Person(**m) for m in members]
    with transaction.atomic():
        household.save()
        for person in people:
            person.household = household
            person.full_clean()
        Person.objects.bulk_create(people)
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
        household.save(update_fields=[*data.keys(), "phone_index", "email_index", "updated_at"])
        if members is not None:
            _check_members(members)
            household.members.all().delete()
            people = [Person(household=household, **m) for m in members]
            for person in people:
                person.full_clean()
            Person.objects.bulk_create(people)
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
