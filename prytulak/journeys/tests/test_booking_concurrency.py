"""Twenty coordinators book twenty one-seat requests on a trip with three seats at the same
moment: exactly three are booked, the rest are told there are not enough seats. Real
processes with their own connections, on SQLite and PostgreSQL."""

import multiprocessing

import pytest
from django.db import connections

from prytulak.conftest import make_household
from prytulak.journeys.models import Booking, BookingStatus
from prytulak.orgs.scopes import actor_for

WORKERS, SEATS = 20, 3


def _book(booking_id: int, user_id: int, start, results) -> None:
    from django.contrib.auth.models import User

    from prytulak.core.errors import ServiceError
    from prytulak.journeys import services

    connections.close_all()
    start.wait()
    try:
        actor = actor_for(User.objects.get(pk=user_id))
        services.booking_confirm(booking=Booking.objects.get(pk=booking_id), actor=actor)
        results.put(("ok", ""))
    except ServiceError as exc:
        results.put(("refused", " ".join(exc.messages)))
    except Exception as exc:  # reported, so the test fails with the reason
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


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
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_book, args=(b.pk, coordinator_b.pk, start, results)) for b in bookings
    ]
    for proc in procs:
        proc.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(1 for o, _ in outcomes if o == "ok") == SEATS
    refusals = [m for o, m in outcomes if o == "refused"]
    assert len(refusals) == WORKERS - SEATS
    assert all("Not enough seats left: 0 of 3 are free" in m for m in refusals)
    assert Booking.objects.filter(trip=trip, status=BookingStatus.BOOKED).count() == SEATS
