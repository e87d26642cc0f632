"""A map worth reading: town names on the offline base, crossings and trips grouped at
Europe zoom, and a staff popup that says more than "5 beds" (and nothing new to the public)."""

import datetime

import pytest
from django.urls import reverse

from prytulak.conftest import make_offer
from prytulak.housing.models import HostOffer, OfferStatus, Verification

KRAKOW = {"bbox": "19.5,49.8,20.4,50.3", "zoom": 10}
EUROPE = {"bbox": "-25,34,45,72", "zoom": 4}


def _names(response):
    assert response.status_code == 200, response.content
    return [name for _lat, _lon, name in response.json()["places"]]


def test_place_names_come_in_the_readers_language_where_the_gazetteer_has_it(client, db):
    assert "Kraków" in _names(client.get(reverse("map-places"), KRAKOW, HTTP_ACCEPT_LANGUAGE="pl"))
    assert "Краків" in _names(client.get(reverse("map-places"), KRAKOW, HTTP_ACCEPT_LANGUAGE="uk"))
    assert "Кракаў" in _names(client.get(reverse("map-places"), KRAKOW, HTTP_ACCEPT_LANGUAGE="be"))
    assert "Krakau" in _names(client.get(reverse("map-places"), KRAKOW, HTTP_ACCEPT_LANGUAGE="de"))
    # Our tables spell it "Krakow" so that typed names match; shown, the accent stays.
    assert "Kraków" in _names(client.get(reverse("map-places"), KRAKOW, HTTP_ACCEPT_LANGUAGE="en"))
    # A small town without curated names keeps its gazetteer name.
    assert "Wieliczka" in _names(
        client.get(reverse("map-places"), KRAKOW, HTTP_ACCEPT_LANGUAGE="uk")
    )


def test_at_europe_zoom_only_big_cities_are_named_and_small_towns_appear_closer(client, db):
    europe = _names(client.get(reverse("map-places"), EUROPE, HTTP_ACCEPT_LANGUAGE="en"))
    assert {"Warsaw", "Berlin", "Kyiv"} <= set(europe)
    assert "Wieliczka" not in europe and "Przemyśl" not in europe
    assert 20 <= len(europe) <= 200
    przemysl = {"bbox": "22.5,49.6,23.2,49.9", "zoom": 11}
    assert "Przemyśl" in _names(
        client.get(reverse("map-places"), przemysl, HTTP_ACCEPT_LANGUAGE="pl")
    )
    assert "Перемишль" in _names(
        client.get(reverse("map-places"), przemysl, HTTP_ACCEPT_LANGUAGE="uk")
    )


