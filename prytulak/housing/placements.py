"""The placement lifecycle, one service per step, each recorded with who and why.

proposed → host accepted / household accepted → both accepted (beds taken, contacts shared) →
travelling → arrived → ended; or declined, cancelled before arrival, broke down after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.audit.log import log_access
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.maps.snapshot import offers_changed
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household, HouseholdStatus
from prytulak.people.services import household_close

from .models import (
    CheckIn,
    CheckInOutcome,
    HostOffer,
    OfferStatus,
    Placement,
    PlacementEvent,
    PlacementStatus,
    ProblemReport,
    Side,
)
from .selectors import beds_taken

S = PlacementStatus
OPEN = [S.PROPOSED, S.HOST_ACCEPTED, S.HOUSEHOLD_ACCEPTED]
BEFORE_ARRIVAL = [*OPEN, S.CONFIRMED, S.TRAVELLING]
LIVE = [*BEFORE_ARRIVAL, S.ARRIVED]


def placement_check_fit(
    *, household: Household, offer: HostOffer, start: datetime.date
) -> list[str]:
    """Reasons why `household` cannot go to `offer` (empty when it fits). Capacity held by
    other placements is checked separately, under a lock, when both sides accept."""
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
    actor.require("household.propose", household)
    actor.require("offer.propose", offer)
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
        PlacementEvent.objects.create(placement=placement, to_status=S.PROPOSED, by=actor.user)
        transaction.on_commit(lambda: _notify_proposal(placement.pk))
        Household.objects.filter(
            pk=household.pk, status__in=[HouseholdStatus.NEW, HouseholdStatus.WAITING]
        ).update(status=HouseholdStatus.PROPOSED)
    return placement


def _notify_proposal(placement_id: int) -> None:
    from prytulak.notify.tasks import proposal_task

    proposal_task.enqueue(placement_id)


def acts_for(*, actor: Actor, placement: Placement, side: str) -> bool:
    """The household's organisation speaks for the household; the organisation that verified
    the offer speaks for the host."""
    action: dict[str, str] = {
        Side.HOUSEHOLD: "placement.act_household",
        Side.HOST: "placement.act_host",
    }
    return side in action and actor.can(action[side], placement)


def _acts_for_either(actor: Actor, placement: Placement) -> bool:
    return actor.can("placement.act", placement)


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update()
        .select_related("household", "offer__host")
        .get(pk=placement.pk)
    )


def _move(placement: Placement, to: str, actor: Actor, reason: str, fields: list[str]) -> None:
    PlacementEvent.objects.create(
        placement=placement,
        from_status=placement.status,
        to_status=to,
        by=actor.user,
        reason=reason[:300],
    )
    placement.status = to
    placement.save(update_fields=["status", "updated_at", *fields])


def _require(placement: Placement, allowed: Sequence[str]) -> None:
    if placement.status not in allowed:
        raise ServiceError(
            _("This placement is “%(status)s”; that step is not possible now.")
            % {"status": placement.get_status_display()},
            code="status",
        )


def _back_to_pool(household_id: int, *, raise_priority: bool = False) -> None:
    """The household waits again, unless another placement for it is still going."""
    if Placement.objects.filter(household_id=household_id, status__in=LIVE).exists():
        return
    household = Household.objects.select_for_update().get(pk=household_id)
    household.status = HouseholdStatus.WAITING
    if raise_priority:
        household.priority = min(household.priority + 1, 3)
    household.save(update_fields=["status", "priority", "updated_at"])


def placement_accept(*, placement: Placement, actor: Actor, side: str, note: str = "") -> Placement:
    """One side says yes. When both have, the beds are taken — the offer row is locked so two
    acceptances can never together exceed its beds on any day — and each side's contact
    details are released to the other, each release in the access log."""
    if side not in Side.values:
        raise ServiceError(_("Say who accepted: the host or the household."), code="side")
    if not acts_for(actor=actor, placement=placement, side=side):
        raise NotAllowed
    with transaction.atomic():
        offer = HostOffer.objects.select_for_update().get(pk=placement.offer_id)
        placement = _locked(placement)
        _require(placement, OPEN)
        now = timezone.now()
        field = "host_accepted_at" if side == Side.HOST else "household_accepted_at"
        if getattr(placement, field) is not None:
            raise ServiceError(_("This side has already accepted."), code="already")
        setattr(placement, field, now)
        fields = [field]
        if side == Side.HOST and placement.host_responded_at is None:
            placement.host_responded_at = now
            fields.append("host_responded_at")
        if placement.host_accepted_at is None or placement.household_accepted_at is None:
            waiting = S.HOST_ACCEPTED if side == Side.HOST else S.HOUSEHOLD_ACCEPTED
            _move(placement, waiting, actor, note, fields)
            return placement
        taken = beds_taken(
            offer=offer, start=placement.start_date, end=placement.end_date, exclude_pk=placement.pk
        )
        if taken + placement.beds > offer.beds:
            raise ServiceError(
                _("These beds are no longer available: %(free)d of %(beds)d are free.")
                % {"free": max(offer.beds - taken, 0), "beds": offer.beds},
                code="capacity",
            )
        placement.contacts_released_at = now
        _move(placement, S.CONFIRMED, actor, note, [*fields, "contacts_released_at"])
        Household.objects.filter(pk=placement.household_id).update(
            status=HouseholdStatus.PLACED, updated_at=now
        )
        why = _("Both sides accepted placement #%(pk)d.") % {"pk": placement.pk}
        log_access(
            actor=actor,
            obj=placement.household,
            action="household.contact_released",
            fields=["lead_name", "phone", "email"],
            reason=why,
        )
        log_access(
            actor=actor,
            obj=offer.host,
            action="host.contact_released",
            fields=["name", "phone", "email", "address"],
            reason=why,
        )
    return placement


def placement_decline(*, placement: Placement, actor: Actor, side: str, reason: str) -> Placement:
    if side not in Side.values:
        raise ServiceError(_("Say who declined: the host or the household."), code="side")
    if not acts_for(actor=actor, placement=placement, side=side):
        raise NotAllowed
    if not reason.strip():
        raise ServiceError(_("Give a reason, so the next proposal fits better."), code="reason")
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, OPEN)
        fields = []
        if side == Side.HOST and placement.host_responded_at is None:
            placement.host_responded_at = timezone.now()
            fields.append("host_responded_at")
        placement.reason = reason[:300]
        _move(placement, S.DECLINED, actor, reason, [*fields, "reason"])
        _back_to_pool(placement.household_id)
    return placement


def placement_cancel(*, placement: Placement, actor: Actor, reason: str) -> Placement:
    """Called off before arrival; the beds are free again and the household waits."""
    if not _acts_for_either(actor, placement):
        raise NotAllowed
    if not reason.strip():
        raise ServiceError(_("Give a reason."), code="reason")
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, BEFORE_ARRIVAL)
        placement.reason = reason[:300]
        _move(placement, S.CANCELLED, actor, reason, ["reason"])
        _back_to_pool(placement.household_id)
    return placement


def placement_depart(*, placement: Placement, actor: Actor, note: str = "") -> Placement:
    if not _acts_for_either(actor, placement):
        raise NotAllowed
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, [S.CONFIRMED])
        _move(placement, S.TRAVELLING, actor, note, [])
    return placement


def placement_arrive(*, placement: Placement, actor: Actor, note: str = "") -> Placement:
    """Arrival confirmed by the host's or the household's organisation; the daily job then
    schedules welfare check-ins."""
    if not _acts_for_either(actor, placement):
        raise NotAllowed
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, [S.CONFIRMED, S.TRAVELLING])
        placement.arrived_at = timezone.now()
        _move(placement, S.ARRIVED, actor, note, ["arrived_at"])
    return placement


def placement_end(*, placement: Placement, actor: Actor, reason: str = "") -> Placement:
    """The stay ended as planned; the household's case closes (its retention clock starts)."""
    if not _acts_for_either(actor, placement):
        raise NotAllowed
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, [S.ARRIVED])
        placement.ended_at = timezone.now()
        _move(placement, S.ENDED, actor, reason, ["ended_at"])
        household_close(household=placement.household, actor=None)
    return placement


