"""/api/v1/trips/: rides with free seats, and seat requests for a household."""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from prytulak.journeys import selectors, services
from prytulak.journeys.forms import TripForm
from prytulak.journeys.models import Booking, Luggage, Trip
from prytulak.people.selectors import household_get

from .idempotency import idempotent
from .schemas import (
    Bool,
    Id,
    Int,
    IsoDateTime,
    Page,
    QueryBool,
    Str,
    form_data,
    one_of,
    path_id,
    responses,
    validated,
)

router = Router(tags=["trips"])


class TripOut(Schema):
    id: int
    organization_id: int
    status: str
    origin: str
    destination: str
    crossing: str | None
    depart_earliest: datetime.datetime
    depart_latest: datetime.datetime
    arrive_by: datetime.datetime
    seats: int
    free: int | None = Field(None, description="Seats not yet booked.")
    child_seats: int
    wheelchair_spaces: int
    pets_allowed: bool
    luggage: str
    verified: bool

    @staticmethod
    def resolve_crossing(obj) -> str | None:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["crossing"]
        return obj.crossing.code if obj.crossing_id else None

    @staticmethod
    def resolve_verified(obj) -> bool:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["verified"]
        return obj.verified_at is not None


class TripFilter(Schema):
    upcoming: QueryBool = Field(True, description="Only planned trips that have not yet arrived.")


class TripIn(Schema):
    origin: Str = Field(..., min_length=1, max_length=200, examples=["Kyiv"])
    destination: Str = Field(..., min_length=1, max_length=200, examples=["Lviv"])
    crossing: Str = Field("", max_length=40, description="A border crossing's code.")
    depart_earliest: IsoDateTime
    depart_latest: IsoDateTime
    arrive_by: IsoDateTime
    seats: Int = Field(..., ge=1, le=60)
    child_seats: Int = Field(0, ge=0, le=60)
    wheelchair_spaces: Int = Field(0, ge=0, le=60)
    pets_allowed: Bool = False
    luggage: one_of(Luggage.values)  # type: ignore[valid-type]
    vehicle: Str = Field(..., min_length=1, max_length=120)
    notes: Str = Field("", max_length=2000)


class BookingIn(Schema):
    household: Id


class BookingOut(Schema):
    id: int
    trip_id: int
    household_id: int
    status: str
    seats: int
    child_seats: int
    wheelchair_spaces: int
    pets: int


def _trip(request: HttpRequest, trip_id: int = path_id()) -> Trip:
    return selectors.trip_list(actor=request.actor, upcoming=False).get(pk=trip_id)  # type: ignore[attr-defined]


@router.get("", response=responses(list[TripOut]), summary="List trips")
@paginate(Page)
def trip_list(request: HttpRequest, filters: Query[TripFilter]):  # noqa: ANN201
    return selectors.trip_list(actor=request.actor, upcoming=filters.upcoming is not False)  # type: ignore[attr-defined]


@router.get("{trip_id}", response=responses(TripOut), summary="One trip")
def trip_get(request: HttpRequest, trip_id: int = path_id()):  # noqa: ANN201
    return Status(200, _trip(request, trip_id))


def _trip_answer(request: HttpRequest, pk: int) -> dict:
    return TripOut.from_orm(_trip(request, pk)).model_dump(mode="json")


@router.post("", response=responses(TripOut, 201), summary="Offer a trip")
@idempotent(Trip, _trip_answer)
def trip_create(request: HttpRequest, payload: TripIn):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    actor.require("trip.create")
    form = validated(TripForm(form_data(payload.dict())))
    trip = services.trip_create(actor=actor, data=form.trip_data())
    return Status(201, _trip_answer(request, trip.pk))


def _booking_answer(request: HttpRequest, pk: int) -> dict:
    # Seen again only while both its trip and its household are in the caller's scope.
    booking = Booking.objects.get(pk=pk)
    _trip(request, booking.trip_id)
    household_get(actor=request.actor, pk=booking.household_id)  # type: ignore[attr-defined]
    return BookingOut.from_orm(booking).model_dump(mode="json")


@router.post("{trip_id}/bookings", response=responses(BookingOut, 201), summary="Ask for seats")
@idempotent(Booking, _booking_answer)
def booking_request(request: HttpRequest, payload: BookingIn, trip_id: int = path_id()):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    trip = _trip(request, trip_id)
    household = household_get(actor=actor, pk=payload.household)
    booking = services.booking_request(trip=trip, household=household, actor=actor)
    return Status(201, BookingOut.from_orm(booking).model_dump(mode="json"))
