from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from prytulak.core.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField
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


class ShareLevel(models.TextChoices):
    """What the household agreed partner organisations may see (recorded as ConsentRecord)."""

    NONE = "none", _("Not shared")
    SUMMARY = "summary", _("Needs only, without contact details")
    FULL = "full", _("Everything, including contact details")


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
    share_level = models.CharField(
        _("shared with partner organisations"),
        max_length=10,
        choices=ShareLevel.choices,
        default=ShareLevel.NONE,
        help_text=_("Only what the household agreed to; each change is a consent record."),
    )

    lead_name = models.CharField(_("name of the contact person"), max_length=200)
    # The name's transliterated skeleton, so "Olena" finds "Олена" (core.privacy.name_key).
    lead_name_key = models.CharField(max_length=200, blank=True, editable=False)
    # Contact details and free text about people are encrypted at rest; the blind indexes
    # (keyed hashes) find duplicates without decrypting.
    # At least one of phone, e-mail and messenger (the services check it).
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True, null=True)
    email = EncryptedEmailField(_("e-mail"), blank=True, null=True)
    messenger = EncryptedCharField(
        _("messenger"),
        max_length=200,
        blank=True,
        null=True,
        help_text=_("Telegram, Viber, Signal or WhatsApp, e.g. “telegram @name”."),
    )
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    messenger_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    languages = models.JSONField(
        _("languages spoken"), default=list, validators=[validate_languages]
    )

    pets = models.PositiveSmallIntegerField(
        _("pets"), default=0, validators=[MaxValueValidator(20)]
    )
    pet_notes = EncryptedCharField(_("about the pets"), max_length=200, blank=True, null=True)
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    needs = EncryptedTextField(_("other needs"), blank=True, null=True)

    arrival_place = models.CharField(_("arrival place"), max_length=200)
    # The gazetteer id of the place (Place.key), so a search in any script finds it.
    arrival_place_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
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
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            # The lists' order: their first page is read from this index, not sorted.
            models.Index(fields=["-created_at", "-id"], name="people_household_newest"),
        ]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"#{self.pk} {self.lead_name}"

    def get_absolute_url(self) -> str:
        return reverse("household-detail", args=[self.pk])

    @property
    def size(self) -> int:
        return len(self.members.all())


# Personal fields a shredder blanks and code that only counts or matches can defer.
ENCRYPTED_HOUSEHOLD_FIELDS = ["phone", "email", "messenger", "pet_notes", "needs", "notes"]


class ConsentRecord(models.Model):
    """The household's agreement (or withdrawal) to share with partner organisations."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    level = models.CharField(_("shared"), max_length=10, choices=ShareLevel.choices)
    # Free text about the people (encrypted at rest).
    how = EncryptedCharField(
        _("how the household agreed"),
        max_length=300,
        help_text=_("For example: asked in Ukrainian at the reception point, agreed verbally."),
        null=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.level} ({self.recorded_at:%Y-%m-%d})"


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
    name = EncryptedCharField(_("name"), max_length=200, blank=True, null=True)
    # Blind indexes of the name's words in either script (core.privacy.name_index).
    name_index = models.CharField(max_length=300, blank=True, editable=False)
    age_band = models.CharField(_("age"), max_length=5, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or self.get_age_band_display()

    @property
    def is_child(self) -> bool:
        return self.age_band in CHILD_BANDS

    def description(self) -> str:
        """Age band and sex as one natural phrase: "woman, 18–64 years", "boy, 5–13 years"."""
        age = self.get_age_band_display()
        child = self.is_child
        if self.sex == Sex.FEMALE:
            text = (
                pgettext("person", "girl, %(age)s")
                if child
                else pgettext("person", "woman, %(age)s")
            )
        elif self.sex == Sex.MALE:
            text = (
                pgettext("person", "boy, %(age)s") if child else pgettext("person", "man, %(age)s")
            )
        elif self.sex == Sex.OTHER:
            text = pgettext("person", "%(age)s, another gender")
        else:
            return str(age)
        return text % {"age": age}
