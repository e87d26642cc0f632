"""The Django side of matching: load households and offers as arrays, call the engine, store
what it proposes. The engine itself (engine/) knows nothing of Django."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections import Counter
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core.choices import SPOKEN_LANGUAGES
from prytulak.core.errors import ServiceError
from prytulak.housing.models import (
    HostHousehold,
    HostKind,
    HostOffer,
    OfferStatus,
    Placement,
    PlacementStatus,
)
from prytulak.orgs.scopes import Actor
from prytulak.people.models import (
    CHILD_BANDS,
    ENCRYPTED_HOUSEHOLD_FIELDS,
    AgeBand,
    Household,
    HouseholdStatus,
    Person,
    Sex,
)
from prytulak.people.selectors import SHARED
from prytulak.places.geocoder import gazetteer, lookup

from .engine import OPEN_END, UNMATCHED_REASONS, Households, Offers, Policy, explain, solve
from .models import MatchingRun, RunScope, RunStatus, Unplaced

LANGUAGE_BIT = {code: i for i, (code, _name) in enumerate(SPOKEN_LANGUAGES)}
# Placements that hold or claim beds: the engine sees only what is left.
CLAIMS_BEDS = [
    PlacementStatus.PROPOSED,
    PlacementStatus.HOST_ACCEPTED,
    PlacementStatus.HOUSEHOLD_ACCEPTED,
    PlacementStatus.CONFIRMED,
    PlacementStatus.TRAVELLING,
    PlacementStatus.ARRIVED,
]
STAY_NIGHTS = 90  # households do not yet say how long they need; three months is typical
EPOCH = datetime.date(2020, 1, 1)


def run_start(*, actor: Actor, scope: str, country: str = "") -> MatchingRun:
    """A coordinator starts a run; the job is enqueued only once the run row is committed."""
    from .tasks import execute_run

    actor.require("matching.run")
    if scope not in RunScope.values:
        raise ServiceError(_("Choose what to match from the list."), code="scope")
    if scope == RunScope.COUNTRY and not country:
        raise ServiceError(_("Choose a country."), code="country")
    run = MatchingRun(
        organization=actor.organization, created_by=actor.user, scope=scope, country=country
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
    # Encrypted contact fields are not needed to match: leave them undecrypted.
    members = Person.objects.only("household_id", "age_band", "sex")
    return (
        qs.exclude(arrival_latitude__isnull=True)
        .defer(*ENCRYPTED_HOUSEHOLD_FIELDS)
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("pk")
    )


def _offers(run: MatchingRun):
    qs = (
        HostOffer.objects.filter(status=OfferStatus.ACTIVE, organization__isnull=False)
        .select_related("host")
        .defer("address", "host__email", "host__phone")
    )
    if run.scope == RunScope.COUNTRY:
        qs = qs.filter(country=run.country)
    claims = Q(placements__status__in=CLAIMS_BEDS)
    return qs.annotate(
        claimed_beds=Sum("placements__beds", filter=claims),
        claimed_slots=Count("placements", filter=claims),
    ).order_by("pk")


@functools.cache
def _largest_town(country: str) -> tuple[float, float] | None:
    towns = [p for p in gazetteer().places if p.country == country and p.kind == "city"]
    if not towns:
        return None
    best = max(towns, key=lambda p: p.population)
    return best.latitude, best.longitude


def _target(h: Household) -> tuple[float, float]:
    """Where to look for a host: a preferred town, else the largest town of the first
    preferred country, else the arrival point."""
    for name in h.preferred_cities.split(","):
        place = lookup(name.strip()) if name.strip() else None
        if place is not None:
            return place.latitude, place.longitude
    for country in h.preferred_countries:
        town = _largest_town(country)
        if town:
            return town
    return float(h.arrival_latitude or 0), float(h.arrival_longitude or 0)


def _days(d: datetime.date) -> int:
    return (d - EPOCH).days


def _language_mask(codes: list[str]) -> int:
    mask = 0
    for code in codes:
        mask |= 1 << LANGUAGE_BIT.get(code, 31)
    return mask


def _columns(rows: list[dict[str, Any]], cls: type) -> dict[str, np.ndarray]:
    """Rows keyed by the engine's field names, turned into one array per field."""
    return {f.name: np.asarray([row[f.name] for row in rows]) for f in dataclasses.fields(cls)}


def households_to_arrays(households: list[Household], today: datetime.date) -> Households:
    rows = []
    for h in households:
        members = list(h.members.all())
        adults = [m for m in members if m.age_band in (AgeBand.ADULT, AgeBand.SENIOR)]
        lat, lon = _target(h)
        rows.append({
            "size": max(len(members), 1), "children": any(m.age_band in CHILD_BANDS for m in members),
            "single_woman": len(adults) == 1 and adults[0].sex == Sex.FEMALE, "pets": h.pets,
            "step_free": h.needs_step_free, "languages": _language_mask(h.languages), "lat": lat, "lon": lon,
            "start": _days(max(h.arrival_date, today)), "nights": STAY_NIGHTS, "priority": h.priority,
            "waiting_days": (today - h.created_at.date()).days,
        })  # fmt: skip
    return Households(**_columns(rows, Households))


