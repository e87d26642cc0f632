from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prytulak.core.validators import validate_countries, validate_languages
from prytulak.orgs.models import Organization


class HouseholdStatus(models.TextChoices):
    NEW = "new", _("New, not yet triaged")
    WAITING = "waiting", _("Waiting for a place")
    PROPOSED = "proposed", _("Place proposed")
    PLACED = "placed", _("Placed")
    CLOSED = "closed", _("Closed")


class Source(models.TextChoices):
    INTAKE = "intake", _("Public form")
    STAFF = "staff", _("Registered by staff")
    IMPORT = "import", _("Imported")


class Household(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        help_text=_("Empty while a public registration waits for an organisation to take it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    status = models.CharField(
        _("status"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.NEW
    )
    shared_with_pool = models.BooleanField(
        _("shared with partner organisations"),
        default=False,
        help_text=_("The household agreed that partner organisations may see this record."),
    )

    lead_name = models.CharField(_("name of the contact person"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.JSONField(
        _("languages spoken"), default=list, validators=[validate_languages]
    )

    pets = models.PositiveSmallIntegerField(
        _("pets"), default=0, validators=[MaxValueValidator(20)]
    )
    pet_notes = models.CharField(_("about the pets"), max_length=200, blank=True)
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    needs = models.TextField(_("other needs"), blank=True)

    arrival_place = models.CharField(_("arrival place"), max_length=200)
    arrival_country = models.CharField(max_length=2, blank=True)
    arrival_latitude = models.FloatField(null=True, blank=True)
    arrival_longitude = models.FloatField(null=True, blank=True)
    arrival_date = models.DateField(_("arrival date"))
    preferred_countries = models.JSONField(
        _("preferred countries"), default=list, blank=True, validators=[validate_countries]
    )
    preferred_cities = models.CharField(_("preferred cities"), max_length=300, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=0,
        validators=[MaxValueValidator(3)],
        help_text=_("0 normal to 3 most urgent (vulnerability, waiting time)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "status"])]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"#{self.pk} {self.lead_name}"

    def get_absolute_url(self) -> str:
        return reverse("household-detail", args=[self.pk])

    @property
    def size(self) -> int:
        return len(self.members.all())


class AgeBand(models.TextChoices):
    INFANT = "0-4", _("0–4 years")
    CHILD = "5-13", _("5–13 years")
    TEEN = "14-17", _("14–17 years")
    ADULT = "18-64", _("18–64 years")
    SENIOR = "65+", _("65 and over")


CHILD_BANDS = {AgeBand.INFANT, AgeBand.CHILD, AgeBand.TEEN}


class Sex(models.TextChoices):
    UNSPECIFIED = "", _("Not said")
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other")


class Person(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200, blank=True)
    age_band = models.CharField(_("age"), max_length=5, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or self.get_age_band_display()

    @property
    def is_child(self) -> bool:
        return self.age_band in CHILD_BANDS
