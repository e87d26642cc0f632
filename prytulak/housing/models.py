from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prytulak.core.validators import validate_languages
from prytulak.orgs.models import Organization
from prytulak.people.models import Household

MAX_BEDS = 500  # the largest collective centres


class HostKind(models.TextChoices):
    PERSON = "person", _("Private person or family")
    ORGANIZATION = "organization", _("Organisation (collective centre, church, hotel…)")


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
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self) -> str:
        return self.name


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
    # Private: shown only to the verifying organisation.
    address = models.CharField(_("exact address"), max_length=300, blank=True)

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
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "country"])]
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
    reason = models.CharField(_("reason"), max_length=300, blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
