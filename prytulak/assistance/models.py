"""Beyond a bed: legal aid, documents, school and childcare, medical and psychological help,
work — as cases on the household, with a directory of providers and referrals between
organisations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prytulak.core.fields import EncryptedCharField, EncryptedTextField
from prytulak.core.validators import validate_languages
from prytulak.orgs.models import Organization
from prytulak.people.models import Household, Person


class CaseType(models.TextChoices):
    LEGAL_STATUS = "legal_status", _("Legal status / temporary protection")
    DOCUMENTS = "documents", _("Documents")
    SCHOOL = "school", _("School enrolment")
    CHILDCARE = "childcare", _("Childcare")
    MEDICAL = "medical", _("Medical")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    EMPLOYMENT = "employment", _("Employment")


class ProviderKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer or legal clinic")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    CLINIC = "clinic", _("Clinic or hospital")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    TRANSLATOR = "translator", _("Translator")
    RECEPTION = "reception", _("Reception centre")


class ServiceProvider(models.Model):
    """A place or person that helps, as a public directory entry (no private data)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=ProviderKind.choices)
    case_types = models.JSONField(_("helps with"), default=list, blank=True)
    city = models.CharField(_("town or city"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    languages = models.JSONField(
        _("languages spoken"), default=list, validators=[validate_languages]
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    contact = models.CharField(_("public contact"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["country", "city", "name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_CASE = [CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS]


class Case(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(
        Person,
        verbose_name=_("about"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    type = models.CharField(_("type"), max_length=14, choices=CaseType.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    # About a child (or an unaccompanied minor): only the assignee, coordinators and
    # child-protection officers of the organisation see it.
    child = models.BooleanField(_("about a child"), default=False)
    unaccompanied_minor = models.BooleanField(_("unaccompanied minor"), default=False)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    checklist = models.JSONField(
        _("documents checklist"),
        default=list,
        blank=True,
        help_text=_("What is needed, never the documents themselves."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_type_display()}"


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Status notes and decline reasons land here, about the people: encrypted at rest.
    what = EncryptedCharField(max_length=200, null=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return self.what


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Referral(models.Model):
    """A case passed to another organisation, with the household's recorded consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals_received"
    )
    consent = EncryptedCharField(_("how the household agreed"), max_length=300, null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True, null=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_organization}"
