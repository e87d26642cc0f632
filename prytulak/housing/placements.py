"""The placement lifecycle, one service per step, each recorded with who and why.

proposed → host accepted / household accepted → both accepted (beds taken, contacts shared) →
travelling → arrived → ended; or declined, cancelled before arrival, broke down after it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prytulak.audit.log import log_access
from prytulak.core.bulk import bulk_insert, bulk_insert_each
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.timing import Laps
from prytulak.maps.snapshot import offers_changed
from prytulak.orgs.scopes import Actor, AnyActor
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
from .selectors import beds_taken, offer_room

if TYPE_CHECKING:
    from prytulak.matching.models import MatchingRun

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
            _("The household has %(people)s but the offer has %(beds)s.")
            % {
                "people": ngettext("%(n)s person", "%(n)s people", size) % {"n": size},
                "beds": ngettext("%(n)s bed", "%(n)s beds", offer.beds) % {"n": offer.beds},
            }
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
    """One proposal, made by a member of the household's organisation. An offer whose beds
    are already held (both sides accepted) on those dates is refused now, under a lock on
    the offer, rather than when the second side says yes."""
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
        locked = HostOffer.objects.select_for_update().get(pk=offer.pk)
        taken = beds_taken(offer=locked, start=start, end=offer.available_to)
        if taken + placement.beds > locked.beds:
            raise ServiceError(
                # One English form; other languages word "of N" by N.
                ngettext(
                    "These beds are no longer available: %(free)s of %(n)s are free.",
                    "These beds are no longer available: %(free)s of %(n)s are free.",
                    locked.beds,
                )
                % {"free": max(locked.beds - taken, 0), "n": locked.beds},
                code="capacity",
            )
        placement.save()
        PlacementEvent.objects.create(placement=placement, to_status=S.PROPOSED, by=actor.user)
        transaction.on_commit(lambda: _notify_hosts({offer.host_id: [placement.pk]}))
        Household.objects.filter(
            pk=household.pk, status__in=[HouseholdStatus.NEW, HouseholdStatus.WAITING]
        ).update(status=HouseholdStatus.PROPOSED)
    return placement


@dataclass(frozen=True)
class Proposal:
    """One pair a matching run wants to propose, with the engine's score and reasons."""

    household_id: int
    offer_id: int
    beds: int
    start_date: datetime.date
    end_date: datetime.date | None
    score: float | None = None
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass
class Proposed:
    placements: list[Placement]
    refused: list[tuple[int, str]]  # (household id, reason code) in the order given
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


# Why a pair was refused at proposal time (Unplaced.reason codes; explain.REASON_TEXT).
TAKEN, OFFER_CLOSED, NOT_WAITING = "taken", "offer_closed", "not_waiting"
BATCH = 5_000  # rows per query, INSERT or UPDATE
NOTIFY_BATCH = 1_000  # placements per notification job (a host is never split)


