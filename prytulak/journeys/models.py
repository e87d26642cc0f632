import functools

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from prytulak.core.fields import EncryptedCharField, EncryptedTextField
from prytulak.orgs.models import Organization
from prytulak.people.models import Household

MAX_SEATS = 60  # a coach


class CrossingKind(models.TextChoices):
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    PEDESTRIAN = "pedestrian", _("On foot")
    FERRY = "ferry", _("Ferry")


class CrossingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BUSY = "busy", _("Open, long queues")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("No recent report")


class BorderCrossing(models.Model):
    """A crossing point from Ukraine (shipped as data), with what staff report about it."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_uk = models.CharField(_("name in Ukrainian"), max_length=120)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    kind = models.CharField(_("kind"), max_length=12, choices=CrossingKind.choices)
    reception = models.TextField(
        _("reception points"),
        blank=True,
        help_text=_("Where people are met after crossing: tents, buses, help desks."),
    )
    opening = models.CharField(_("opening hours"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CrossingStatus.choices, default=CrossingStatus.UNKNOWN
    )
    status_note = models.CharField(_("status note"), max_length=300, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    status_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("border crossing")
        verbose_name_plural = _("border crossings")

    def __str__(self) -> str:
        return self.local_name()

    def local_name(self) -> str:
        """The crossing's name in the reader's language and script, with its kind (rail,
        ferry, on foot) in words of that language; the English name if the data has none."""
        shipped = crossing_display_names().get(self.code)
        if shipped is None or self.name != shipped["name"]:
            return self.name  # not from the data, or renamed since: shown as stored
        names = shipped["display"]
        name = names.get(get_language() or "en") or names.get("en") or self.name
        kind = CROSSING_KIND_SUFFIX.get(self.kind)
        if kind is None or self.name == name:  # the stored name carries its own "(rail)"
            return name
        return pgettext("border crossing", "%(name)s (%(kind)s)") % {"name": name, "kind": kind}


# How a crossing's kind is added to its name: a road crossing needs no word.
CROSSING_KIND_SUFFIX = {
    "rail": pgettext_lazy("border crossing", "rail"),
    "ferry": pgettext_lazy("border crossing", "ferry"),
    "pedestrian": pgettext_lazy("border crossing", "on foot"),
}


@functools.cache
def crossing_display_names() -> dict[str, dict]:
    """{code: {"name": the stored English name, "display": {language: name}}} from
    places/data/border_crossings.json."""
    from prytulak.places.geocoder import border_crossings

    return {c["code"]: {"name": c["name"], "display": c["display"]} for c in border_crossings()}


class TripStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DEPARTED = "departed", _("On the road")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Luggage(models.TextChoices):
    SMALL = "small", _("Hand luggage only")
    MEDIUM = "medium", _("One suitcase each")
    LARGE = "large", _("Plenty of room")


class Trip(models.Model):
    """A ride offered by a driver or an organisation: from, to, via a crossing, when, room."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="trips")
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("driver"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trips_driven",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    origin = models.CharField(_("from"), max_length=200)
    origin_latitude = models.FloatField()
    origin_longitude = models.FloatField()
    destination = models.CharField(_("to"), max_length=200)
    destination_latitude = models.FloatField()
    destination_longitude = models.FloatField()
    crossing = models.ForeignKey(
        BorderCrossing,
        verbose_name=_("via border crossing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trips",
    )
    depart_earliest = models.DateTimeField(_("leaves at the earliest"))
    depart_latest = models.DateTimeField(_("leaves at the latest"))
    arrive_by = models.DateTimeField(_("arrives by"))
    seats = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    child_seats = models.PositiveSmallIntegerField(_("child seats"), default=0)
    wheelchair_spaces = models.PositiveSmallIntegerField(_("wheelchair spaces"), default=0)
    pets_allowed = models.BooleanField(_("pets welcome"), default=False)
    luggage = models.CharField(
        _("luggage"), max_length=8, choices=Luggage.choices, default=Luggage.MEDIUM
    )
    # The plate identifies the driver; vehicle and notes are encrypted at rest.
    vehicle = EncryptedCharField(
        _("vehicle"), max_length=120, help_text=_("Make, colour, plate."), null=True
    )
    verified_at = models.DateTimeField(_("driver and vehicle checked"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.PLANNED
    )
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["depart_earliest", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=MAX_SEATS),
                name="trip_seats_in_range",
                violation_error_message=_("A trip needs at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(child_seats__lte=F("seats")) & Q(wheelchair_spaces__lte=F("seats")),
                name="trip_special_seats_within_seats",
                violation_error_message=_(
                    "Child seats and wheelchair spaces are part of the seats, not more."
                ),
            ),
            models.CheckConstraint(
                condition=Q(depart_latest__gte=F("depart_earliest"))
                & Q(arrive_by__gt=F("depart_earliest")),
                name="trip_times_ordered",
                violation_error_message=_(
                    "The trip cannot arrive before it leaves, nor leave at the latest before "
                    "it leaves at the earliest."
                ),
            ),
        ]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")

    def __str__(self) -> str:
        return f"#{self.pk} {self.origin} → {self.destination}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    BOOKED = "booked", _("Booked")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    """Seats for a household on a trip: requested by its caseworker, booked by the trip's
    coordinator (who checks the room under a lock)."""

    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="bookings")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="bookings")
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    child_seats = models.PositiveSmallIntegerField(_("child seats"), default=0)
    wheelchair_spaces = models.PositiveSmallIntegerField(_("wheelchair spaces"), default=0)
    pets = models.PositiveSmallIntegerField(_("pets"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="booking_seats_positive",
                violation_error_message=_("Book at least one seat."),
            ),
            models.UniqueConstraint(
                fields=["trip", "household"],
                condition=Q(status__in=["requested", "booked"]),
                name="booking_one_live_per_trip_and_household",
                violation_error_message=_("This household already has seats on this trip."),
            ),
        ]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"{self.household_id} on {self.trip_id} ({self.seats})"


class JourneyStatus(models.TextChoices):
    OPEN = "open", _("Under way")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


class Journey(models.Model):
    """A household's way to the place where it will sleep: its legs in order."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="journeys")
    placement = models.ForeignKey(
        "housing.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journeys",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JourneyStatus.choices, default=JourneyStatus.OPEN
    )
    expected_arrival = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    arrival_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return f"{self.household_id} ({self.get_status_display()})"

    @property
    def status_label(self) -> str:
        """What to show: an open journey whose first leg has not started yet is only
        booked ("Seat booked"), not under way."""
        if self.status != JourneyStatus.OPEN:
            return str(self.get_status_display())
        now = timezone.now()
        started = any(
            leg.done_at is not None or (leg.planned_at is not None and leg.planned_at <= now)
            for leg in self.legs.all()
        )
        return str(self.get_status_display() if started else _("Seat booked"))


class LegKind(models.TextChoices):
    RIDE = "ride", _("Ride")
    CROSSING = "crossing", _("Border crossing")
    OTHER = "other", _("Other (train, bus, on foot)")


class JourneyLeg(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="legs")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=LegKind.choices)
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="legs"
    )
    crossing = models.ForeignKey(
        BorderCrossing, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_place = models.CharField(_("from"), max_length=200)
    to_place = models.CharField(_("to"), max_length=200)
    planned_at = models.DateTimeField(_("planned"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["journey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "order"], name="leg_order_unique")
        ]
        verbose_name = _("journey leg")
        verbose_name_plural = _("journey legs")

    def __str__(self) -> str:
        return f"{self.order}. {self.from_place} → {self.to_place}"


class JourneyAlert(models.Model):
    """A late or missing arrival, for the household's caseworkers to follow up."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("journey alert")
        verbose_name_plural = _("journey alerts")

    def __str__(self) -> str:
        return f"{self.journey_id} late ({self.created_at:%Y-%m-%d %H:%M})"
