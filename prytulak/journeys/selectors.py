import datetime

import numpy as np
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from prytulak.matching.engine.candidates import chord_to_km, unit_vectors
from prytulak.orgs import capabilities
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import Actor
from prytulak.people.models import CHILD_BANDS, Household

from .models import Booking, BookingStatus, Journey, JourneyAlert, Trip, TripStatus
from .services import _needs, booking_fit


def trip_list(*, actor: Actor, upcoming: bool = True) -> QuerySet[Trip]:
    """Trips of every organisation are a shared pool (like offers); a driver sees their own."""
    booked = Coalesce(Sum("bookings__seats", filter=Q(bookings__status=BookingStatus.BOOKED)), 0)
    qs = Trip.objects.select_related("organization", "crossing").annotate(
        free=F("seats") - booked,
        requests=Count("bookings", filter=Q(bookings__status=BookingStatus.REQUESTED)),
    )
    if not actor.can("trip.list"):
        return Trip.objects.none()
    if actor.role == Role.DRIVER:  # the query twin of capabilities.trip_visible
        qs = qs.filter(driver=actor.user)
    if upcoming:
        qs = qs.filter(status=TripStatus.PLANNED, arrive_by__gte=timezone.now())
    return qs.order_by("depart_earliest", "pk")


def driver_sees_passengers(
    *, actor: Actor, trip: Trip, now: datetime.datetime | None = None
) -> bool:
    """The driver of a trip sees who travels only around the time of the trip."""
    return actor.role == Role.DRIVER and capabilities.trip_passengers(actor, trip, now)


def _km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many, with the matching engine's geometry."""
    here = unit_vectors(np.array([lat]), np.array([lon]))
    return chord_to_km(np.linalg.norm(unit_vectors(lats, lons) - here, axis=1))


def trip_suggestions(*, household: Household, limit: int = 5) -> list[tuple[Trip, float]]:
    """Planned trips that fit the household (seats, child seats, wheelchair, pets), leaving
    within a day before and a week after its arrival date, best first: the nearer the pickup
    to where the household is and the drop-off to where it is going (its placement's town,
    else its arrival point), the better. Returns (trip, detour in km)."""
    need = _needs(household)
    arrival = household.arrival_date
    start = timezone.make_aware(
        datetime.datetime.combine(arrival - datetime.timedelta(days=1), datetime.time())
    )
    end = start + datetime.timedelta(days=8)
    candidates = Trip.objects.filter(
        status=TripStatus.PLANNED,
        depart_latest__gte=max(start, timezone.now()),
        depart_earliest__lte=end,
    ).select_related("crossing")
    # Trips it already has seats on (asked or booked) are not suggested again.
    live = Booking.objects.filter(
        household=household, status__in=[BookingStatus.REQUESTED, BookingStatus.BOOKED]
    )
    candidates = candidates.exclude(pk__in=live.values("trip_id"))
    if any(m.age_band in CHILD_BANDS for m in household.members.all()):
        # The same safeguarding rule as booking_request: children only with a checked driver.
        candidates = candidates.filter(verified_at__isnull=False)
    booked = Coalesce(Sum("bookings__seats", filter=Q(bookings__status=BookingStatus.BOOKED)), 0)
    candidates = candidates.annotate(free=F("seats") - booked).filter(free__gte=need["seats"])
    trips = [t for t in candidates if not booking_fit(trip=t, need=need)]
    lat, lon = household.arrival_latitude, household.arrival_longitude
    if not trips or lat is None or lon is None:
        return []
    placement = (
        household.placements.filter(status__in=["confirmed", "travelling"])
        .select_related("offer")
        .first()
    )
    goal = (placement.offer.latitude, placement.offer.longitude) if placement else (lat, lon)
    pickup = _km(
        lat,
        lon,
        np.array([t.origin_latitude for t in trips]),
        np.array([t.origin_longitude for t in trips]),
    )
    dropoff = _km(
        goal[0],
        goal[1],
        np.array([t.destination_latitude for t in trips]),
        np.array([t.destination_longitude for t in trips]),
    )
    detour = pickup + dropoff if placement else pickup
    order = np.argsort(detour, kind="stable")[:limit]
    return [(trips[i], round(float(detour[i]), 1)) for i in order]


def alerts_for(*, actor: Actor) -> QuerySet[JourneyAlert]:
    """Open late-arrival alerts for the actor's organisation's households."""
    if not actor.can("household.contact"):
        return JourneyAlert.objects.none()
    return JourneyAlert.objects.filter(
        resolved_at__isnull=True, journey__household__organization=actor.organization
    ).select_related("journey__household")


def bookings_on(trip: Trip) -> QuerySet[Booking]:
    return trip.bookings.select_related("household").prefetch_related("household__members")


def journeys_of(household: Household) -> QuerySet[Journey]:
    return Journey.objects.filter(household=household).prefetch_related("legs", "alerts")