def placement_propose_many(
    *, actor: Actor, run: MatchingRun, pairs: Sequence[Proposal]
) -> Proposed:
    """A run's proposals, each as `placement_propose` would make it (an event each, the
    household marked proposed, its host told), in a few queries per 5,000 rows. The offers
    are locked and their room recomputed from live placements, as the run's loader counts
    it: a pair whose offer has no room left, or is no longer active, or whose household no
    longer waits, is refused with that reason instead of overbooking. Each host gets one
    message listing all of their new proposals."""
    actor.require("matching.run", run)
    offers: dict[int, dict[str, Any]] = {}
    waiting: set[int] = set()
    laps = Laps()
    with transaction.atomic():
        offer_ids = sorted({p.offer_id for p in pairs})
        for a in range(0, len(offer_ids), BATCH):
            chunk = offer_ids[a : a + BATCH]
            rows = (
                HostOffer.objects.select_for_update(of=("self",))
                .filter(pk__any_of=chunk)
                .order_by("pk")
                .values("pk", "beds", "status", "host_id", "host__kind")
            )
            claims = {
                c["offer_id"]: c
                for c in Placement.objects.filter(offer__pk__any_of=chunk, status__in=LIVE)
                .values("offer_id")
                .annotate(claimed_beds=Sum("beds"), claimed_slots=Count("pk"))
            }
            for values in rows:
                row: dict[str, Any] = {**values, **claims.get(values["pk"], {})}
                row["beds_left"], row["slots_left"] = offer_room(row)
                offers[row["pk"]] = row
        laps.lap("lock_s")
        household_ids = [p.household_id for p in pairs]
        for a in range(0, len(household_ids), BATCH):
            waiting.update(
                Household.objects.filter(
                    pk__any_of=household_ids[a : a + BATCH],
                    status__in=[HouseholdStatus.NEW, HouseholdStatus.WAITING],
                ).values_list("pk", flat=True)
            )
        laps.lap("waiting_s")
        made: list[Placement] = []
        refused: list[tuple[int, str]] = []
        for p in pairs:
            offer = offers.get(p.offer_id)
            if p.household_id not in waiting:
                refused.append((p.household_id, NOT_WAITING))
            elif offer is None or offer["status"] != OfferStatus.ACTIVE:
                refused.append((p.household_id, OFFER_CLOSED))
            elif offer["beds_left"] < p.beds or offer["slots_left"] < 1:
                refused.append((p.household_id, TAKEN))
            else:
                offer["beds_left"] -= p.beds
                offer["slots_left"] -= 1
                waiting.discard(p.household_id)  # one proposal per household and run
                made.append(Placement(
                    household_id=p.household_id, offer_id=p.offer_id, beds=p.beds,
                    start_date=p.start_date, end_date=p.end_date, status=S.PROPOSED, run=run,
                    score=p.score, explanation=p.explanation, created_by=actor.user,
                ))  # fmt: skip
        laps.lap("check_s")
        bulk_insert(Placement, made, batch_size=BATCH)
        laps.lap("insert_s")
        bulk_insert_each(
            PlacementEvent(to_status=S.PROPOSED, by=actor.user),
            "placement",
            [m.pk for m in made],
            batch_size=BATCH,
        )
        laps.lap("events_s")
        ids = [m.household_id for m in made]
        for a in range(0, len(ids), BATCH):
            Household.objects.filter(pk__any_of=ids[a : a + BATCH]).update(
                status=HouseholdStatus.PROPOSED
            )
        laps.lap("households_s")
        by_host: dict[int, list[int]] = defaultdict(list)
        for m in made:
            by_host[offers[m.offer_id]["host_id"]].append(m.pk)
        transaction.on_commit(lambda: _notify_hosts(by_host))
    return Proposed(placements=made, refused=refused, timings=laps.rounded())


def _notify_hosts(by_host: dict[int, list[int]]) -> None:
    """Queue the hosts' messages: one job per ~1,000 proposals, all of a host's in one job,
    so that each host gets one message however many proposals they have."""
    from prytulak.notify.tasks import proposals_task

    chunk: list[int] = []
    for ids in by_host.values():
        if chunk and len(chunk) + len(ids) > NOTIFY_BATCH:
            proposals_task.enqueue(chunk)
            chunk = []
        chunk.extend(ids)
    if chunk:
        proposals_task.enqueue(chunk)


def _notify_host_confirmed(placement_id: int) -> None:
    from prytulak.notify.tasks import host_confirmed_task

    transaction.on_commit(lambda: host_confirmed_task.enqueue(placement_id))


def _notify_household(household_id: int, event: str, ref: int) -> None:
    from prytulak.notify.tasks import household_notice_on_commit

    household_notice_on_commit(household_id, event, ref)


def acts_for(*, actor: AnyActor, placement: Placement, side: str) -> bool:
    """The household's organisation speaks for the household; the organisation that verified
    the offer speaks for the host; a party (scopes.PartyActor) speaks only for itself."""
    if actor.party and side != actor.party:
        return False
    action: dict[str, str] = {
        Side.HOUSEHOLD: "placement.act_household",
        Side.HOST: "placement.act_host",
    }
    return side in action and actor.can(action[side], placement)


