"""Trips, seats and journeys. Every write is here; views, the admin and the seed call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prytulak.core.errors import ServiceError
from prytulak.housing.models import Placement, PlacementStatus
from prytulak.orgs.models import Membership, Role
from prytulak.orgs.scopes import Actor
from prytulak.people.models import CHILD_BANDS, Household

from .models import (
    Booking,
    BookingStatus,
    BorderCrossing,
    Journey,
    JourneyAlert,
    JourneyLeg,
    JourneyStatus,
    LegKind,
    Trip,
    TripStatus,
)

# Who may offer trips for an organisation, and who books seats on them.


def crossings_sync() -> int:
    """Create or update the crossings from the shipped data (places/data/border_crossings.json);
    what staff reported (status, reception, opening hours) is kept."""
    from prytulak.places.geocoder import border_crossings

    rows = border_crossings()
    for c in rows:
        BorderCrossing.objects.update_or_create(
            code=c["code"],
            defaults={
                "name": c["name"],
                "name_uk": c["name_uk"],
                "country": c["country"],
                "latitude": c["lat"],
                "longitude": c["lon"],
                "kind": c["kind"],
            },
        )
    return len(rows)


def crossing_set_status(
    *, crossing: BorderCrossing, actor: Actor, status: str, note: str = ""
) -> BorderCrossing:
    actor.require("crossing.set_status")
    crossing.status = status
    crossing.status_note = note[:300]
    crossing.status_updated_at = timezone.now()
    crossing.status_updated_by = actor.user
    crossing.full_clean()
    crossing.save(update_fields=["status", "status_note", "status_updated_at", "status_updated_by"])
    return crossing


def _check_trip(data: dict[str, Any]) -> None:
    errors = []
    seats = data.get("seats") or 0
    if seats < 1:
        errors.append(_("A trip needs at least one seat."))
    if (data.get("child_seats") or 0) > seats or (data.get("wheelchair_spaces") or 0) > seats:
        errors.append(_("Child seats and wheelchair spaces are part of the seats, not more."))
    earliest, latest, arrive = (
        data.get("depart_earliest"),
        data.get("depart_latest"),
        data.get("arrive_by"),
    )
    if earliest and latest and latest < earliest:
        errors.append(_("The latest departure is before the earliest one."))
    if earliest and arrive and arrive <= earliest:
        errors.append(_("The trip cannot arrive before it leaves."))
    if errors:
        raise ServiceError(errors, code="invalid_trip")


def _check_driver(actor: Actor, driver: Any) -> None:
    if (
        driver is not None
        and not Membership.objects.filter(
            user=driver, organization=actor.organization, role=Role.DRIVER
        ).exists()
    ):
        raise ServiceError(_("Choose one of your organisation's drivers."), code="driver")


def trip_create(*, actor: Actor, data: dict[str, Any]) -> Trip:
    """A coordinator offers a trip for the organisation (naming one of its drivers, or
    none yet), or a driver offers their own."""
    actor.require("trip.create")
    _check_trip(data)
    trip = Trip(organization=actor.organization, created_by=actor.user, **data)
    if actor.role == Role.DRIVER:
        trip.driver = actor.user
    else:
        _check_driver(actor, trip.driver)
    trip.full_clean()
    trip.save()
    return trip


def trip_update(*, trip: Trip, actor: Actor, data: dict[str, Any]) -> Trip:
    """Change a planned trip. It cannot shrink below the seats already booked on it."""
    actor.require("trip.edit", trip)
    if actor.role == Role.DRIVER:
        data = {k: v for k, v in data.items() if k != "driver"}
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        if trip.status != TripStatus.PLANNED:
            raise ServiceError(_("The trip is no longer planned."), code="status")
        before = {name: getattr(trip, name) for name in PICKUP_FIELDS}
        for name, value in data.items():
            setattr(trip, name, value)
        _check_trip({f.name: getattr(trip, f.name) for f in Trip._meta.concrete_fields})
        if "driver" in data:
            _check_driver(actor, trip.driver)
        taken = seats_taken(trip)
        errors = []
        if taken["seats"] > trip.seats:
            errors.append(
                ngettext(
                    "%(n)d seat is booked on this trip; it cannot have fewer.",
                    "%(n)d seats are booked on this trip; it cannot have fewer.",
                    taken["seats"],
                )
                % {"n": taken["seats"]}
            )
        if taken["child_seats"] > trip.child_seats or taken["wheelchair"] > trip.wheelchair_spaces:
            errors.append(_("Child seats or wheelchair spaces are already booked."))
        if errors:
            raise ServiceError(errors, code="booked")
        trip.full_clean()
        trip.save(update_fields=list(data))
        if any(name in PICKUP_FIELDS and before[name] != getattr(trip, name) for name in data):
            _tell_pickup_changed(trip)
    return trip


def trip_cancel(*, trip: Trip, actor: Actor, reason: str) -> Trip:
    """Call off a planned trip: its bookings are cancelled, the rides leave the households'
    journeys, and the caseworkers who asked for the seats are told by e-mail."""
    actor.require("trip.cancel", trip)
    if not reason.strip():
        raise ServiceError(_("Give a reason."), code="reason")
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        if trip.status != TripStatus.PLANNED:
            raise ServiceError(_("The trip is no longer planned."), code="status")
        trip.status = TripStatus.CANCELLED
        trip.save(update_fields=["status"])
        live = list(
            trip.bookings.filter(status__in=[BookingStatus.REQUESTED, BookingStatus.BOOKED])
        )
        booked = [b.pk for b in live if b.status == BookingStatus.BOOKED]
        Booking.objects.filter(pk__in=[b.pk for b in live]).update(
            status=BookingStatus.CANCELLED, decided_by=actor.user, reason=reason[:300]
        )
        JourneyLeg.objects.filter(booking_id__in=booked, done_at__isnull=True).delete()
        transaction.on_commit(lambda: _tell_caseworkers(trip.pk, booked, reason))
    return trip


def _tell_caseworkers(trip_id: int, booking_ids: list[int], reason: str) -> None:
    trip = Trip.objects.get(pk=trip_id)
    for booking in Booking.objects.filter(pk__in=booking_ids).select_related("requested_by"):
        user = booking.requested_by
        if user is None or not user.email:
            continue
        subject = _("Trip #%(trip)d is cancelled") % {"trip": trip.pk}
        body = _(
            "Trip #%(trip)d (%(route)s, %(when)s) is cancelled, and with it the seats booked "
            "for household #%(household)d. Reason: %(reason)s\n\nPlease find them another ride."
        ) % {
            "trip": trip.pk,
            "route": f"{trip.origin} → {trip.destination}",
            "when": timezone.localtime(trip.depart_earliest).strftime("%Y-%m-%d %H:%M"),
            "household": booking.household_id,
            "reason": reason,
        }
        send_mail(subject, body, None, [user.email])


def trip_verify(*, trip: Trip, actor: Actor) -> Trip:
    """A coordinator of the trip's organisation has checked the driver and the vehicle."""
    actor.require("trip.verify", trip)
    trip.verified_at, trip.verified_by = timezone.now(), actor.user
    trip.save(update_fields=["verified_at", "verified_by"])
    return trip