def room(o: HostOffer) -> tuple[int, int]:
    """Beds and household slots still free on an offer loaded by `_offers` (a private home
    takes one household; a collective centre one per two beds)."""
    slots = 1 if o.host.kind == HostKind.PERSON else max(1, o.beds // 2)
    beds_claimed = getattr(o, "claimed_beds", 0) or 0
    slots_claimed = getattr(o, "claimed_slots", 0) or 0
    return max(o.beds - beds_claimed, 0), max(slots - slots_claimed, 0)


def offers_to_arrays(offers: list[HostOffer]) -> Offers:
    rows = []
    for o in offers:
        beds_left, slots_left = room(o)
        rows.append({
            "beds": beds_left, "max_households": slots_left, "lat": o.latitude, "lon": o.longitude,
            "start": _days(o.available_from), "end": _days(o.available_to) if o.available_to else OPEN_END,
            "pets": o.pets_allowed, "children": o.children_allowed, "step_free": o.step_free,
            "languages": _language_mask(o.languages), "verification": o.host.verification,
            "single_male_host": o.host.household_type == HostHousehold.SINGLE_MAN,
        })  # fmt: skip
    return Offers(**_columns(rows, Offers))


def run_execute(run_id: int) -> MatchingRun:
    """The background job: load, solve, store proposals and the summary."""
    run = MatchingRun.objects.select_related("organization").get(pk=run_id)
    n = MatchingRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=5, stage="loading"
    )
    if n != 1:
        return run  # another worker took it
    try:
        today = timezone.localdate()
        households = list(_households(run))
        offers = [o for o in _offers(run) if o.beds - (o.claimed_beds or 0) > 0]
        offers = [
            o
            for o in offers
            if (1 if o.host.kind == HostKind.PERSON else max(1, o.beds // 2))
            > (o.claimed_slots or 0)
        ]
        h_arr, o_arr = households_to_arrays(households, today), offers_to_arrays(offers)
        _progress(run, 25, "matching")
        # Households at one border point share their nearest offers: look wider there.
        points = (
            len(
                {
                    (round(float(a), 2), round(float(b), 2))
                    for a, b in zip(h_arr.lat, h_arr.lon, strict=True)
                }
            )
            or 1
        )
        policy = Policy(candidates=int(np.clip(3 * len(households) / points, 24, 200)), max_km=800)
        result = solve(h_arr, o_arr, policy)
        _progress(run, 60, "baseline")
        baseline = solve(h_arr, o_arr, policy, method="greedy")
        _progress(run, 80, "storing")
        with transaction.atomic():
            proposals, unplaced = [], []
            for i, household in enumerate(households):
                j = int(result.offer[i])
                if j < 0:
                    unplaced.append(
                        Unplaced(
                            run=run, household=household, reason=UNMATCHED_REASONS[result.reason[i]]
                        )
                    )
                    continue
                offer = offers[j]
                why = explain(h_arr, o_arr, result, i, policy)
                why.update(arrival=household.arrival_place, city=offer.city,
                           languages=sorted(set(household.languages) & set(offer.languages)),
                           pets=household.pets, offer_from=offer.available_from.isoformat(),
                           offer_to=offer.available_to.isoformat() if offer.available_to else None)  # fmt: skip
                proposals.append(Placement(
                    household=household, offer=offer, beds=int(h_arr.size[i]), start_date=max(household.arrival_date, offer.available_from, today),
                    end_date=offer.available_to, status=PlacementStatus.PROPOSED, run=run, score=float(result.value[i]),
                    explanation=why, created_by=run.created_by,
                ))  # fmt: skip
            Placement.objects.bulk_create(proposals)
            Unplaced.objects.bulk_create(unplaced)
            Household.objects.filter(pk__in=[p.household_id for p in proposals]).update(
                status=HouseholdStatus.PROPOSED
            )
            run.summary = {
                "households": len(households), "offers": len(offers), "matched": result.matched,
                "unmatched": len(households) - result.matched, "people_placed": result.stats["people_placed"],
                "total_value": round(result.total, 2), "mean_km": None if not result.matched else round(result.stats["mean_km"], 1),
                "reasons": dict(Counter(u.reason for u in unplaced)),
                "greedy": {"matched": baseline.matched, "total_value": round(baseline.total, 2),
                           "mean_km": None if not baseline.matched else round(baseline.stats["mean_km"], 1)},
                "seconds": round(result.stats["candidates_s"] + result.stats["solve_s"], 2),
                # the certificate: no assignment within reach can total more than `bound`
                "bound": round(result.stats["bound"], 2), "gap": round(result.stats["gap"], 4),
            }  # fmt: skip
            run.status, run.progress, run.stage, run.finished_at = (
                RunStatus.DONE,
                100,
                "done",
                timezone.now(),
            )
            run.save(update_fields=["summary", "status", "progress", "stage", "finished_at"])
    except Exception as exc:  # the run page must say it failed, whatever happened
        MatchingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    return run
