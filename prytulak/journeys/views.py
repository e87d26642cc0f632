from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.audit.log import log_access
from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.core.views import form_action
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household
from prytulak.people.selectors import household_get

from . import selectors, services
from .forms import CrossingStatusForm, DecideForm, SeatRequestForm, TripCancelForm, TripForm
from .models import Booking, BookingStatus, BorderCrossing, Journey, JourneyLeg, Trip


def _trip(actor: Actor, pk: int) -> Trip:
    trip = selectors.trip_list(actor=actor, upcoming=False).filter(pk=pk).first()
    if trip is None:
        raise Http404
    return trip


@staff_view("trip.list")
def trip_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    trips = selectors.trip_list(actor=actor)[:200]
    return render(request, "journeys/trip_list.html", {"trips": trips})


@staff_view("trip.create")
def trip_create(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = TripForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            trip = services.trip_create(actor=actor, data=form.trip_data())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Trip saved."))
            return redirect("trip-detail", pk=trip.pk)
    return render(request, "journeys/trip_form.html", {"form": form})


@staff_view("trip.edit")
def trip_edit(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    trip = _trip(actor, pk)
    actor.require("trip.edit", trip)
    form = TripForm(request.POST or None, instance=trip, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.trip_update(trip=trip, actor=actor, data=form.trip_data())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("trip-detail", pk=trip.pk)
    return render(request, "journeys/trip_form.html", {"form": form, "trip": trip})


@require_POST
@staff_view("trip.cancel")
def trip_cancel(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    trip = _trip(actor, pk)
    actor.require("trip.cancel", trip)
    return form_action(
        request,
        TripCancelForm(request.POST),
        lambda data: services.trip_cancel(trip=trip, actor=actor, reason=data["reason"]),
        invalid=_("Say why the trip is cancelled."),
        done=_("Trip cancelled. The caseworkers of its passengers have been told."),
        back=reverse("trip-detail", args=[trip.pk]),
    )


@staff_view("trip.view")
def trip_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    trip = _trip(actor, pk)
    own = trip.organization_id == actor.organization.pk
    bookings = list(selectors.bookings_on(trip))
    booked = [b for b in bookings if b.status == BookingStatus.BOOKED]
    sees_names = actor.can("trip.passengers", trip)
    if sees_names and booked:
        log_access(
            actor=actor,
            obj=trip,
            action="trip.passengers_viewed",
            fields=["lead_name", "members.name"],
            reason=_("Trip page #%(pk)d") % {"pk": trip.pk},
        )
    context = {
        "trip": trip,
        "own": own,
        "may": actor.may_on(trip),
        "sees_names": sees_names,
        "bookings": bookings if own else booked,
        "passengers": sum(b.seats for b in booked),
        "free": trip.seats - sum(b.seats for b in booked),
        "decide_form": DecideForm(),
        "cancel_form": TripCancelForm(),
        "sees_notes": own or trip.driver_id == actor.user.pk,
    }
    return render(request, "journeys/trip_detail.html", context)


@require_POST
@staff_view("trip.verify")
def trip_verify(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    trip = _trip(actor, pk)
    actor.require("trip.verify", trip)
    services.trip_verify(trip=trip, actor=actor)
    messages.success(request, _("Driver and vehicle recorded as checked."))
    return redirect("trip-detail", pk=pk)


@require_POST
@staff_view("trip.decide_booking")
def booking_decide(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    booking = Booking.objects.select_related("trip").filter(pk=pk).first()
    if booking is None or not actor.can("trip.decide_booking", booking.trip):
        raise Http404

    def decide(data: dict) -> object:
        if data["decision"] == BookingStatus.BOOKED:
            return services.booking_confirm(booking=booking, actor=actor)
        return services.booking_decline(booking=booking, actor=actor, reason=data["reason"])

    return form_action(
        request,
        DecideForm(request.POST),
        decide,
        invalid=_("Choose to book or decline."),
        done=_("Saved."),
        back=reverse("trip-detail", args=[booking.trip_id]),
    )


@require_POST
@staff_view("household.request_seats")
def seat_request(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    try:
        household = household_get(actor=actor, pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    actor.require("household.request_seats", household)
    form = SeatRequestForm(request.POST)
    trip = Trip.objects.filter(pk=form.cleaned_data["trip"]).first() if form.is_valid() else None
    if trip is None:
        messages.error(request, _("Choose a trip from the list."))
        return redirect(household)
    try:
        services.booking_request(trip=trip, household=household, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Seats requested. The trip's organisation will confirm."))
    return redirect(household)


@require_POST
@staff_view("journey.act")
def leg_done(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    leg = JourneyLeg.objects.select_related("journey__household", "journey__placement__offer")
    leg_obj = leg.filter(pk=pk).first()
    if leg_obj is None or not actor.can("journey.act", leg_obj.journey):
        raise Http404
    try:
        services.leg_done(leg=leg_obj, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_journey(actor, leg_obj.journey)


@require_POST
@staff_view("journey.act")
def journey_arrive(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    journey = Journey.objects.select_related("household", "placement__offer").filter(pk=pk).first()
    if journey is None or not actor.can("journey.act", journey):
        raise Http404
    try:
        services.journey_arrive(journey=journey, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Arrival confirmed."))
    return _back_to_journey(actor, journey)


def _back_to_journey(actor: Actor, journey: Journey) -> HttpResponse:
    """The household's page for its own organisation; the host's side goes back to the
    placement (it may not see the household's page, nor learn its number)."""
    if actor.can("household.view", journey.household):
        return redirect("household-detail", pk=journey.household_id)
    if journey.placement_id is not None:
        return redirect("placement-detail", pk=journey.placement_id)
    return redirect("trip-list")


@staff_view("crossing.list")
def crossing_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    crossings = BorderCrossing.objects.select_related("status_updated_by")
    # One form per crossing, with its own ids, so each label names its own field.
    rows = [
        (c, CrossingStatusForm(auto_id=f"id_c{c.pk}_%s", initial={"status": c.status}))
        for c in crossings
    ]
    return render(request, "journeys/crossing_list.html", {"rows": rows})


@require_POST
@staff_view("crossing.set_status")
def crossing_status(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    crossing = BorderCrossing.objects.filter(pk=pk).first()
    if crossing is None:
        raise Http404
    return form_action(
        request,
        CrossingStatusForm(request.POST),
        lambda data: services.crossing_set_status(crossing=crossing, actor=actor, **data),
        invalid=_("Choose a status from the list."),
        done=_("Saved."),
        back=reverse("crossing-list"),
    )
