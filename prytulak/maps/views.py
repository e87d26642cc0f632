"""The map page and the JSON endpoints behind it. The endpoints enforce the privacy levels:
anonymous visitors get counts per grid cell (at least 0.25°, small counts banded), staff get
points snapped to 0.01° (never a home: offers are placed at their town), exact positions only
for a placement's own organisations. How grid.py keeps those bounds against clever boxes is in
its docstring."""

from __future__ import annotations

import functools
import math
from collections import Counter

import numpy as np
from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from prytulak.assistance.models import ServiceProvider
from prytulak.core.decorators import needs_second_step
from prytulak.housing.models import HostOffer, OfferStatus, Placement
from prytulak.journeys.models import BorderCrossing, Trip, TripStatus
from prytulak.journeys.selectors import trip_list
from prytulak.orgs.scopes import Actor, actor_for
from prytulak.people.models import Household, HouseholdStatus
from prytulak.people.selectors import household_scope_q

from . import grid, labels, snapshot
from .forms import MapAreaForm, MapQueryForm, MapZoomForm

HOUSEHOLD_SNAP = 0.05


def _staff(request: HttpRequest) -> Actor | None:
    """Staff level needs a logged-in member whose role sees offers (and, for roles that see
    personal data, the second login step)."""
    if not request.user.is_authenticated:
        return None
    actor = actor_for(request.user)
    if actor is None or not actor.can("offer.list"):
        return None
    if needs_second_step(request, actor):
        return None
    return actor


def _bad(form: MapAreaForm | MapZoomForm) -> JsonResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400)