def trip_reschedule(*, trip: Trip, actor: Actor, data: dict[str, Any]) -> Trip:
    """The trip's organisation changes where or when it leaves (origin, departure window,
    arrival); every household booked on it is told the new pickup, once per change."""
    actor.require("trip.verify", trip)
    allowed = {"origin", "origin_latitude", "origin_longitude", "depart_earliest"}
    allowed |= {"depart_latest", "arrive_by"}
    if not set(data) <= allowed:
        raise ServiceError(_("Only the pickup and the times can change."), code="fields")
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        changed = [name for name, value in data.items() if getattr(trip, name) != value]
        for name in changed:
            setattr(trip, name, data[name])
        _check_trip({f.name: getattr(trip, f.name) for f in Trip._meta.concrete_fields})
        trip.full_clean()
        trip.save(update_fields=changed or ["depart_earliest"])
        if changed:
            _tell_pickup_changed(trip)
    return trip


# Where and when the households booked on a trip are picked up: a change is told to each.
PICKUP_FIELDS = ("origin", "origin_latitude", "origin_longitude", "depart_earliest")


def _tell_pickup_changed(trip: Trip) -> None:
    """Each household booked on the trip is told the new pickup once, after the commit (the
    same change told twice, by the edit page and by the API, is sent once)."""
    from prytulak.notify.tasks import household_notice_on_commit

    version = f"{trip.origin}|{trip.depart_earliest.isoformat()}"
    for booking in trip.bookings.filter(status=BookingStatus.BOOKED):
        household_notice_on_commit(booking.household_id, "pickup_changed", booking.pk, version)


def _needs(household: Household) -> dict[str, int]:
    members = list(household.members.all())
    return {
        "seats": len(members),
        "child_seats": sum(1 for m in members if m.age_band in {"0-4", "5-13"}),
        "wheelchair_spaces": 1 if household.needs_step_free else 0,
        "pets": household.pets,
    }


