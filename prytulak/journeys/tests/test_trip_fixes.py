"""Trips: what is suggested, what may be requested, what booking one closes, what the
journey says, and the trip's driver, notes, edit and cancel."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from prytulak.conftest import make_household, make_member
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.journeys import selectors, services
from prytulak.journeys.models import Booking, BookingStatus, TripStatus
from prytulak.orgs.models import Role
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


def _suggested(household):
    return [t.pk for t, _km in selectors.trip_suggestions(household=household)]


def test_trips_with_an_unchecked_driver_are_not_suggested_for_children(make_trip, org_a):
    unchecked, checked = make_trip(verified=False), make_trip(verified=True)
    family = make_household(org_a, people=2)  # an adult and a child
    assert _suggested(family) == [checked.pk]
    adults = _adults(org_a, 2)
    assert set(_suggested(adults)) == {unchecked.pk, checked.pk}


def test_a_request_for_more_seats_than_are_left_is_refused_at_once(a, b, make_trip, org_a):
    trip = make_trip(seats=4, child_seats=0)
    services.booking_confirm(
        booking=services.booking_request(trip=trip, household=_adults(org_a, 3), actor=a),
        actor=b,
    )
    with pytest.raises(ServiceError, match="1 of 4 are free"):
        services.booking_request(trip=trip, household=_adults(org_a, 3), actor=a)
    assert Booking.objects.filter(status=BookingStatus.REQUESTED).count() == 0


def test_booking_one_trip_closes_the_households_other_requests(a, b, make_trip, org_a):
    household = _adults(org_a, 2)
    first, second = make_trip(), make_trip()
    one = services.booking_request(trip=first, household=household, actor=a)
    other = services.booking_request(trip=second, household=household, actor=a)
    services.booking_confirm(booking=one, actor=b)
    other.refresh_from_db()
    assert other.status == BookingStatus.CANCELLED
    assert other.reason


def test_a_booked_or_requested_trip_is_not_suggested_again(a, b, make_trip, org_a):
    household = _adults(org_a, 2)
    trip, spare = make_trip(), make_trip()
    booking = services.booking_request(trip=trip, household=household, actor=a)
    assert trip.pk not in _suggested(household)
    services.booking_confirm(booking=booking, actor=b)
    assert trip.pk not in _suggested(household)
    assert spare.pk in _suggested(household)


def test_the_journey_says_seat_booked_until_departure(a, b, make_trip, org_a):
    household = _adults(org_a, 2)
    booking = services.booking_request(trip=make_trip(), household=household, actor=a)
    services.booking_confirm(booking=booking, actor=b)
    journey = services.journey_for(household)
    assert str(journey.status_label) == "Seat booked"
    journey.legs.update(planned_at=timezone.now() - datetime.timedelta(minutes=5))
    journey = services.journey_for(household)
    assert str(journey.status_label) == "Under way"


def test_the_household_page_shows_seat_booked(client, a, b, caseworker_a, make_trip, org_a):
    household = _adults(org_a, 2)
    booking = services.booking_request(trip=make_trip(), household=household, actor=a)
    services.booking_confirm(booking=booking, actor=b)
    client.force_login(caseworker_a)
    html = client.get(f"/en/staff/households/{household.pk}/").content.decode()
    assert "Seat booked" in html
    assert "Under way" not in html


def test_a_coordinator_chooses_the_driver_among_the_organisations_drivers(
    client, coordinator_b, driver_b, org_a
):
    from prytulak.journeys.forms import TripForm

    other_org_driver = make_member(org_a, Role.DRIVER, "someone_elses_driver")
    form = TripForm(actor=actor_for(coordinator_b))
    choices = [pk for pk, _label in form.fields["driver"].choices if pk]
    assert [int(str(c)) for c in choices] == [driver_b.pk]
    assert other_org_driver.pk not in [int(str(c)) for c in choices]


def test_the_trip_page_shows_its_notes_and_driver(client, coordinator_b, driver_b, make_trip):
    trip = make_trip(notes="Meet at the bus station, platform 3.", driver=driver_b)
    client.force_login(coordinator_b)
    html = client.get(f"/en/staff/trips/{trip.pk}/").content.decode()
    assert "Meet at the bus station, platform 3." in html
    assert "borys_driver" in html


def test_a_trip_is_edited_through_the_service(b, make_trip, driver_b):
    trip = make_trip(seats=4)
    services.trip_update(trip=trip, actor=b, data={"seats": 5, "driver": driver_b})
    trip.refresh_from_db()
    assert (trip.seats, trip.driver_id) == (5, driver_b.pk)


def test_a_trip_cannot_shrink_below_its_booked_seats(a, b, make_trip, org_a):
    trip = make_trip(seats=4, child_seats=0)
    services.booking_confirm(
        booking=services.booking_request(trip=trip, household=_adults(org_a, 3), actor=a),
        actor=b,
    )
    with pytest.raises(ServiceError, match="3 seats are booked"):
        services.trip_update(trip=trip, actor=b, data={"seats": 2})


def test_cancelling_a_trip_cancels_its_bookings_and_tells_the_caseworkers(
    a, b, make_trip, org_a, caseworker_a, django_capture_on_commit_callbacks
):
    caseworker_a.email = "andriy@example.org"
    caseworker_a.save()
    trip = make_trip(seats=4, child_seats=0)
    booking = services.booking_request(trip=trip, household=_adults(org_a, 2), actor=a)
    services.booking_confirm(booking=booking, actor=b)
    with django_capture_on_commit_callbacks(execute=True):
        services.trip_cancel(trip=trip, actor=b, reason="The van broke down.")
    trip.refresh_from_db()
    booking.refresh_from_db()
    assert trip.status == TripStatus.CANCELLED
    assert booking.status == BookingStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [["andriy@example.org"]]
    assert "The van broke down." in mail.outbox[0].body
    # The journey loses the ride's legs, so it does not wait for a ride that will not come.
    assert not services.journey_for(booking.household).legs.filter(booking=booking).exists()


def test_only_the_trips_organisation_edits_or_cancels_it(make_trip, coordinator_a):
    trip = make_trip()
    other = actor_for(coordinator_a)
    with pytest.raises(NotAllowed):
        services.trip_update(trip=trip, actor=other, data={"seats": 5})
    with pytest.raises(NotAllowed):
        services.trip_cancel(trip=trip, actor=other, reason="no")


def test_edit_and_cancel_pages(client, coordinator_b, make_trip):
    from prytulak.journeys.tests.test_trip_pages import form

    trip = make_trip()
    client.force_login(coordinator_b)
    assert client.get(f"/en/staff/trips/{trip.pk}/edit/").status_code == 200
    response = client.post(f"/en/staff/trips/{trip.pk}/edit/", form(seats="7", notes="Hi"))
    assert response.status_code == 302
    trip.refresh_from_db()
    assert (trip.seats, trip.notes) == (7, "Hi")
    response = client.post(f"/en/staff/trips/{trip.pk}/cancel/", {"reason": ""})
    trip.refresh_from_db()
    assert trip.status == TripStatus.PLANNED  # a reason is needed
    client.post(f"/en/staff/trips/{trip.pk}/cancel/", {"reason": "Border closed."})
    trip.refresh_from_db()
    assert trip.status == TripStatus.CANCELLED
