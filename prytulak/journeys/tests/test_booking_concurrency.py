"""Twenty coordinators book twenty one-seat requests on a trip with three seats at the same
moment: exactly three are booked, the rest are told there are not enough seats. Real
processes with their own connections, on SQLite and PostgreSQL."""

import pytest

from prytulak.conftest import make_household
from prytulak.core.testing import race
from prytulak.journeys.models import Booking, BookingStatus
from prytulak.orgs.scopes import actor_for

WORKERS, SEATS = 20, 3


def _book(booking_id: int, user_id: int) -> None:
    from django.contrib.auth.models import User

    from prytulak.journeys import services

    services.booking_confirm(
        booking=Booking.objects.get(pk=booking_id), actor=actor_for(User.objects.get(pk=user_id))
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_three_of_twenty_simultaneous_bookings_get_the_three_seats(
    make_trip, caseworker_a, coordinator_b, org_a
):
    trip = make_trip(seats=SEATS, child_seats=0)
    bookings = [
        Booking.objects.create(
            trip=trip,
            household=make_household(org_a, name=f"Family {i}", people=1),
            seats=1,
            requested_by=caseworker_a,
        )
        for i in range(WORKERS)
    ]
    outcomes = race(_book, [(b.pk, coordinator_b.pk) for b in bookings])
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(1 for o, _ in outcomes if o == "ok") == SEATS
    refusals = [m for o, m in outcomes if o == "refused"]
    assert len(refusals) == WORKERS - SEATS
    assert all("Not enough seats left: 0 of 3 are free" in m for m in refusals)
    assert Booking.objects.filter(trip=trip, status=BookingStatus.BOOKED).count() == SEATS