def _acts_for_either(actor: AnyActor, placement: Placement) -> bool:
    return actor.can("placement.act", placement)


def _staff_acts(actor: AnyActor, placement: Placement) -> bool:
    """Steps only an organisation takes (a host or household asks for them instead)."""
    return not actor.party and actor.can("placement.act", placement)


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update()
        .select_related("household", "offer__host")
        .get(pk=placement.pk)
    )


def _move(placement: Placement, to: str, actor: AnyActor, reason: str, fields: list[str]) -> None:
    PlacementEvent.objects.create(
        placement=placement,
        from_status=placement.status,
        to_status=to,
        by=actor.user,
        by_party=actor.party,
        channel=actor.channel,
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


def placement_accept(
    *, placement: Placement, actor: AnyActor, side: str, note: str = ""
) -> Placement:
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
            if side == Side.HOST:
                _notify_household(placement.household_id, "host_accepted", placement.pk)
            return placement
        taken = beds_taken(
            offer=offer, start=placement.start_date, end=placement.end_date, exclude_pk=placement.pk
        )
        if taken + placement.beds > offer.beds:
            raise ServiceError(
                # One English form; other languages word "of N" by N.
                ngettext(
                    "These beds are no longer available: %(free)s of %(n)s are free.",
                    "These beds are no longer available: %(free)s of %(n)s are free.",
                    offer.beds,
                )
                % {"free": max(offer.beds - taken, 0), "n": offer.beds},
                code="capacity",
            )
        placement.contacts_released_at = now
        _move(placement, S.CONFIRMED, actor, note, [*fields, "contacts_released_at"])
        # The side that said yes first is told it is settled (the other just saw it).
        if side == Side.HOST:
            _notify_household(placement.household_id, "confirmed", placement.pk)
        else:
            _notify_host_confirmed(placement.pk)
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


def placement_decline(
    *, placement: Placement, actor: AnyActor, side: str, reason: str
) -> Placement:
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


def placement_cancel(*, placement: Placement, actor: AnyActor, reason: str) -> Placement:
    """Called off before arrival; the beds are free again and the household waits."""
    if not _staff_acts(actor, placement):
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
    if not _staff_acts(actor, placement):
        raise NotAllowed
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, [S.CONFIRMED])
        _move(placement, S.TRAVELLING, actor, note, [])
    return placement


def placement_arrive(*, placement: Placement, actor: Actor, note: str = "") -> Placement:
    """Arrival confirmed by the host's or the household's organisation; the welfare
    check-ins are scheduled at once (the daily job only catches any that are missing)."""
    if not _staff_acts(actor, placement):
        raise NotAllowed
    with transaction.atomic():
        placement = _locked(placement)
        _require(placement, [S.CONFIRMED, S.TRAVELLING])
        placement.arrived_at = timezone.now()
        _move(placement, S.ARRIVED, actor, note, ["arrived_at"])
        CheckIn.objects.bulk_create(_checkins_for(placement), ignore_conflicts=True)
    return placement


def placement_end(*, placement: Placement, actor: Actor, reason: str = "") -> Placement:
    """The stay ended as planned; the household's case closes (its retention clock starts)."""
    if not _staff_acts(actor, placement):
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
    if not _staff_acts(actor, placement):
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
    *, placement: Placement, actor: AnyActor, side: str, description: str
) -> ProblemReport:
    """“Report a problem”, told by the host or the household to their organisation."""
    if side not in Side.values:
        raise ServiceError(_("Say who reported the problem."), code="side")
    if not _acts_for_either(actor, placement) or (actor.party and side != actor.party):
        raise NotAllowed
    if not description.strip():
        raise ServiceError(_("Describe the problem."), code="description")
    report = ProblemReport(
        placement=placement,
        side=side,
        description=description.strip()[:4000],
        recorded_by=actor.user,
        channel=actor.channel,
    )
    report.full_clean()
    report.save()
    return report