def placement_break_down(*, placement: Placement, actor: Actor, reason: str) -> Placement:
    """The stay failed: the household goes back to the pool with a higher priority and the
    offer is paused and flagged until a coordinator has looked at what happened."""
    if not _acts_for_either(actor, placement):
        raise NotAllowed
    if not reason.strip():
        raise ServiceError(_("Say what happened."), code="reason")
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, [S.ARRIVED])
        placement.ended_at = timezone.now()
        placement.reason = reason[:300]
        _move(placement, S.BROKE_DOWN, actor, reason, ["ended_at", "reason"])
        HostOffer.objects.filter(pk=placement.offer_id).update(
            status=OfferStatus.PAUSED,
            flagged_at=placement.ended_at,
            flag_reason=(_("Placement #%(pk)d broke down.") % {"pk": placement.pk})[:300],
            updated_at=placement.ended_at,
        )
        offers_changed()
        _back_to_pool(placement.household_id, raise_priority=True)
    return placement


def placement_report_problem(
    *, placement: Placement, actor: Actor, side: str, description: str
) -> ProblemReport:
    """“Report a problem”, told by the host or the household to their organisation."""
    if side not in Side.values:
        raise ServiceError(_("Say who reported the problem."), code="side")
    if not _acts_for_either(actor, placement):
        raise NotAllowed
    if not description.strip():
        raise ServiceError(_("Describe the problem."), code="description")
    report = ProblemReport(
        placement=placement, side=side, description=description.strip(), recorded_by=actor.user
    )
    report.full_clean()
    report.save()
    return report


def checkin_record(*, checkin: CheckIn, actor: Actor, outcome: str, note: str = "") -> CheckIn:
    if not _acts_for_either(actor, checkin.placement):
        raise NotAllowed
    if outcome not in CheckInOutcome.values:
        raise ServiceError(_("Choose how the check-in went."), code="outcome")
    n = CheckIn.objects.filter(pk=checkin.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor.user, outcome=outcome
    )
    if n != 1:
        raise ServiceError(_("This check-in is already recorded."), code="done")
    checkin.refresh_from_db()
    if note:
        checkin.note = note
        checkin.save(update_fields=["note"])
    return checkin


def checkins_schedule(*, today: datetime.date | None = None) -> int:
    """Daily job: every arrived placement gets its check-ins (CHECKIN_DAYS_AFTER_ARRIVAL days
    after arrival). Idempotent: a unique constraint keeps one per placement and day."""
    today = today or timezone.localdate()
    rows = []
    for placement in Placement.objects.filter(status=S.ARRIVED, arrived_at__isnull=False):
        arrived = timezone.localtime(placement.arrived_at).date()
        for days in settings.CHECKIN_DAYS_AFTER_ARRIVAL:
            rows.append(
                CheckIn(placement=placement, due_on=arrived + datetime.timedelta(days=days))
            )
    before = CheckIn.objects.count()
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return CheckIn.objects.count() - before