def map_page(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    context = {
        "staff": actor is not None,
        "form": MapQueryForm(),
        "config": {
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "placement": request.GET.get("placement", "")[:12],
        },
    }
    return render(request, "maps/map.html", context)


@require_GET
def offers_json(request: HttpRequest) -> JsonResponse:
    form = MapQueryForm(request.GET)
    if not form.is_valid():
        return _bad(form)
    f = form.cleaned_data
    west, south, east, north = f["bbox"]
    query = grid.Query(
        west=west,
        south=south,
        east=east,
        north=north,
        zoom=f["zoom"],
        min_beds=f["min_beds"] or 0,
        pets=f["pets"],
        children=f["children"],
        step_free=f["step_free"],
        kind=f["kind"],
        country=f["country"],
        day=snapshot.day_number(f["date"]) if f["date"] else None,
    )
    level = grid.STAFF if _staff(request) else grid.PUBLIC
    data = grid.aggregate(snapshot.current(), query, level)
    data["summary"] = _summary(data["offers"], data["beds"], data.get("few", 0))
    # Counts are worded here, where ngettext knows the language's plural rules: the map's
    # script only places the text.
    if data["kind"] == "points":
        data["bed_labels"] = {str(b): _beds(b) for b in {p[3] for p in data["points"]}}
    else:
        small = data.get("small") or 3
        data["labels"] = [
            _summary(c[2], c[3], c[4] if len(c) > 4 else 0, small) for c in data["cells"]
        ]
    return JsonResponse(data)


def _beds(n: int) -> str:
    return _beds_in(get_language(), n)


@functools.lru_cache(maxsize=4096)
def _beds_in(language: str | None, n: int) -> str:
    return ngettext("%(n)s bed", "%(n)s beds", n) % {"n": n}


def _summary(offers: int, beds: int, few: int, small: int = 3) -> str:
    """Banded areas (see grid.py) hold one or two offers each: the summary gives the range
    they allow, never an exact count."""
    return _summary_in(get_language(), offers, beds, few, small)


# A map answer words every area's counts; the same few counts recur across areas and
# requests, and the wording depends only on them and the language (the catalogues are fixed
# while a process runs).
@functools.lru_cache(maxsize=16384)
def _summary_in(language: str | None, offers: int, beds: int, few: int, small: int) -> str:
    if few:
        low, high = offers + few, offers + (small - 1) * few
        return "{}, {}".format(
            ngettext(
                "%(low)s–%(high)s offer in this area", "%(low)s–%(high)s offers in this area", high
            )
            % {"low": low, "high": high},
            ngettext("at least %(n)s bed", "at least %(n)s beds", beds + few) % {"n": beds + few},
        )
    return "{}, {}".format(
        ngettext("%(n)s offer in this area", "%(n)s offers in this area", offers) % {"n": offers},
        _beds(beds),
    )


@require_GET
def offer_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The staff popup of one offer on the map: what a coordinator needs to decide whether to
    open it. Only offers the map shows (active, verified by an organisation), only for staff;
    the public map keeps its counts per area."""
    actor = _staff(request)
    if actor is None:
        return JsonResponse(
            {"errors": {"__all__": [_("Log in as staff to see this.")]}}, status=403
        )
    offer = (
        HostOffer.objects.select_related("host")
        .filter(pk=pk, status=OfferStatus.ACTIVE, organization__isnull=False)
        .first()
    )
    if offer is None or not actor.can("offer.view", offer):
        raise Http404
    beds = ngettext("%(n)s bed", "%(n)s beds", offer.beds) % {"n": offer.beds}
    start = formats.date_format(offer.available_from)
    if offer.available_to:
        dates = _("Available %(start)s – %(end)s") % {
            "start": start,
            "end": formats.date_format(offer.available_to),
        }
    else:
        dates = _("Available from %(start)s") % {"start": start}
    lines = [
        f"{offer.city}: {beds}",
        dates,
        _("Pets welcome") if offer.pets_allowed else _("No pets"),
        _("Children welcome") if offer.children_allowed else _("No children"),
        *([_("Step-free access")] if offer.step_free else []),
        _("Host: %(verification)s") % {"verification": offer.host.get_verification_display()},
    ]
    return JsonResponse(
        {"id": offer.pk, "lines": lines, "url": reverse("offer-detail", args=[offer.pk])}
    )


@require_GET
def places_json(request: HttpRequest) -> JsonResponse:
    """Town names for the offline base map (public: names from the shipped gazetteer only)."""
    form = MapAreaForm(request.GET)
    if not form.is_valid():
        return _bad(form)
    west, south, east, north = form.cleaned_data["bbox"]
    places = labels.labels(
        west, south, east, north, form.cleaned_data["zoom"], get_language() or "en"
    )
    return JsonResponse({"places": places})


@require_GET
def households_json(request: HttpRequest) -> JsonResponse:
    """Waiting households by arrival point, within the viewer's scope; staff only."""
    actor = _staff(request)
    scope = household_scope_q(actor) if actor else None
    if scope is None:
        return JsonResponse(
            {"errors": {"__all__": [_("Log in as staff to see this.")]}}, status=403
        )
    rows = list(
        Household.objects.filter(scope, status=HouseholdStatus.WAITING)
        .exclude(arrival_latitude__isnull=True)
        .exclude(arrival_longitude__isnull=True)
        .values_list("arrival_latitude", "arrival_longitude")
    )
    lats = grid.snap(np.array([lat for lat, _lon in rows], float), HOUSEHOLD_SNAP)
    lons = grid.snap(np.array([lon for _lat, lon in rows], float), HOUSEHOLD_SNAP)
    counts = Counter(zip(lats.tolist(), lons.tolist(), strict=True))
    return JsonResponse(
        {
            "level": "staff",
            "snap": HOUSEHOLD_SNAP,
            "points": [
                [
                    lat,
                    lon,
                    n,
                    ngettext("%(n)s household waiting here", "%(n)s households waiting here", n)
                    % {"n": n},
                ]
                for (lat, lon), n in sorted(counts.items())
            ],
        }
    )


@require_GET
def crossings_json(request: HttpRequest) -> JsonResponse:
    """Border crossings are public places; so are their status and how many planned trips
    go through them (never who travels)."""
    upcoming = Q(trips__status=TripStatus.PLANNED, trips__arrive_by__gte=timezone.now())
    crossings = BorderCrossing.objects.annotate(trips_planned=Count("trips", filter=upcoming))
    return JsonResponse(
        {
            "crossings": [
                {
                    "code": c.code,
                    "name": c.local_name(),
                    "country": c.country,
                    "lat": c.latitude,
                    "lon": c.longitude,
                    "kind": c.kind,
                    "status": c.status,
                    "status_label": c.get_status_display(),
                    "trips": c.trips_planned,
                    "trips_label": ngettext(
                        "%(n)s planned trip through here",
                        "%(n)s planned trips through here",
                        c.trips_planned,
                    )
                    % {"n": c.trips_planned},
                }
                for c in crossings
            ]
        }  # fmt: skip
    )


@require_GET
def services_json(request: HttpRequest) -> JsonResponse:
    """The service directory (lawyers, schools, clinics, reception centres…): public entries."""
    return JsonResponse(
        {
            "services": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "kind_label": p.get_kind_display(),
                    "city": p.city,
                    "lat": p.latitude,
                    "lon": p.longitude,
                    "languages": p.languages,
                    "hours": p.opening_hours,
                }
                for p in ServiceProvider.objects.all()[:5000]
            ]
        }  # fmt: skip
    )