def placement_rematch_request(
    *, placement: Placement, actor: AnyActor, reason: str
) -> Placement | ProblemReport:
    """The household asks for another place. Before anyone is bound (an open proposal) it is
    the household's decline; after both accepted it is a problem report, and their
    organisation decides (cancel, or end the stay)."""
    if not reason.strip():
        raise ServiceError(_("Tell us why, so the next place fits better."), code="reason")
    if placement.status in OPEN:
        return placement_decline(
            placement=placement, actor=actor, side=Side.HOUSEHOLD, reason=reason
        )
    if placement.status not in LIVE:
        _require(placement, LIVE)
    return placement_report_problem(
        placement=placement,
        actor=actor,
        side=Side.HOUSEHOLD,
        description=_("The household asks to be re-matched: %(reason)s") % {"reason": reason},
    )


def checkin_record(*, checkin: CheckIn, actor: AnyActor, outcome: str, note: str = "") -> CheckIn:
    if not _acts_for_either(actor, checkin.placement):
        raise NotAllowed
    if outcome not in CheckInOutcome.values or (
        actor.party and outcome == CheckInOutcome.UNREACHABLE
    ):
        raise ServiceError(_("Choose how the check-in went."), code="outcome")
    n = CheckIn.objects.filter(pk=checkin.pk, done_at__isnull=True).update(
        done_at=timezone.now(),
        done_by=actor.user,
        outcome=outcome,
        done_by_party=actor.party,
        channel=actor.channel,
    )
    if n != 1:
        raise ServiceError(_("This check-in is already recorded."), code="done")
    checkin.refresh_from_db()
    if note:
        checkin.note = note
        checkin.save(update_fields=["note"])
    return checkin


def _checkins_for(placement: Placement) -> list[CheckIn]:
    """The welfare check-ins of an arrived placement, CHECKIN_DAYS_AFTER_ARRIVAL after it."""
    assert placement.arrived_at is not None
    arrived = timezone.localtime(placement.arrived_at).date()
    return [
        CheckIn(placement=placement, due_on=arrived + datetime.timedelta(days=days))
        for days in settings.CHECKIN_DAYS_AFTER_ARRIVAL
    ]


# Steps of the placement page's list: which are possible from each status (the services
# refuse the others), and which side must act for each.
STEPS_FROM: dict[str, list[str]] = {
    S.PROPOSED: ["accept_host", "accept_household", "decline_host", "decline_household", "cancel"],
    S.HOST_ACCEPTED: ["accept_household", "decline_host", "decline_household", "cancel"],
    S.HOUSEHOLD_ACCEPTED: ["accept_host", "decline_host", "decline_household", "cancel"],
    S.CONFIRMED: ["depart", "arrive", "cancel"],
    S.TRAVELLING: ["arrive", "cancel"],
    S.ARRIVED: ["end", "break_down"],
}


def placement_steps(*, placement: Placement, actor: Actor) -> list[str]:
    """The steps `actor` may record on `placement` now, in the order of the lifecycle."""
    steps = []
    for step in STEPS_FROM.get(placement.status, []):
        side = step.partition("_")[2] if step.startswith(("accept_", "decline_")) else None
        if side is not None and not acts_for(actor=actor, placement=placement, side=side):
            continue
        if side is None and not _acts_for_either(actor, placement):
            continue
        steps.append(step)
    return steps


def checkins_schedule(*, today: datetime.date | None = None) -> int:
    """Daily job: every arrived placement gets its check-ins (CHECKIN_DAYS_AFTER_ARRIVAL days
    after arrival). Idempotent: a unique constraint keeps one per placement and day."""
    rows = []
    for placement in Placement.objects.filter(status=S.ARRIVED, arrived_at__isnull=False):
        rows += _checkins_for(placement)
    before = CheckIn.objects.count()
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return CheckIn.objects.count() - before
