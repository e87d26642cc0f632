from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from prytulak.core.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
from prytulak.core.validators import validate_languages
from prytulak.orgs.models import Organization
from prytulak.orgs.scopes import Channel, Party
from prytulak.people.models import Household

MAX_BEDS = 500  # the largest collective centres
MAX_PRIVATE_BEDS = 20  # a private home; more is a collective centre, offered by an organisation


class HostKind(models.TextChoices):
    PERSON = "person", _("Private person or family")
    ORGANIZATION = "organization", _("Organisation (collective centre, church, hotel…)")


def private_beds_error(*, kind: str, beds: int) -> str | None:
    """Why a host of this kind cannot offer this many beds, or None: a private person offers
    at most MAX_PRIVATE_BEDS; larger places are collective centres, offered by organisations."""
    if kind == HostKind.PERSON and beds > MAX_PRIVATE_BEDS:
        return str(
            ngettext(
                "A private home can offer at most %(max)d bed. For more, choose "
                "“Organisation” (a collective centre).",
                "A private home can offer at most %(max)d beds. For more, choose "
                "“Organisation” (a collective centre).",
                MAX_PRIVATE_BEDS,
            )
            % {"max": MAX_PRIVATE_BEDS}
        )
    return None


class Verification(models.IntegerChoices):
    """What an organisation has checked about a host; the matching safeguards read it."""

    NONE = 0, _("E-mail confirmed only")
    IDENTITY = 1, _("Identity checked by an organisation")
    VISITED = 2, _("Home visited or references checked")


class HostHousehold(models.TextChoices):
    """Who lives in the home (UNHCR: women and children not with single men)."""

    FAMILY = "family", _("A family with children")
    COUPLE = "couple", _("A couple")
    SINGLE_WOMAN = "single_woman", _("A woman living alone")
    SINGLE_MAN = "single_man", _("A man living alone")
    SHARED = "shared", _("Several adults sharing")
    NOBODY = "nobody", _("Nobody else (a separate flat or a collective centre)")


class Host(models.Model):
    kind = models.CharField(_("who offers"), max_length=12, choices=HostKind.choices)
    household_type = models.CharField(
        _("who lives in the home"),
        max_length=12,
        choices=HostHousehold.choices,
        default=HostHousehold.NOBODY,
    )
    verification = models.PositiveSmallIntegerField(
        _("verification"), choices=Verification.choices, default=Verification.NONE
    )
    name = models.CharField(_("name"), max_length=200)
    # The name's transliterated skeleton, so "Olena" finds "Олена" (core.privacy.name_key).
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    # Encrypted at rest; the blind indexes find the same host registered twice.
    # At least one way to reach the host: phone, e-mail or a messenger handle (the services
    # check it, see core.contact).
    email = EncryptedEmailField(_("e-mail"), blank=True, null=True)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True, null=True)
    messenger = EncryptedCharField(
        _("messenger"),
        max_length=200,
        blank=True,
        null=True,
        help_text=_("Telegram, Viber, Signal or WhatsApp, e.g. “telegram @name”."),
    )
    email_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    messenger_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    preferred_language = models.CharField(max_length=8, default="en")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self) -> str:
        return self.name


class DocumentType(models.TextChoices):
    """What an identity check looked at. The document itself is never stored."""

    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("National identity card")
    RESIDENCE = "residence", _("Residence permit")
    DRIVING = "driving", _("Driving licence")
    ORGANISATION = "organisation", _("Registration of the organisation")
    OTHER = "other", _("Other official document")


