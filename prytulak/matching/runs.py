"""The Django side of matching: load households and offers as arrays, call the engine, store
what it proposes. The engine itself (engine/) knows nothing of Django."""

from __future__ import annotations

import datetime
import functools
import gc
import threading
from collections import Counter
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core.choices import SPOKEN_LANGUAGES
from prytulak.core.errors import ServiceError
from prytulak.core.timing import Laps
from prytulak.housing.models import HostHousehold, HostOffer, OfferStatus
from prytulak.housing.placements import LIVE, Proposal, placement_propose_many
from prytulak.housing.selectors import offer_room
from prytulak.orgs.models import Membership, Role
from prytulak.orgs.scopes import Actor
from prytulak.people.models import CHILD_BANDS, AgeBand, Household, HouseholdStatus, Sex
from prytulak.people.selectors import SHARED
from prytulak.places.geocoder import gazetteer, lookup

from .engine import OPEN_END, UNMATCHED_REASONS, Households, Offers, Policy, Result, solve
from .models import DEFAULT_MAX_KM, MatchingRun, RunScope, RunStatus, Unplaced

LANGUAGE_BIT = {code: i for i, (code, _name) in enumerate(SPOKEN_LANGUAGES)}
# Placements that hold or claim beds: the engine sees only what is left.
CLAIMS_BEDS = LIVE
STAY_NIGHTS = 90  # households do not yet say how long they need; three months is typical
EPOCH = datetime.date(2020, 1, 1)


def run_start(
    *, actor: Actor, scope: str, country: str = "", max_km: int = DEFAULT_MAX_KM
) -> MatchingRun:
    """A coordinator starts a run; the job is enqueued only once the run row is committed."""
    from .tasks import execute_run

    actor.require("matching.run")
    if scope not in RunScope.values:
        raise ServiceError(_("Choose what to match from the list."), code="scope")
    if scope == RunScope.COUNTRY and not country:
        raise ServiceError(_("Choose a country."), code="country")
    run = MatchingRun(
        organization=actor.organization,
        created_by=actor.user,
        scope=scope,
        country=country,
        max_km=max_km,
    )
    run.full_clean()
    with transaction.atomic():
        run.save()
        transaction.on_commit(lambda: execute_run.enqueue(run.pk))
    return run


def _progress(run: MatchingRun, percent: int, stage: str) -> None:
    MatchingRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage)


def _households(run: MatchingRun):
    qs = Household.objects.filter(status=HouseholdStatus.WAITING)
    if run.scope == RunScope.ORGANIZATION:
        qs = qs.filter(organization=run.organization)
    else:
        qs = qs.filter(Q(organization=run.organization) | Q(share_level__in=SHARED))
        if run.scope == RunScope.COUNTRY:
            qs = qs.filter(preferred_countries__icontains=f'"{run.country}"')
    return qs.exclude(arrival_latitude__isnull=True)


# Columns of a household row, members counted in SQL (one join, conditional counts).
ADULT = Q(members__age_band__in=[AgeBand.ADULT, AgeBand.SENIOR])
HOUSEHOLD_COLUMNS = {
    "people": Count("members"),
    "minors": Count("members", filter=Q(members__age_band__in=CHILD_BANDS)),
    "adults": Count("members", filter=ADULT),
    "women": Count("members", filter=ADULT & Q(members__sex=Sex.FEMALE)),
}
HOUSEHOLD_FIELDS = (
    "pk", "pets", "needs_step_free", "languages", "arrival_latitude", "arrival_longitude",
    "arrival_place", "arrival_date", "preferred_cities", "preferred_countries", "priority",
    "created_at",
)  # fmt: skip


def _household_rows(run: MatchingRun) -> list[dict[str, Any]]:
    """Plain rows, no model instances: encrypted fields are never read."""
    qs = _households(run).annotate(**HOUSEHOLD_COLUMNS).order_by("pk")
    return list(qs.values(*HOUSEHOLD_FIELDS, *HOUSEHOLD_COLUMNS).iterator(chunk_size=5000))


def _offers(run: MatchingRun):
    qs = HostOffer.objects.filter(status=OfferStatus.ACTIVE, organization__isnull=False)
    if run.scope == RunScope.COUNTRY:
        qs = qs.filter(country=run.country)
    claims = Q(placements__status__in=CLAIMS_BEDS)
    return qs.annotate(
        claimed_beds=Sum("placements__beds", filter=claims),
        claimed_slots=Count("placements", filter=claims),
    ).order_by("pk")


OFFER_FIELDS = (
    "pk", "beds", "latitude", "longitude", "available_from", "available_to", "pets_allowed",
    "children_allowed", "step_free", "languages", "city", "host__kind", "host__verification",
    "host__household_type", "claimed_beds", "claimed_slots",
)  # fmt: skip


def _offer_rows(run: MatchingRun) -> list[dict[str, Any]]:
    """Offers with room left, as plain rows (the address and host contacts are not read)."""
    rows = []
    for row in _offers(run).values(*OFFER_FIELDS).iterator(chunk_size=5000):
        row["beds_left"], row["slots_left"] = room(row)
        if row["beds_left"] > 0 and row["slots_left"] > 0:
            rows.append(row)
    return rows


