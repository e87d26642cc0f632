"""The map's endpoints give each viewer exactly the precision their level allows."""

import datetime
import math
import random

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import HostKind, HostOffer
from prytulak.orgs.scopes import actor_for

EUROPE = {"bbox": "-25,34,45,72", "zoom": 4}


def _on_grid(value, step, offset=0.0):
    """`value` is (k + offset) × step for a whole k, to the 6 decimals the answers carry."""
    k = round(value / step - offset)
    return math.isclose(value, (k + offset) * step, abs_tol=1e-6)


@pytest.fixture
def scattered(org_a):
    """120 offers at random places in Europe, 3 decimals (finer than any public level)."""
    rng = random.Random(7)
    offers = []
    for i in range(120):
        offer = make_offer(
            org_a,
            beds=rng.randint(1, 6),
            pets_allowed=i % 2 == 0,
            children_allowed=i % 3 != 0,
            country=rng.choice(["PL", "DE", "LT", "CZ"]),
        )
        HostOffer.objects.filter(pk=offer.pk).update(
            latitude=round(rng.uniform(40, 60), 3), longitude=round(rng.uniform(-5, 30), 3)
        )
        offers.append(offer)
    return offers


def _get(client, **params):
    response = client.get(reverse("map-offers"), {**EUROPE, **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    ("bbox", "zoom"),
    [("-25,34,45,72", 4), ("10,45,25,55", 7), ("19.9,50.0,20.0,50.1", 18), ("-180,-85,180,85", 0)],
)
def test_anonymous_visitors_get_counts_per_cell_never_points(client, scattered, bbox, zoom):
    data = _get(client, bbox=bbox, zoom=zoom)
    assert data["level"] == "public" and data["kind"] == "cells"
    assert "points" not in data and data["cell"] >= 0.25
    for lat, lon, count, beds in data["cells"]:
        assert _on_grid(lat, data["cell"], 0.5) and _on_grid(lon, data["cell"], 0.5)
        assert count >= 1 and beds >= count
    assert sum(c[2] for c in data["cells"]) == data["offers"]
    assert all(len(c) == 4 for c in data["cells"])  # no offer ids


def test_the_public_counts_add_up_to_all_active_offers(client, scattered, org_a):
    make_offer(None, status="awaiting")  # not yet verified: never on the map
    data = _get(client)
    assert data["offers"] == 120
    assert data["beds"] == sum(o.beds for o in scattered)


def test_staff_see_single_offers_snapped_to_about_a_kilometre(client, viewer_a, org_a):
    offer = make_offer(org_a)
    HostOffer.objects.filter(pk=offer.pk).update(latitude=50.0612, longitude=19.9372)
    client.force_login(viewer_a)
    data = _get(client, bbox="19,49.5,21,50.5", zoom=10)
    assert data["level"] == "staff" and data["kind"] == "points"
    [[pk, lat, lon, beds, _flags]] = data["points"]
    assert (pk, lat, lon, beds) == (offer.pk, 50.06, 19.94, offer.beds)


def test_staff_points_are_never_finer_than_the_snap(client, viewer_a, scattered):
    client.force_login(viewer_a)
    data = _get(client, zoom=9)
    assert data["kind"] == "points" and len(data["points"]) == 120
    exact = {o.pk for o in scattered}
    for pk, lat, lon, _beds, _flags in data["points"]:
        assert pk in exact
        assert _on_grid(lat, 0.01) and _on_grid(lon, 0.01)


def test_staff_get_cells_when_too_many_offers_are_in_view(client, viewer_a, scattered, settings):
    from prytulak.maps import grid

    client.force_login(viewer_a)
    settings.DEBUG = False
    original = grid.STAFF
    grid.STAFF = grid.Level("staff", min_cell=0.05, point_snap=0.01, point_limit=50)
    try:
        data = _get(client, zoom=5)
    finally:
        grid.STAFF = original
    assert data["kind"] == "cells" and data["cell"] >= 0.05
    for lat, lon, _count, _beds in data["cells"]:
        assert _on_grid(lat, data["cell"], 0.5) and _on_grid(lon, data["cell"], 0.5)


def test_a_caseworker_without_the_second_login_step_gets_the_public_level(caseworker_a, scattered):
    client = Client()
    client.force_login(caseworker_a)  # password only
    assert _get(client, zoom=10)["level"] == "public"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 120),
        ({"pets": "true"}, 60),
        ({"children": "true"}, 80),
        ({"pets": "true", "children": "true"}, 40),
    ],
)
def test_filters_change_the_counts(client, scattered, filters, expected):
    assert _get(client, **filters)["offers"] == expected


