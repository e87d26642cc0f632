"""The map's endpoints give each viewer exactly the precision their level allows."""

import dataclasses
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


TOWNS = [(52.23, 21.01), (50.06, 19.94), (54.69, 25.28), (52.52, 13.40), (48.14, 11.58)]


@pytest.fixture
def towns(org_a):
    """120 offers in five towns (24 each, in five different 0.25° cells): every count the
    filters below make is 3 or more, so the public level shows it exactly."""
    offers = []
    for i in range(120):
        offer = make_offer(
            org_a, beds=1 + i % 6, pets_allowed=i % 2 == 0, children_allowed=i % 3 != 0
        )
        lat, lon = TOWNS[i % len(TOWNS)]
        HostOffer.objects.filter(pk=offer.pk).update(latitude=lat, longitude=lon)
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
    for lat, lon, count, beds, few in data["cells"]:
        assert _on_grid(lat, data["cell"], 0.5) and _on_grid(lon, data["cell"], 0.5)
        # Exact figures add up base cells of 3 or more; the rest is only counted as "few".
        assert count == 0 or count >= 3
        assert beds >= count and count + few >= 1
    assert sum(c[2] for c in data["cells"]) == data["offers"]
    assert sum(c[4] for c in data["cells"]) == data["few"]
    assert all(len(c) == 5 for c in data["cells"])  # no offer ids


def test_the_public_counts_add_up_to_all_active_offers(client, towns, org_a):
    make_offer(None, status="awaiting")  # not yet verified: never on the map
    data = _get(client)
    assert (data["offers"], data["few"]) == (120, 0)
    assert data["beds"] == sum(o.beds for o in towns)
    assert data["summary"] == f"120 offers in this area, {data['beds']} beds"


def test_scattered_offers_are_counted_in_bands_that_hold_the_truth(client, scattered):
    data = _get(client)
    assert data["offers"] + data["few"] <= 120 <= data["offers"] + 2 * data["few"]
    assert data["beds"] + data["few"] <= sum(o.beds for o in scattered)
    low, high = data["offers"] + data["few"], data["offers"] + 2 * data["few"]
    assert data["summary"].startswith(f"{low}–{high} offers in this area, at least")


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
    grid.STAFF = dataclasses.replace(original, point_limit=50)
    try:
        data = _get(client, zoom=5)
    finally:
        grid.STAFF = original
    assert data["kind"] == "cells" and data["cell"] >= 0.05
    assert sum(c[2] for c in data["cells"]) == 120 and data["few"] == 0  # staff: all exact
    for lat, lon, _count, _beds, _few in data["cells"]:
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
def test_filters_change_the_counts(client, towns, filters, expected):
    data = _get(client, **filters)
    assert (data["offers"], data["few"]) == (expected, 0)


def test_beds_kind_country_and_date_filters(client, org_a):
    today = timezone.localdate()
    later_day = today + datetime.timedelta(days=30)
    for _ in range(3):  # three of each, so that the public level counts them exactly
        make_offer(org_a, beds=1, country="PL")
        big = make_offer(org_a, beds=40, country="DE")
        big.host.kind = HostKind.ORGANIZATION
        big.host.save()
        make_offer(org_a, beds=2, available_from=later_day)
    assert _get(client, min_beds=2)["offers"] == 6
    assert _get(client, kind="collective")["offers"] == 3
    assert _get(client, kind="person")["offers"] == 6
    assert _get(client, country="DE")["beds"] == 120
    assert _get(client, date=today.isoformat())["offers"] == 6
    assert _get(client, date=later_day.isoformat())["offers"] == 9


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


# The attacks of the security review, through the endpoint.


def _lone_offer_at(org, lat, lon):
    offer = make_offer(org)
    HostOffer.objects.filter(pk=offer.pk).update(latitude=lat, longitude=lon)
    return offer


def _shown(client, south, north):
    data = _get(client, bbox=f"19.5,{south!r},20.5,{north!r}", zoom=12)
    return data["offers"] + data.get("few", 0) > 0  # "few": absent from the old answers


def _bisect(visible, inside, outside, steps=45):
    """The attacker halves the interval between an edge that shows the offer and one that
    does not; returns where that ends as (showing, not showing)."""
    for _ in range(steps):
        middle = (inside + outside) / 2
        if visible(middle):
            inside = middle
        else:
            outside = middle
    return inside, outside


def _pinned_interval(client):
    """Raise the box's southern edge until the offer disappears, and lower its northern
    edge likewise: the offer's latitude is known to lie between the two stopping points."""
    _, above = _bisect(lambda south: _shown(client, south, 51), inside=49.5, outside=51)
    _, below = _bisect(lambda north: _shown(client, 49.5, north), inside=51, outside=49.5)
    return below, above


def test_halving_the_public_box_pins_an_offer_to_its_cell_never_to_its_latitude(client, org_a):
    _lone_offer_at(org_a, 50.123456, 19.9372)
    below, above = _pinned_interval(client)
    assert below <= 50.123456 < above
    assert above - below >= 0.25 - 1e-9
    assert math.isclose(below, 50.0, abs_tol=1e-9) and math.isclose(above, 50.25, abs_tol=1e-9)


def test_halving_the_staff_box_pins_an_offer_no_finer_than_the_staff_snap(client, org_a, viewer_a):
    _lone_offer_at(org_a, 50.0612, 19.9372)
    client.force_login(viewer_a)
    below, above = _pinned_interval(client)
    assert below <= 50.0612 < above
    assert above - below >= 0.01 - 1e-9


def test_two_public_boxes_in_the_same_cells_answer_exactly_alike(client, org_a):
    _lone_offer_at(org_a, 50.123456, 19.9372)
    for i in range(3):
        _lone_offer_at(org_a, 52.23, 21.01 + i / 1000)
    for zoom in (4, 8, 12):
        # Edges on either side of the lone offer, but inside the same 0.25° cells.
        first = client.get(reverse("map-offers"), {"bbox": "19.76,50.01,21.1,52.3", "zoom": zoom})
        second = client.get(reverse("map-offers"), {"bbox": "19.99,50.2,21.2,52.4", "zoom": zoom})
        assert first.content == second.content


def test_a_cell_with_one_or_two_offers_never_shows_how_many(client, org_a):
    def answers():
        return [
            client.get(reverse("map-offers"), {"bbox": bbox, "zoom": zoom}).content
            for bbox in ("-25,34,45,72", "19,49,21,51", "19.9,50.0,20.0,50.1")
            for zoom in (2, 5, 9, 14)
        ]

    _lone_offer_at(org_a, 50.06, 19.94)
    one = answers()
    data = _get(client, bbox="19,49,21,51", zoom=9)
    assert data["cells"] == [[50.125, 19.875, 0, 0, 1]]  # shown as "1–2", beds withheld
    assert data["summary"] == "1–2 offers in this area, at least 1 bed"
    _lone_offer_at(org_a, 50.07, 19.95)
    assert answers() == one
    _lone_offer_at(org_a, 50.08, 19.96)  # the third makes it exact
    assert _get(client, bbox="19,49,21,51", zoom=9)["cells"] == [[50.125, 19.875, 3, 9, 0]]


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
    # Przemyśl (49.78, 22.77) snapped to 0.05, with the count worded for the tooltip.
    assert data["points"] == [[49.8, 22.75, 2, "2 households waiting here"]]


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