@functools.cache
def _largest_town(country: str) -> tuple[float, float, str] | None:
    towns = [p for p in gazetteer().places if p.country == country and p.kind == "city"]
    if not towns:
        return None
    best = max(towns, key=lambda p: p.population)
    return best.latitude, best.longitude, best.name


@functools.lru_cache(maxsize=65_536)
def _preferred(cities: str, countries: tuple[str, ...]) -> tuple[float, float, str] | None:
    """A preferred town, else the largest town of the first preferred country (cached: the
    same few preferences repeat across thousands of households)."""
    for name in cities.split(","):
        place = lookup(name.strip()) if name.strip() else None
        if place is not None:
            return place.latitude, place.longitude, place.name
    for country in countries:
        town = _largest_town(country)
        if town:
            return town
    return None


def _target(row: dict[str, Any]) -> tuple[float, float, str]:
    """Where to look for a host, and its name (what "N km from X" measures from): a preferred
    town, else the largest town of the first preferred country, else the arrival point."""
    preferred = _preferred(row["preferred_cities"] or "", tuple(row["preferred_countries"] or ()))
    if preferred is not None:
        return preferred
    return float(row["arrival_latitude"]), float(row["arrival_longitude"]), row["arrival_place"]


def _days(d: datetime.date) -> int:
    return (d - EPOCH).days


def _language_mask(codes: list[str]) -> int:
    mask = 0
    for code in codes:
        mask |= 1 << LANGUAGE_BIT.get(code, 31)
    return mask


def _arrays(cls: Any, **columns: Any) -> Any:
    return cls(**{name: np.asarray(values) for name, values in columns.items()})


def households_to_arrays(rows: list[dict[str, Any]], today: datetime.date) -> Households:
    targets = [_target(r) for r in rows]
    return _arrays(
        Households,
        size=[max(r["people"], 1) for r in rows],
        children=[r["minors"] > 0 for r in rows],
        single_woman=[r["adults"] == 1 and r["women"] == 1 for r in rows],
        pets=[r["pets"] for r in rows],
        step_free=[r["needs_step_free"] for r in rows],
        languages=[_language_mask(r["languages"]) for r in rows],
        lat=[t[0] for t in targets],
        lon=[t[1] for t in targets],
        start=[_days(max(r["arrival_date"], today)) for r in rows],
        nights=np.full(len(rows), STAY_NIGHTS),
        priority=[r["priority"] for r in rows],
        waiting_days=[(today - r["created_at"].date()).days for r in rows],
    )


room = offer_room  # the same count the placement service proposes by


def offers_to_arrays(rows: list[dict[str, Any]]) -> Offers:
    return _arrays(
        Offers,
        beds=[r["beds_left"] for r in rows],
        max_households=[r["slots_left"] for r in rows],
        lat=[r["latitude"] for r in rows],
        lon=[r["longitude"] for r in rows],
        start=[_days(r["available_from"]) for r in rows],
        end=[_days(r["available_to"]) if r["available_to"] else OPEN_END for r in rows],
        pets=[r["pets_allowed"] for r in rows],
        children=[r["children_allowed"] for r in rows],
        step_free=[r["step_free"] for r in rows],
        languages=[_language_mask(r["languages"]) for r in rows],
        verification=[r["host__verification"] for r in rows],
        single_male_host=[r["host__household_type"] == HostHousehold.SINGLE_MAN for r in rows],
    )


def run_execute(run_id: int, *, reclaim: bool = False) -> MatchingRun:
    """The background job: load, solve, store proposals and the summary. `reclaim`: the job
    queue retries this run after its worker died, so a run left RUNNING is taken over (its
    proposals are stored in one transaction, so the dead attempt stored none)."""
    run = MatchingRun.objects.select_related("organization").get(pk=run_id)
    claimable = [RunStatus.QUEUED, RunStatus.RUNNING] if reclaim else [RunStatus.QUEUED]
    n = MatchingRun.objects.filter(pk=run.pk, status__in=claimable).update(
        status=RunStatus.RUNNING, progress=5, stage="loading"
    )
    if n != 1:
        return run  # another worker took it
    try:
        _execute(run)
    except Exception as exc:  # the run page must say it failed, whatever happened
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    finally:
        gc.unfreeze()  # the rows are garbage now, to be collected as usual
    return run


BATCH = 5_000  # rows per INSERT / UPDATE


LOAD_STEPS = ("households_s", "offers_s", "arrays_s")
STORE_STEPS = ("explain_s", "propose_s", "unplaced_s")


def _timings(laps: Laps) -> dict[str, float]:
    """A run's seconds per step, with loading, storing and the whole job added up."""
    t = laps.seconds
    return {
        **laps.rounded(),
        "load_s": round(sum(t.get(k, 0.0) for k in LOAD_STEPS), 2),
        "store_s": round(sum(t.get(k, 0.0) for k in STORE_STEPS), 2),
        "job_s": round(laps.total(), 2),
    }