def test_beds_kind_country_and_date_filters(client, org_a):
    today = timezone.localdate()
    make_offer(org_a, beds=1, country="PL")
    big = make_offer(org_a, beds=40, country="DE")
    big.host.kind = HostKind.ORGANIZATION
    big.host.save()
    later = make_offer(org_a, beds=2, available_from=today + datetime.timedelta(days=30))
    assert _get(client, min_beds=2)["offers"] == 2
    assert _get(client, kind="collective")["offers"] == 1
    assert _get(client, kind="person")["offers"] == 2
    assert _get(client, country="DE")["beds"] == 40
    assert _get(client, date=today.isoformat())["offers"] == 2
    assert _get(client, date=later.available_from.isoformat())["offers"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "a,b,c,d"},
        {"bbox": "1,2,3"},
        {"bbox": "10,50,5,40"},
        {"bbox": "nan,1,2,3"},
        {"bbox": "1e309,1,2,3"},
        {"zoom": "-1"},
        {"zoom": "99"},
        {"zoom": ""},
        {"date": "2024-13-45"},
        {"country": "XX"},
        {"kind": "castle"},
        {"min_beds": "0"},
    ],
)
def test_bad_map_requests_get_a_clear_error_not_a_crash(client, db, params):
    response = client.get(reverse("map-offers"), {**EUROPE, **params})
    assert response.status_code == 400
    assert response.json()["errors"]


def test_errors_speak_the_visitors_language(client, db):
    response = client.get(
        reverse("map-offers"), {"bbox": "x", "zoom": 4}, HTTP_ACCEPT_LANGUAGE="uk"
    )
    assert "чотири числа" in response.json()["errors"]["bbox"][0]


def test_households_are_for_staff_only_and_within_their_scope(client, caseworker_a, org_a, org_b):
    make_household(org_a)
    make_household(org_a)
    make_household(org_b)
    assert client.get(reverse("map-households")).status_code == 403
    client.force_login(caseworker_a)
    data = client.get(reverse("map-households")).json()
    assert data["points"] == [[49.8, 22.75, 2]]  # Przemyśl (49.78, 22.77) snapped to 0.05


def test_crossings_are_public(client, db):
    data = client.get(reverse("map-crossings")).json()
    assert len(data["crossings"]) >= 20
    assert {"PL", "SK", "HU", "RO", "MD"} <= {c["country"] for c in data["crossings"]}


def test_exact_positions_only_for_the_placements_own_organisations(
    client, caseworker_a, caseworker_b, viewer_a, org_a
):
    household = make_household(org_a)
    offer = make_offer(org_a)
    HostOffer.objects.filter(pk=offer.pk).update(latitude=50.0612, longitude=19.9372)
    placement = placements.placement_propose(
        household=household, offer=offer, actor=actor_for(caseworker_a)
    )
    url = reverse("map-route", args=[placement.pk])
    assert client.get(url).status_code == 404
    for other in (caseworker_b, viewer_a):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(caseworker_a)
    data = client.get(url).json()
    assert data["level"] == "exact"
    assert [(s["lat"], s["lon"]) for s in data["stops"]] == [(49.78, 22.77), (50.0612, 19.9372)]


def test_crossings_show_their_status_and_planned_trips_to_everyone(client, make_trip):
    from prytulak.journeys.models import BorderCrossing

    BorderCrossing.objects.filter(code="PL-KORCZOWA").update(status="busy")
    make_trip()
    data = {c["code"]: c for c in client.get(reverse("map-crossings")).json()["crossings"]}
    assert data["PL-KORCZOWA"]["status"] == "busy" and data["PL-KORCZOWA"]["trips"] == 1
    assert data["PL-MEDYKA"]["trips"] == 0


def test_trips_are_routes_for_staff_and_hidden_from_the_public(
    client, make_trip, viewer_a, driver_a
):
    trip = make_trip(seats=4)
    assert client.get(reverse("map-trips")).status_code == 403
    client.force_login(driver_a)  # a driver of another organisation sees no trips pool
    assert client.get(reverse("map-trips")).status_code == 403
    client.force_login(viewer_a)
    [shown] = client.get(reverse("map-trips")).json()["trips"]
    assert shown["id"] == trip.pk
    assert shown["route"] == [[49.84, 24.03], [49.9528, 23.0914], [50.06, 19.94]]
    assert "4 of 4 seats free" in shown["label"]
    assert "driver" not in shown and "passengers" not in shown


def test_the_service_directory_is_on_the_public_map(client, db):
    from prytulak.assistance.models import ServiceProvider

    ServiceProvider.objects.create(
        name="Legal clinic for Ukrainians", kind="lawyer", case_types=["legal_status"],
        city="Kraków", country="PL", latitude=50.06, longitude=19.94, languages=["uk", "pl"],
    )  # fmt: skip
    [entry] = client.get(reverse("map-services")).json()["services"]
    assert (entry["name"], entry["kind"], entry["city"]) == (
        "Legal clinic for Ukrainians",
        "lawyer",
        "Kraków",
    )