# Below this zoom the trips layer draws one line per pair of origin and destination regions
# (cells of 45 / 2^zoom degrees, a few dozen pixels), not one per trip.
TRIP_GROUP_BELOW = 7


@require_GET
def trips_json(request: HttpRequest) -> JsonResponse:
    """Planned trips as routes between towns and crossings, with room left: staff only.
    Given a zoom below TRIP_GROUP_BELOW, trips between the same two regions are one line
    with their count, so that a Europe-wide view is not a knot of lines on the border."""
    actor = _staff(request)
    if actor is None:
        return JsonResponse(
            {"errors": {"__all__": [_("Log in as staff to see this.")]}}, status=403
        )
    form = MapZoomForm(request.GET)
    if not form.is_valid():
        return _bad(form)
    zoom = form.cleaned_data["zoom"]
    trips = list(trip_list(actor=actor).select_related("crossing")[:500])
    if zoom is not None and zoom < TRIP_GROUP_BELOW:
        return JsonResponse(
            {"level": "staff", "grouped": True, "trips": _trip_groups(trips, 45 / 2**zoom)}
        )
    return JsonResponse(
        {
            "level": "staff",
            "grouped": False,
            "trips": [
                {
                    "id": t.pk,
                    "count": 1,
                    "route": _route(t),
                    "label": _("%(origin)s → %(destination)s, %(free)s")
                    % {
                        "origin": t.origin,
                        "destination": t.destination,
                        "free": ngettext(
                            "%(free)s of %(n)s seat free", "%(free)s of %(n)s seats free", t.seats
                        )
                        % {"free": t.free, "n": t.seats},  # type: ignore[attr-defined]
                    },
                    "leaves": timezone.localtime(t.depart_earliest).isoformat(),
                }
                for t in trips
            ],
        }
    )


def _route(t: Trip) -> list[list[float]]:
    return [
        [t.origin_latitude, t.origin_longitude],
        *([[t.crossing.latitude, t.crossing.longitude]] if t.crossing else []),
        [t.destination_latitude, t.destination_longitude],
    ]


def _trip_groups(trips: list[Trip], cell: float) -> list[dict]:
    """One entry per (origin region, destination region): the line runs from the mean origin
    to the mean destination, through the crossing when all its trips use the same one."""
    groups: dict[tuple[int, int, int, int], list[Trip]] = {}
    for t in trips:
        key = (
            math.floor(t.origin_latitude / cell),
            math.floor(t.origin_longitude / cell),
            math.floor(t.destination_latitude / cell),
            math.floor(t.destination_longitude / cell),
        )
        groups.setdefault(key, []).append(t)
    answer = []
    for members in groups.values():
        n = len(members)
        free = sum(t.free for t in members)  # type: ignore[attr-defined]
        crossings = {t.crossing_id for t in members}
        crossing = members[0].crossing if len(crossings) == 1 else None
        route = [
            [round(sum(t.origin_latitude for t in members) / n, 4),
             round(sum(t.origin_longitude for t in members) / n, 4)],
            *([[crossing.latitude, crossing.longitude]] if crossing else []),
            [round(sum(t.destination_latitude for t in members) / n, 4),
             round(sum(t.destination_longitude for t in members) / n, 4)],
        ]  # fmt: skip
        pair = Counter((t.origin, t.destination) for t in members).most_common(1)[0][0]
        label = "{}, {}: {}".format(
            ngettext("%(n)d planned trip", "%(n)d planned trips", n) % {"n": n},
            ngettext("%(n)d seat free", "%(n)d seats free", free) % {"n": free},
            _("%(origin)s → %(destination)s") % {"origin": pair[0], "destination": pair[1]},
        )
        answer.append({"count": n, "route": route, "label": label})
    return answer


@require_GET
def placement_route_json(request: HttpRequest, pk: int) -> JsonResponse:
    """A household's way from its arrival point to the host's town, at the exact stored
    positions: only for the organisations on either side of the placement."""
    actor = _staff(request)
    placement = (
        Placement.objects.select_related("household", "offer").filter(pk=pk).first()
        if actor
        else None
    )
    if actor is None or placement is None or not actor.can("placement.route", placement):
        raise Http404
    household, offer = placement.household, placement.offer
    stops = []
    if household.arrival_latitude is not None:
        stops.append(
            {
                "name": household.arrival_place,
                "lat": household.arrival_latitude,
                "lon": household.arrival_longitude,
            }
        )
    stops.append({"name": offer.city, "lat": offer.latitude, "lon": offer.longitude})
    return JsonResponse({"level": "exact", "placement": placement.pk, "stops": stops})
