"""Trips, seats and bookings: the rules, bad input, and no overbooking."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from prytulak.conftest import make_household, trip_data
from prytulak.core.errors import ServiceError
from prytulak.journeys import services
from prytulak.journeys.models import Booking, BookingStatus, Trip
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Person


@pytest.fixture
def a(caseworker_a):
    return actor_for(caseworker_a)


@pytest.fixture
def b(coordinator_b):
    return actor_for(coordinator_b)


def _adults(org, n, **extra):
    household = make_household(org, people=0, **extra)
    for _ in range(n):
        Person.objects.create(household=household, age_band="18-64")
    return household


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"seats": 0}, "at least one seat"),
        ({"seats": 2, "child_seats": 3}, "part of the seats"),
        ({"seats": 2, "wheelchair_spaces": 3}, "part of the seats"),
        ({"arrive_by": "earliest"}, "cannot arrive before it leaves"),
        ({"depart_latest": "before"}, "latest departure is before the earliest"),
    ],
)
def test_impossible_trips_are_refused_with_the_reason(b, overrides, message):
    data = trip_data()
    if overrides.get("arrive_by") == "earliest":
        overrides = {"arrive_by": data["depart_earliest"] - datetime.timedelta(hours=1)}
    if overrides.get("depart_latest") == "before":
        overrides = {"depart_latest": data["depart_earliest"] - datetime.timedelta(minutes=5)}
    with pytest.raises(ServiceError, match=message):
        services.trip_create(actor=b, data={**data, **overrides})
    assert not Trip.objects.exists()


def test_the_database_refuses_impossible_trips_too(make_trip):
    trip = make_trip()
    for change in (
        {"seats": 0},
        {"child_seats": 99},
        {"arrive_by": trip.depart_earliest - datetime.timedelta(hours=1)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Trip.objects.filter(pk=trip.pk).update(**change)


def test_a_caseworker_cannot_offer_trips_but_a_driver_can(a, driver_b):
    with pytest.raises(PermissionDenied):
        services.trip_create(actor=a, data=trip_data())
    trip = services.trip_create(actor=actor_for(driver_b), data=trip_data())
    assert trip.driver == driver_b and trip.verified_at is None


@pytest.mark.parametrize(
    ("trip_kwargs", "household", "message"),
    [
        ({"seats": 2}, {"adults": 3}, "has 2 seats; 3 seats asked for"),
        ({"child_seats": 0}, {"children": 1}, "0 child seats; 1 child seat needed"),
        ({"wheelchair_spaces": 0}, {"needs_step_free": True}, "no room for a wheelchair"),
        ({"pets_allowed": False}, {"pets": 1}, "does not take pets"),
    ],
)
def test_booking_rules_for_seats_child_seats_wheelchairs_and_pets(
    a, make_trip, org_a, trip_kwargs, household, message
):
    trip = make_trip(**trip_kwargs)
    h = _adults(
        org_a, household.pop("adults", 1), **{k: v for k, v in household.items() if k != "children"}
    )
    for _ in range(household.get("children", 0)):
        Person.objects.create(household=h, age_band="5-13")
    with pytest.raises(ServiceError, match=message):
        services.booking_request(trip=trip, household=h, actor=a)
    assert not Booking.objects.exists()


def test_children_travel_only_with_a_checked_driver(a, make_trip, org_a):
    family = make_household(org_a, people=2)  # an adult and a child
    with pytest.raises(ServiceError, match="driver has been checked"):
        services.booking_request(trip=make_trip(verified=False), household=family, actor=a)
    services.booking_request(trip=make_trip(verified=True), household=family, actor=a)


def test_bookings_can_never_exceed_the_seats(a, b, make_trip, org_a):
    trip = make_trip(seats=4, child_seats=1)
    first = services.booking_request(trip=trip, household=_adults(org_a, 3), actor=a)
    second = services.booking_request(trip=trip, household=_adults(org_a, 2), actor=a)
    services.booking_confirm(booking=first, actor=b)
    with pytest.raises(ServiceError, match="Not enough seats left: 1 of 4 are free"):
        services.booking_confirm(booking=second, actor=b)
    assert Booking.objects.get(pk=second.pk).status == BookingStatus.REQUESTED
    with pytest.raises(ServiceError, match="already has seats"):
        services.booking_request(trip=trip, household=first.household, actor=a)


def test_child_seats_and_the_wheelchair_space_are_counted_separately(a, b, make_trip, org_a):
    trip = make_trip(seats=6, child_seats=1, wheelchair_spaces=1)
    kids = [make_household(org_a, people=2) for _ in range(2)]  # each: adult + child (5-13)
    wheel = [_adults(org_a, 1, needs_step_free=True) for _ in range(2)]
    services.booking_confirm(
        booking=services.booking_request(trip=trip, household=kids[0], actor=a), actor=b
    )
    with pytest.raises(ServiceError, match="Not enough child seats left: 0 of 1"):
        services.booking_confirm(
            booking=services.booking_request(trip=trip, household=kids[1], actor=a), actor=b
        )
    services.booking_confirm(
        booking=services.booking_request(trip=trip, household=wheel[0], actor=a), actor=b
    )
    with pytest.raises(ServiceError, match="wheelchair space is already taken"):
        services.booking_confirm(
            booking=services.booking_request(trip=trip, household=wheel[1], actor=a), actor=b
        )


def test_only_the_trips_organisation_books_and_a_decline_needs_a_reason(
    a, b, coordinator_a, make_trip, org_a
):
    booking = services.booking_request(trip=make_trip(), household=_adults(org_a, 1), actor=a)
    with pytest.raises(PermissionDenied):
        services.booking_confirm(booking=booking, actor=actor_for(coordinator_a))
    with pytest.raises(ServiceError, match="Give a reason"):
        services.booking_decline(booking=booking, actor=b, reason="")
    services.booking_decline(booking=booking, actor=b, reason="the van broke down")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.DECLINED
