"""The map page and the JSON endpoints behind it. The endpoints enforce the privacy levels:
anonymous visitors get counts per grid cell (at least 0.25°, small counts banded), staff get
points snapped to 0.01° (never a home: offers are placed at their town), exact positions only
for a placement's own organisations. How grid.py keeps those bounds against clever boxes is in
its docstring."""

from __future__ import annotations

from collections import Counter

import numpy as np
from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from prytulak.assistance.models import ServiceProvider
from prytulak.core.decorators import needs_second_step
from prytulak.housing.models import Placement
from prytulak.journeys.models import BorderCrossing, TripStatus
from prytulak.journeys.selectors import trip_list
from prytulak.orgs.scopes import Actor, actor_for
from prytulak.people.models import Household, HouseholdStatus
from prytulak.people.selectors import household_scope_q

from . import grid, snapshot
from .forms import MapQueryForm

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


def _bad(form: MapQueryForm) -> JsonResponse:
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
    return ngettext("%(n)s bed", "%(n)s beds", n) % {"n": n}


def _summary(offers: int, beds: int, few: int, small: int = 3) -> str:
    """Banded areas (see grid.py) hold one or two offers each: the summary gives the range
    they allow, never an exact count."""
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


@require_GET
def trips_json(request: HttpRequest) -> JsonResponse:
    """Planned trips as routes between towns and crossings, with room left: staff only."""
    actor = _staff(request)
    if actor is None:
        return JsonResponse(
            {"errors": {"__all__": [_("Log in as staff to see this.")]}}, status=403
        )
    trips = trip_list(actor=actor).select_related("crossing")[:500]
    return JsonResponse(
        {
            "level": "staff",
            "trips": [
                {
                    "id": t.pk,
                    "route": [
                        [t.origin_latitude, t.origin_longitude],
                        *([[t.crossing.latitude, t.crossing.longitude]] if t.crossing else []),
                        [t.destination_latitude, t.destination_longitude],
                    ],
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
