"""What a household's own page (and its Telegram /status) shows: read once, used by both."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from prytulak.housing import placements
from prytulak.housing.models import Placement
from prytulak.journeys.models import Booking, BookingStatus, TripStatus


def current_placement(household_id: int | None) -> Placement | None:
    """The household's live placement (the newest), if any."""
    if household_id is None:
        return None
    return (
        Placement.objects.select_related("offer__host", "household")
        .filter(household_id=household_id, status__in=placements.LIVE)
        .order_by("-created_at", "-pk")
        .first()
    )


def rides(household_id: int | None) -> list[dict[str, Any]]:
    """Booked seats: pickup point and time; the driver's first name from the day before."""
    if household_id is None:
        return []
    now = timezone.now()
    rows = []
    bookings = Booking.objects.filter(
        household_id=household_id,
        status=BookingStatus.BOOKED,
        trip__status__in=[TripStatus.PLANNED, TripStatus.DEPARTED],
    ).select_related("trip__driver")
    for booking in bookings:
        trip = booking.trip
        near = now >= trip.depart_earliest - datetime.timedelta(days=1)
        driver = trip.driver.first_name if near and trip.driver else ""
        rows.append({"trip": trip, "seats": booking.seats, "driver": driver})
    return rows