def test_place_names_are_public_and_come_from_the_gazetteer_not_the_database(client, db, org_a):
    before = client.get(reverse("map-places"), KRAKOW).json()
    assert set(before) == {"places"} and before["places"]
    for lat, lon, name in before["places"]:
        assert isinstance(lat, float) and isinstance(lon, float) and isinstance(name, str)
    offer = make_offer(org_a, city="Wieliczka")
    HostOffer.objects.filter(pk=offer.pk).update(city="Secret Street 5, Wieliczka")
    assert client.get(reverse("map-places"), KRAKOW).json() == before


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"bbox": "1,2,3", "zoom": 5},
        {"bbox": "a,b,c,d", "zoom": 5},
        {"bbox": "1,2,3,4", "zoom": 99},
    ],
)
def test_bad_place_requests_get_a_clear_error(client, db, params):
    response = client.get(reverse("map-places"), params, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    assert response.json()["errors"]


# Trips: one line per origin–destination region pair at Europe zoom, every trip up close.


def _trips(client, **params):
    response = client.get(reverse("map-trips"), params)
    assert response.status_code == 200
    return response.json()["trips"]


def test_trips_between_the_same_regions_are_one_line_with_a_count_at_europe_zoom(
    client, viewer_a, make_trip
):
    for lat, lon in [(49.84, 24.03), (49.80, 24.10), (49.90, 23.95)]:  # around Lviv
        make_trip(origin_latitude=lat, origin_longitude=lon, seats=3)
    make_trip(destination="Berlin", destination_latitude=52.52, destination_longitude=13.40)
    client.force_login(viewer_a)
    assert len(_trips(client)) == 4  # no zoom: every trip, as before
    assert len(_trips(client, zoom=10)) == 4
    grouped = _trips(client, zoom=4)
    assert sorted(t["count"] for t in grouped) == [1, 3]
    three = next(t for t in grouped if t["count"] == 3)
    assert three["label"].startswith("3 planned trips, 9 seats free")
    assert "id" not in three
    one = next(t for t in grouped if t["count"] == 1)
    assert one["label"].startswith("1 planned trip, 4 seats free")


def test_grouped_trips_speak_the_readers_plural(client, viewer_a, make_trip):
    for _ in range(5):
        make_trip(seats=1)
    client.force_login(viewer_a)
    response = client.get(reverse("map-trips"), {"zoom": 4}, HTTP_ACCEPT_LANGUAGE="uk")
    [group] = response.json()["trips"]
    assert group["label"].startswith("5 запланованих поїздок, 5 вільних місць")


def test_grouped_trips_are_still_for_staff_only(client, make_trip):
    make_trip()
    assert client.get(reverse("map-trips"), {"zoom": 4}).status_code == 403


def test_a_bad_zoom_for_trips_gets_a_clear_error(client, viewer_a):
    client.force_login(viewer_a)
    response = client.get(reverse("map-trips"), {"zoom": "far"})
    assert response.status_code == 400 and response.json()["errors"]["zoom"]


# The staff popup of one offer.


@pytest.fixture
def offer(org_a):
    offer = make_offer(
        org_a, beds=5, pets_allowed=True, children_allowed=False, city="Kraków",
        available_from=datetime.date(2026, 12, 1), available_to=datetime.date(2027, 2, 28),
    )  # fmt: skip
    offer.host.verification = Verification.VISITED
    offer.host.save(update_fields=["verification"])
    return offer


def test_staff_popup_tells_beds_dates_pets_children_and_verification(client, viewer_a, offer):
    client.force_login(viewer_a)
    data = client.get(reverse("map-offer", args=[offer.pk])).json()
    assert data["lines"][0] == "Kraków: 5 beds"
    text = "\n".join(data["lines"])
    assert "1 Dec 2026 – 28 Feb 2027" in text or "Dec. 1, 2026 – Feb. 28, 2027" in text, text
    assert "Pets welcome" in text and "No children" in text
    assert "Home visited or references checked" in text
    assert data["url"] == reverse("offer-detail", args=[offer.pk])


def test_one_bed_is_singular_and_ukrainian_plurals_are_right(client, viewer_a, offer):
    HostOffer.objects.filter(pk=offer.pk).update(beds=1)
    client.force_login(viewer_a)
    assert client.get(reverse("map-offer", args=[offer.pk])).json()["lines"][0] == "Kraków: 1 bed"
    for beds, word in [(2, "ліжка"), (5, "ліжок"), (21, "ліжко")]:
        HostOffer.objects.filter(pk=offer.pk).update(beds=beds)
        response = client.get(reverse("map-offer", args=[offer.pk]), HTTP_ACCEPT_LANGUAGE="uk")
        assert response.json()["lines"][0] == f"Kraków: {beds} {word}"


def test_the_offer_popup_is_not_for_the_public(client, offer, caseworker_a):
    from django.test import Client

    assert client.get(reverse("map-offer", args=[offer.pk])).status_code == 403
    # A caseworker who has not passed the second login step is public on the map too.
    plain = Client()
    plain.force_login(caseworker_a)
    assert plain.get(reverse("map-offer", args=[offer.pk])).status_code == 403


def test_offers_that_are_not_on_the_map_have_no_popup(client, viewer_a, offer, org_a):
    client.force_login(viewer_a)
    HostOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.PAUSED)
    assert client.get(reverse("map-offer", args=[offer.pk])).status_code == 404
    assert client.get(reverse("map-offer", args=[999999])).status_code == 404


def test_the_popup_asks_no_more_queries_than_it_needs(
    client, viewer_a, offer, django_assert_max_num_queries
):
    client.force_login(viewer_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("map-offer", args=[offer.pk])).status_code == 200