def booking_fit(*, trip: Trip, need: dict[str, int]) -> list[str]:
    """Why these needs do not fit this trip at all (room left is checked when booking)."""
    reasons = []
    if trip.status != TripStatus.PLANNED:
        reasons.append(_("The trip is no longer planned."))
    if need["seats"] < 1:
        reasons.append(_("Book at least one seat."))
    if need["seats"] > trip.seats:
        reasons.append(
            _("The trip has %(seats)s; %(asked)s asked for.")
            % {"seats": _seats(trip.seats), "asked": _seats(need["seats"])}
        )
    if need["child_seats"] > trip.child_seats:
        reasons.append(
            _("The trip has %(has)s; %(asked)s needed.")
            % {"has": _child_seats(trip.child_seats), "asked": _child_seats(need["child_seats"])}
        )
    if need["wheelchair_spaces"] > trip.wheelchair_spaces:
        reasons.append(_("The trip has no room for a wheelchair."))
    if need["pets"] and not trip.pets_allowed:
        reasons.append(_("The household travels with pets and the trip does not take pets."))
    return reasons


def booking_request(
    *, trip: Trip, household: Household, actor: Actor, need: dict[str, int] | None = None
) -> Booking:
    """The household's caseworker asks for seats (by default: everyone, the children's
    seats, a wheelchair space if needed, the pets)."""
    actor.require("household.request_seats", household)
    need = need or _needs(household)
    reasons = booking_fit(trip=trip, need=need)
    members = list(household.members.all())
    if any(m.age_band in CHILD_BANDS for m in members) and trip.verified_at is None:
        # Safeguarding: children travel only with a driver an organisation has checked.
        reasons.append(_("Children travel only on trips whose driver has been checked."))
    if reasons:
        raise ServiceError(reasons, code="does_not_fit")
    if Booking.objects.filter(
        trip=trip, household=household, status__in=[BookingStatus.REQUESTED, BookingStatus.BOOKED]
    ).exists():
        raise ServiceError(_("This household already has seats on this trip."), code="twice")
    # Room already booked by others: refuse now, not when the coordinator tries to book.
    short = room_short(trip=trip, need=need)
    if short:
        raise ServiceError(short, code="capacity")
    booking = Booking(trip=trip, household=household, requested_by=actor.user, **need)
    booking.full_clean()
    booking.save()
    return booking


def seats_taken(trip: Trip, exclude_pk: int | None = None) -> dict[str, int]:
    qs = Booking.objects.filter(trip=trip, status=BookingStatus.BOOKED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    sums = qs.aggregate(
        seats=Sum("seats"), child_seats=Sum("child_seats"), wheelchair=Sum("wheelchair_spaces")
    )
    return {k: v or 0 for k, v in sums.items()}


def room_short(*, trip: Trip, need: dict[str, int], exclude_pk: int | None = None) -> list[str]:
    """Why the seats already booked on `trip` leave no room for `need` (empty if they do)."""
    taken = seats_taken(trip, exclude_pk=exclude_pk)
    short = []
    if taken["seats"] + need["seats"] > trip.seats:
        short.append(
            # One English form; other languages word "of N" by N.
            ngettext(
                "Not enough seats left: %(free)s of %(n)s are free.",
                "Not enough seats left: %(free)s of %(n)s are free.",
                trip.seats,
            )
            % {"free": max(trip.seats - taken["seats"], 0), "n": trip.seats}
        )
    if taken["child_seats"] + need.get("child_seats", 0) > trip.child_seats:
        short.append(
            # One English form; other languages word "of N" by N.
            ngettext(
                "Not enough child seats left: %(free)s of %(n)s are free.",
                "Not enough child seats left: %(free)s of %(n)s are free.",
                trip.child_seats,
            )
            % {"free": max(trip.child_seats - taken["child_seats"], 0), "n": trip.child_seats}
        )
    if taken["wheelchair"] + need.get("wheelchair_spaces", 0) > trip.wheelchair_spaces:
        short.append(_("The wheelchair space is already taken."))
    return short


def booking_confirm(*, booking: Booking, actor: Actor) -> Booking:
    """The trip's coordinator books the seats. The trip row is locked so two bookings can
    never together take more seats, child seats or wheelchair spaces than it has; the ride
    (and its border crossing) become legs of the household's journey."""
    actor.require("trip.decide_booking")
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=booking.trip_id)
        actor.require("trip.decide_booking", trip)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.REQUESTED:
            raise ServiceError(_("This booking is not waiting for a decision."), code="status")
        if trip.status != TripStatus.PLANNED:
            raise ServiceError(_("The trip is no longer planned."), code="status")
        need = {
            "seats": booking.seats,
            "child_seats": booking.child_seats,
            "wheelchair_spaces": booking.wheelchair_spaces,
        }
        short = room_short(trip=trip, need=need, exclude_pk=booking.pk)
        if short:
            raise ServiceError(short, code="capacity")
        booking.status, booking.decided_by = BookingStatus.BOOKED, actor.user
        booking.save(update_fields=["status", "decided_by"])
        _add_ride(booking, trip)
        # The household's other pending requests were alternatives: close them, so no other
        # trip's coordinator books seats nobody will take.
        Booking.objects.filter(
            household_id=booking.household_id, status=BookingStatus.REQUESTED
        ).exclude(pk=booking.pk).update(
            status=BookingStatus.CANCELLED,
            reason=_("Another trip was booked for this household (#%(trip)d).") % {"trip": trip.pk},
        )
        from prytulak.notify.tasks import household_notice_on_commit

        household_notice_on_commit(booking.household_id, "seat_booked", booking.pk)
    return booking