def _execute(run: MatchingRun) -> None:
    # What the process holds already is left out of the collector's full passes, which the
    # hundreds of thousands of new rows and objects set off again and again (1.7 s of 7.5 s
    # of loading and storing at 100k, measured in-process); run_execute undoes it.
    gc.freeze()
    clock = Laps()
    today = timezone.localdate()
    # The towns index (preferred towns) is built while the database answers (2 s at 100k).
    towns = threading.Thread(target=gazetteer, daemon=True)
    towns.start()
    households = _household_rows(run)
    clock.lap("households_s")
    offers = _offer_rows(run)
    clock.lap("offers_s")
    towns.join()
    gc.freeze()  # and the rows, which live until the run ends
    h_arr, o_arr = households_to_arrays(households, today), offers_to_arrays(offers)
    clock.lap("arrays_s")
    _progress(run, 25, "matching")
    policy = Policy(max_km=float(run.max_km))
    result = solve(h_arr, o_arr, policy)
    clock.lap("engine_s")
    _progress(run, 70, "baseline")
    baseline = solve(h_arr, o_arr, policy, method="greedy")
    clock.lap("baseline_s")
    _progress(run, 80, "storing")
    placed = np.flatnonzero(result.offer >= 0)
    actor = _run_actor(run)
    with transaction.atomic():
        pairs = []
        for i in placed.tolist():
            row, offer = households[i], offers[int(result.offer[i])]
            pairs.append(Proposal(
                household_id=row["pk"], offer_id=offer["pk"], beds=int(h_arr.size[i]),
                start_date=max(row["arrival_date"], offer["available_from"], today),
                end_date=offer["available_to"], score=float(result.value[i]),
                explanation=_why(i, row, offer, result, h_arr),
            ))  # fmt: skip
        clock.lap("explain_s")
        proposed = placement_propose_many(actor=actor, run=run, pairs=pairs)
        clock.lap("propose_s")
        propose_steps = {f"propose_{k}": v for k, v in proposed.timings.items()}
        unplaced = [(households[i]["pk"], UNMATCHED_REASONS[r])
                    for i, r in enumerate(result.reason.tolist()) if r >= 0]  # fmt: skip
        unplaced += proposed.refused  # the offer filled up (or closed) while the run worked
        Unplaced.objects.bulk_create(
            [Unplaced(run=run, household_id=pk, reason=reason) for pk, reason in unplaced],
            batch_size=BATCH,
        )
        reasons = [reason for _pk, reason in unplaced]
        matched = len(proposed.placements)
        clock.lap("unplaced_s")
        run.summary = {
            "households": len(households), "offers": len(offers), "matched": matched,
            "unmatched": len(households) - matched, "refused": len(proposed.refused),
            "people_placed": sum(p.beds for p in proposed.placements),
            "total_value": round(result.total, 2), "mean_km": None if not result.matched else round(result.stats["mean_km"], 1),
            "reasons": dict(Counter(reasons)), "max_km": run.max_km,
            "greedy": {"matched": baseline.matched, "total_value": round(baseline.total, 2),
                       "mean_km": None if not baseline.matched else round(baseline.stats["mean_km"], 1)},
            "seconds": round(result.stats["candidates_s"] + result.stats["solve_s"], 2),
            # the certificate: no assignment within reach can total more than `bound`
            "bound": round(result.stats["bound"], 2), "gap": round(result.stats["gap"], 4),
            "timings": {**_timings(clock), **propose_steps},
        }  # fmt: skip
        run.status, run.progress, run.stage, run.finished_at = (
            RunStatus.DONE,
            100,
            "done",
            timezone.now(),
        )
        run.save(update_fields=["summary", "status", "progress", "stage", "finished_at"])


def _run_actor(run: MatchingRun) -> Actor:
    """The coordinator who started the run, acting for the run's organisation: the
    placement service checks their right to propose, as it would for one proposal."""
    membership = Membership.objects.filter(
        user=run.created_by_id, organization=run.organization_id
    ).first()
    if run.created_by is None or membership is None:
        raise ServiceError(_("Whoever started this run is no longer a member."), code="actor")
    return Actor(user=run.created_by, organization=run.organization, role=Role(membership.role))


def _why(i: int, row: dict, offer: dict, result: Result, h: Households) -> dict[str, Any]:
    """The facts behind one proposal, from arrays already computed (no per-row engine call).
    `from` names the point the distance is measured from: the target, not the arrival."""
    shared = sorted(set(row["languages"]) & set(offer["languages"]))
    return {
        "km": round(float(result.distance_km[i]), 1),
        "from": _target(row)[2],
        "arrival": row["arrival_place"],
        "city": offer["city"],
        "languages": shared,
        "pets": row["pets"],
        "step_free": bool(offer["step_free"]),
        "offer_from": offer["available_from"].isoformat(),
        "offer_to": offer["available_to"].isoformat() if offer["available_to"] else None,
        "value": round(float(result.value[i]), 3),
        "people": int(h.size[i]),
    }