class HostVerification(models.Model):
    """One check of a host by an organisation: who, when, what (never the document itself)."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="verifications")
    level = models.PositiveSmallIntegerField(_("level"), choices=Verification.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="host_verifications"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    document_type = models.CharField(
        _("document seen"), max_length=12, choices=DocumentType.choices, blank=True
    )
    note = EncryptedTextField(_("note"), blank=True, null=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("host verification")
        verbose_name_plural = _("host verifications")

    def __str__(self) -> str:
        return f"{self.host_id}: {self.get_level_display()}"


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (e-mail not confirmed)")
    AWAITING = "awaiting", _("Awaiting verification")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HostOffer(models.Model):
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="offers")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("verifying organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )

    # Public, approximate location: the centre of the town, never the home.
    city = models.CharField(_("town or city"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    geonameid = models.PositiveIntegerField(null=True, blank=True)
    # The gazetteer id of the place (Place.key), so a search in any script finds it.
    place_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    # Private: shown only to the verifying organisation; encrypted at rest.
    address = EncryptedCharField(_("exact address"), max_length=300, blank=True, null=True)

    beds = models.PositiveSmallIntegerField(
        _("beds"), validators=[MinValueValidator(1), MaxValueValidator(MAX_BEDS)]
    )
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(
        _("available until"), null=True, blank=True, help_text=_("Leave empty if open-ended.")
    )
    pets_allowed = models.BooleanField(_("pets welcome"), default=False)
    children_allowed = models.BooleanField(_("children welcome"), default=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    languages = models.JSONField(
        _("languages spoken"), default=list, validators=[validate_languages]
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    price_note = models.CharField(_("price"), max_length=200, blank=True)
    # The host's own words, often about the household living there: encrypted at rest.
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    # Offers lapse unless the host re-confirms them; a breakdown flags the offer for review.
    confirmed_until = models.DateField(_("confirmed until"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    flagged_at = models.DateTimeField(_("flagged"), null=True, blank=True)
    flag_reason = models.CharField(_("why it was flagged"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "country"]),
            # The lists' order: their first page is read from this index, not sorted.
            models.Index(fields=["-created_at", "-id"], name="housing_offer_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(beds__gte=1) & Q(beds__lte=MAX_BEDS), name="offer_beds_in_range"
            ),
            models.CheckConstraint(
                condition=Q(available_to__isnull=True) | Q(available_to__gte=F("available_from")),
                name="offer_dates_ordered",
            ),
        ]
        verbose_name = _("host offer")
        verbose_name_plural = _("host offers")

    def __str__(self) -> str:
        return f"#{self.pk} {self.city} ({self.beds})"

    def get_absolute_url(self) -> str:
        return reverse("offer-detail", args=[self.pk])

    def clean(self) -> None:
        error = (
            private_beds_error(kind=self.host.kind, beds=self.beds)
            if self.host_id is not None and self.beds is not None
            else None
        )
        if error:
            raise ValidationError({"beds": error})


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    HOST_ACCEPTED = "host_accepted", _("Host accepted")
    HOUSEHOLD_ACCEPTED = "household_accepted", _("Household accepted")
    CONFIRMED = "confirmed", _("Both accepted")
    TRAVELLING = "travelling", _("Travelling")
    ARRIVED = "arrived", _("Arrived")
    ENDED = "ended", _("Ended")
    DECLINED = "declined", _("Declined")
    BROKE_DOWN = "broke_down", _("Broke down")
    CANCELLED = "cancelled", _("Cancelled")


# Placements in these states hold beds; the capacity rule counts them.
HOLDS_BEDS = [
    PlacementStatus.CONFIRMED,
    PlacementStatus.TRAVELLING,
    PlacementStatus.ARRIVED,
]


class Placement(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="placements")
    offer = models.ForeignKey(HostOffer, on_delete=models.PROTECT, related_name="placements")
    beds = models.PositiveSmallIntegerField(_("beds"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    # Why it was declined or broke down, in staff's words about the people: encrypted.
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True, null=True)
    run = models.ForeignKey(
        "matching.MatchingRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    score = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    host_accepted_at = models.DateTimeField(_("host accepted"), null=True, blank=True)
    household_accepted_at = models.DateTimeField(_("household accepted"), null=True, blank=True)
    # When the host answered the proposal (yes or no): the host's response rate.
    host_responded_at = models.DateTimeField(null=True, blank=True)
    contacts_released_at = models.DateTimeField(_("contacts shared"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(beds__gte=1), name="placement_beds_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_dates_ordered",
            ),
        ]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.household} → {self.offer}"


class PlacementEvent(models.Model):
    """One step of a placement's lifecycle, with who took it and why."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PlacementStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True, null=True)
    # Empty when staff took the step; "host" or "household" when that side did it themselves.
    by_party = models.CharField(_("by"), max_length=10, choices=Party.choices, blank=True)
    channel = models.CharField(
        _("how"), max_length=10, choices=Channel.choices, default=Channel.STAFF
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("placement step")
        verbose_name_plural = _("placement steps")

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.from_status} → {self.to_status}"

    def description(self) -> str:
        """“Accepted by the host”, or the status for a step staff took."""
        if not self.by_party:
            return str(self.get_to_status_display())
        accepted = self.to_status in (
            PlacementStatus.HOST_ACCEPTED,
            PlacementStatus.HOUSEHOLD_ACCEPTED,
            PlacementStatus.CONFIRMED,
        )
        host = self.by_party == Party.HOST
        if accepted:
            return str(_("Accepted by the host") if host else _("Accepted by the household"))
        if self.to_status == PlacementStatus.DECLINED:
            return str(_("Declined by the host") if host else _("Declined by the household"))
        if self.to_status == PlacementStatus.CANCELLED:
            return str(_("Cancelled by the household") if not host else _("Cancelled by the host"))
        return f"{self.get_to_status_display()} ({Party(self.by_party).label})"


class CheckInOutcome(models.TextChoices):
    WELL = "well", _("All is well")
    CONCERN = "concern", _("A concern to follow up")
    PROBLEM = "problem", _("A serious problem")
    UNREACHABLE = "unreachable", _("Could not reach them")


class CheckIn(models.Model):
    """A scheduled welfare call after arrival; the daily job creates them."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=CheckInOutcome.choices, blank=True
    )
    note = EncryptedTextField(_("note"), blank=True, null=True)
    # Who answered when it was not staff: the host or the household on their own page.
    done_by_party = models.CharField(
        _("answered by"), max_length=10, choices=Party.choices, blank=True
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "due_on"], name="checkin_unique_day")
        ]
        verbose_name = _("welfare check-in")
        verbose_name_plural = _("welfare check-ins")

    def __str__(self) -> str:
        return f"{self.placement_id} {self.due_on}"


class Side(models.TextChoices):
    HOST = "host", _("Host")
    HOUSEHOLD = "household", _("Household")


class ProblemReport(models.Model):
    """“Report a problem” from either side of a placement."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="problems")
    side = models.CharField(_("reported by"), max_length=10, choices=Side.choices)
    description = EncryptedTextField(_("what happened"), null=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(
        _("how"), max_length=10, choices=Channel.choices, default=Channel.STAFF
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")

    def __str__(self) -> str:
        return f"{self.placement_id} ({self.side})"
