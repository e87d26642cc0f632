"""Cases and referrals: every write is here."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core.errors import ServiceError
from prytulak.orgs.capabilities import WORKS_CASES
from prytulak.orgs.models import Membership, Organization, Role
from prytulak.orgs.scopes import Actor
from prytulak.people.models import CHILD_BANDS, Household, Person

from .models import (
    OPEN_CASE,
    Case,
    CaseEvent,
    CaseStatus,
    CaseType,
    Referral,
    ReferralStatus,
    ServiceProvider,
)

S = CaseStatus
MOVES = {
    S.NEW: {S.TRIAGED, S.CLOSED},
    S.TRIAGED: {S.ASSIGNED, S.CLOSED},
    S.ASSIGNED: {S.IN_PROGRESS, S.TRIAGED, S.CLOSED},
    S.IN_PROGRESS: {S.RESOLVED, S.ASSIGNED, S.CLOSED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: set(),
}


def unaccompanied(household: Household) -> bool:
    members = list(household.members.all())
    return bool(members) and all(m.age_band in CHILD_BANDS for m in members)


def _event(case: Case, actor: Actor, what: str) -> None:
    CaseEvent.objects.create(case=case, by=actor.user, what=what[:200])


def _child_protection_officer(organization: Organization) -> User | None:
    member = (
        Membership.objects.filter(organization=organization, role=Role.CHILD_PROTECTION)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    return member.user if member else None


def case_open(
    *,
    actor: Actor,
    household: Household,
    type: str,
    person: Person | None = None,
    due_on: datetime.date | None = None,
    notes: str = "",
    checklist: list[str] | None = None,
    provider: ServiceProvider | None = None,
) -> Case:
    """A new case for a household of the actor's organisation. A case about a child is
    marked so; a household of children only is an unaccompanied minor: the case goes to the
    organisation's child-protection officer."""
    actor.require("household.open_case", household)
    errors = []
    if type not in CaseType.values:
        errors.append(_("Choose a kind of case from the list."))
    if due_on is not None and due_on < timezone.localdate():
        errors.append(_("A new case cannot be due in the past."))
    if person is not None and person.household_id != household.pk:
        errors.append(_("That person is not a member of this household."))
    if errors:
        raise ServiceError(errors, code="invalid")
    alone = unaccompanied(household)
    case = Case(
        household=household,
        person=person,
        type=type,
        organization=actor.organization,
        due_on=due_on,
        provider=provider,
        notes=notes,
        checklist=[{"item": item, "done": False} for item in (checklist or []) if item.strip()],
        child=alone or (person is not None and person.age_band in CHILD_BANDS),
        unaccompanied_minor=alone,
        created_by=actor.user,
    )
    if alone:
        officer = _child_protection_officer(actor.organization)
        if officer is not None:
            case.assignee, case.status = officer, S.ASSIGNED
    case.full_clean()
    with transaction.atomic():
        case.save()
        _event(case, actor, _("Opened"))
        if alone:
            _event(case, actor, _("Unaccompanied minor: routed to child protection"))
    return case


def case_move(*, actor: Actor, case: Case, status: str, note: str = "") -> Case:
    actor.require("case.work", case)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if status not in MOVES.get(CaseStatus(case.status), set()):
            raise ServiceError(
                _("A case cannot move from “%(old)s” to “%(new)s”.")
                % {"old": case.get_status_display(), "new": CaseStatus(status).label},
                code="status",
            )
        if status == S.ASSIGNED and case.assignee is None:
            raise ServiceError(_("Assign the case to someone first."), code="assignee")
        old = case.get_status_display()
        case.status = status
        case.save(update_fields=["status"])
        _event(case, actor, f"{old} → {case.get_status_display()}" + (f": {note}" if note else ""))
    return case


def case_assign(*, actor: Actor, case: Case, user: User) -> Case:
    actor.require("case.assign", case)
    if not Membership.objects.filter(
        user=user, organization=case.organization, role__in=list(WORKS_CASES)
    ).exists():
        raise ServiceError(_("Assign cases to caseworkers of your organisation."), code="who")
    case.assignee = user
    if case.status in (S.NEW, S.TRIAGED):
        case.status = S.ASSIGNED
    case.save(update_fields=["assignee", "status"])
    _event(case, actor, _("Assigned to %(user)s") % {"user": user.get_username()})
    return case


def case_checklist(*, actor: Actor, case: Case, done: list[int]) -> Case:
    actor.require("case.work", case)
    case.checklist = [{**entry, "done": i in done} for i, entry in enumerate(case.checklist)]
    case.save(update_fields=["checklist"])
    return case


def referral_send(
    *, actor: Actor, case: Case, to_organization: Organization, consent: str
) -> Referral:
    """Refer a case to another organisation. Only with the household's recorded consent."""
    actor.require("case.work", case)
    errors = []
    if to_organization.pk == actor.organization.pk:
        errors.append(_("A case cannot be referred to your own organisation."))
    if not consent.strip():
        errors.append(
            _("Record how the household agreed to the referral; without consent, do not refer.")
        )
    if case.status not in OPEN_CASE:
        errors.append(_("Only an open case can be referred."))
    if errors:
        raise ServiceError(errors, code="invalid")
    if case.referrals.filter(status=ReferralStatus.PENDING).exists():
        raise ServiceError(_("This case already waits for an answer to a referral."), code="twice")
    referral = Referral.objects.create(
        case=case,
        from_organization=actor.organization,
        to_organization=to_organization,
        consent=consent.strip()[:300],
        sent_by=actor.user,
    )
    _event(case, actor, _("Referred to %(org)s") % {"org": to_organization.name})
    return referral


def referral_decide(
    *, actor: Actor, referral: Referral, accept: bool, reason: str = ""
) -> Referral:
    """A coordinator of the receiving organisation accepts (the case moves to them, triaged,
    with its history) or declines (with a reason; the case stays where it was)."""
    actor.require("referral.decide", referral)
    if not accept and not reason.strip():
        raise ServiceError(_("Give a reason."), code="reason")
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.PENDING:
            raise ServiceError(_("This referral has already been answered."), code="twice")
        referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
        referral.decided_by, referral.decided_at = actor.user, timezone.now()
        referral.reason = reason[:300]
        referral.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        case = referral.case
        if accept:
            case.organization = referral.to_organization
            case.assignee = None
            case.status = S.TRIAGED
            case.save(update_fields=["organization", "assignee", "status"])
            _event(
                case, actor, _("Referral accepted by %(org)s") % {"org": actor.organization.name}
            )
        else:
            _event(case, actor, _("Referral declined: %(reason)s") % {"reason": reason})
    return referral