def booking_decline(*, booking: Booking, actor: Actor, reason: str) -> Booking:
    actor.require("trip.decide_booking", booking.trip)
    if not reason.strip():
        raise ServiceError(_("Give a reason."), code="reason")
    n = Booking.objects.filter(pk=booking.pk, status=BookingStatus.REQUESTED).update(
        status=BookingStatus.DECLINED, decided_by=actor.user, reason=reason[:300]
    )
    if n != 1:
        raise ServiceError(_("This booking is not waiting for a decision."), code="status")
    booking.refresh_from_db()
    return booking


def journey_for(household: Household) -> Journey:
    """The household's open journey, started (and tied to its placement) if there is none."""
    journey = Journey.objects.filter(household=household, status=JourneyStatus.OPEN).first()
    if journey is None:
        placement = (
            Placement.objects.filter(
                household=household,
                status__in=[PlacementStatus.CONFIRMED, PlacementStatus.TRAVELLING],
            )
            .order_by("-pk")
            .first()
        )
        journey = Journey.objects.create(household=household, placement=placement)
    return journey


def _add_ride(booking: Booking, trip: Trip) -> None:
    journey = journey_for(booking.household)
    order = (journey.legs.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    legs = []
    if trip.crossing is not None:
        legs.append(
            JourneyLeg(
                journey=journey,
                order=order,
                kind=LegKind.CROSSING,
                crossing=trip.crossing,
                booking=booking,
                from_place=trip.origin,
                to_place=trip.crossing.name,
                planned_at=trip.depart_latest,
            )
        )
        order += 1
    legs.append(
        JourneyLeg(
            journey=journey,
            order=order,
            kind=LegKind.RIDE,
            booking=booking,
            from_place=trip.origin,
            to_place=trip.destination,
            planned_at=trip.depart_latest,
        )
    )
    JourneyLeg.objects.bulk_create(legs)
    if journey.expected_arrival is None or trip.arrive_by > journey.expected_arrival:
        journey.expected_arrival = trip.arrive_by
        journey.save(update_fields=["expected_arrival"])


def leg_done(*, leg: JourneyLeg, actor: Actor) -> JourneyLeg:
    actor.require("journey.act", leg.journey)
    n = JourneyLeg.objects.filter(pk=leg.pk, done_at__isnull=True).update(done_at=timezone.now())
    if n != 1:
        raise ServiceError(_("This leg is already marked as done."), code="done")
    leg.refresh_from_db()
    return leg


def journey_arrive(*, journey: Journey, actor: Actor) -> Journey:
    """Arrival confirmed by the host's or the household's organisation: the journey closes,
    open alerts are resolved, and the placement (if any) moves to "arrived"."""
    from prytulak.housing.placements import placement_arrive

    actor.require("journey.act", journey)
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey.pk)
        if journey.status != JourneyStatus.OPEN:
            raise ServiceError(_("This journey is already closed."), code="status")
        now = timezone.now()
        journey.status, journey.arrived_at, journey.arrival_confirmed_by = (
            JourneyStatus.ARRIVED,
            now,
            actor.user,
        )
        journey.save(update_fields=["status", "arrived_at", "arrival_confirmed_by"])
        journey.legs.filter(done_at__isnull=True).update(done_at=now)
        journey.alerts.filter(resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=actor.user
        )
        placement = journey.placement
        if placement is not None and placement.status in (
            PlacementStatus.CONFIRMED,
            PlacementStatus.TRAVELLING,
        ):
            placement_arrive(placement=placement, actor=actor, note=_("Journey arrived."))
    return journey


def journeys_check_late(*, now: datetime.datetime | None = None) -> int:
    """Raise an alert for each open journey whose expected arrival is more than
    JOURNEY_LATE_HOURS past, once. Returns how many alerts were raised."""
    now = now or timezone.now()
    late = now - datetime.timedelta(hours=settings.JOURNEY_LATE_HOURS)
    journeys = Journey.objects.filter(status=JourneyStatus.OPEN, expected_arrival__lt=late)
    raised = 0
    for journey in journeys.exclude(pk__in=JourneyAlert.objects.values("journey_id")):
        JourneyAlert.objects.create(journey=journey)
        raised += 1
    return raised


def _seats(n: int) -> str:
    return ngettext("%(n)s seat", "%(n)s seats", n) % {"n": n}


def _child_seats(n: int) -> str:
    return ngettext("%(n)s child seat", "%(n)s child seats", n) % {"n": n}
