"""A household's journey from a seat request to arrival at the host's town."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_offer
from prytulak.core.errors import ServiceError
from prytulak.housing import placements
from prytulak.housing.models import Placement, PlacementStatus, Side
from prytulak.journeys import selectors, services
from prytulak.journeys.models import Journey, JourneyAlert, JourneyStatus, LegKind, Trip
from prytulak.orgs.scopes import actor_for


@pytest.fixture
def placed(caseworker_a, org_a):
    """A family of two (adult, child) with a confirmed place in Kraków."""
    a = actor_for(caseworker_a)
    household = make_household(org_a, people=2)
    placement = placements.placement_propose(household=household, offer=make_offer(org_a), actor=a)
    placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    return household, placement


def test_from_seat_request_to_arrival(placed, make_trip, caseworker_a, coordinator_b):
    household, placement = placed
    a, b = actor_for(caseworker_a), actor_for(coordinator_b)
    trip = make_trip()
    [(suggested, detour)] = selectors.trip_suggestions(household=household)
    assert suggested == trip and detour > 0
    booking = services.booking_request(trip=trip, household=household, actor=a)
    assert (booking.seats, booking.child_seats) == (2, 1)
    services.booking_confirm(booking=booking, actor=b)

    journey = Journey.objects.get(household=household)
    assert journey.placement == placement and journey.expected_arrival == trip.arrive_by
    legs = list(journey.legs.all())
    assert [(leg.order, leg.kind) for leg in legs] == [(1, LegKind.CROSSING), (2, LegKind.RIDE)]
    assert legs[0].crossing.code == "PL-KORCZOWA" and legs[1].to_place == "Kraków"

    services.leg_done(leg=legs[0], actor=a)
    with pytest.raises(ServiceError, match="already marked as done"):
        services.leg_done(leg=legs[0], actor=a)
    services.journey_arrive(journey=journey, actor=a)
    journey.refresh_from_db()
    assert journey.status == JourneyStatus.ARRIVED and journey.arrival_confirmed_by == caseworker_a
    assert all(leg.done_at for leg in journey.legs.all())
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.ARRIVED
    with pytest.raises(ServiceError, match="already closed"):
        services.journey_arrive(journey=journey, actor=a)


def test_a_late_arrival_raises_one_alert_for_the_caseworker(
    placed, make_trip, caseworker_a, coordinator_b, caseworker_b
):
    household, _placement = placed
    a = actor_for(caseworker_a)
    trip = make_trip()
    booking = services.booking_request(trip=trip, household=household, actor=a)
    services.booking_confirm(booking=booking, actor=actor_for(coordinator_b))
    journey = Journey.objects.get(household=household)
    assert services.journeys_check_late(now=trip.arrive_by) == 0  # not late yet
    later = trip.arrive_by + datetime.timedelta(hours=7)
    assert services.journeys_check_late(now=later) == 1
    assert services.journeys_check_late(now=later) == 0  # once
    assert list(selectors.alerts_for(actor=a)) == list(JourneyAlert.objects.all())
    assert not selectors.alerts_for(actor=actor_for(caseworker_b)).exists()
    services.journey_arrive(journey=journey, actor=a)
    assert not selectors.alerts_for(actor=a).exists()


def test_someone_outside_the_two_sides_cannot_confirm_arrival(placed, caseworker_b):
    household, _ = placed
    journey = services.journey_for(household)
    with pytest.raises(PermissionDenied):
        services.journey_arrive(journey=journey, actor=actor_for(caseworker_b))


def test_a_driver_sees_passengers_only_around_the_trip_and_it_is_logged(
    client, make_trip, driver_b, caseworker_a, coordinator_b, org_a, coordinator_a
):
    a, b = actor_for(caseworker_a), actor_for(coordinator_b)
    trip = make_trip()
    Trip.objects.filter(pk=trip.pk).update(driver=driver_b)
    trip.refresh_from_db()
    household = make_household(org_a, name="Olha Marchenko", people=1)
    services.booking_confirm(
        booking=services.booking_request(trip=trip, household=household, actor=a), actor=b
    )
    d = actor_for(driver_b)
    assert selectors.driver_sees_passengers(actor=d, trip=trip)
    assert not selectors.driver_sees_passengers(
        actor=d, trip=trip, now=trip.depart_earliest - datetime.timedelta(days=3)
    )
    assert not selectors.driver_sees_passengers(actor=actor_for(coordinator_a), trip=trip)

    client.force_login(driver_b)
    page = client.get(f"/en/staff/trips/{trip.pk}/")
    assert page.status_code == 200
    assert "Olha Marchenko" in page.text and "Lviv" in page.text
    assert household.phone not in page.text  # a driver never sees contact details
    row = AccessLog.objects.get(action="trip.passengers_viewed")
    assert (row.user, row.object_id) == (driver_b, str(trip.pk))
    # Three days before, the same page shows only how many travel.
    Trip.objects.filter(pk=trip.pk).update(
        depart_earliest=timezone.now() + datetime.timedelta(days=3),
        depart_latest=timezone.now() + datetime.timedelta(days=3, hours=1),
        arrive_by=timezone.now() + datetime.timedelta(days=3, hours=9),
    )
    page = client.get(f"/en/staff/trips/{trip.pk}/")
    assert "Olha Marchenko" not in page.text and "1 passenger" in page.text
    assert AccessLog.objects.filter(action="trip.passengers_viewed").count() == 1
