from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prytulak.orgs.models import Organization
from prytulak.people.models import Household


class RunScope(models.TextChoices):
    ORGANIZATION = "organization", _("My organisation's households")
    POOL = "pool", _("My organisation and the shared pool")
    COUNTRY = "country", _("Households preferring one country")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


DEFAULT_MAX_KM = 800


class MatchingRun(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="matching_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scope = models.CharField(_("scope"), max_length=12, choices=RunScope.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    max_km = models.PositiveIntegerField(
        _("Maximum distance (km)"),
        default=DEFAULT_MAX_KM,
        validators=[MinValueValidator(10), MaxValueValidator(5000)],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=20, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_scope_display()}"

    def get_absolute_url(self) -> str:
        return reverse("matching-run", args=[self.pk])

    def stage_label(self) -> str:
        """The stage (a code the worker writes) in the reader's language."""
        return str(RUN_STAGES.get(self.stage, self.stage))


# The stages matching/runs.py reports while a run works (MatchingRun.stage holds the code).
RUN_STAGES = {
    "loading": pgettext_lazy("matching run stage", "loading households and offers"),
    "matching": pgettext_lazy("matching run stage", "matching"),
    "baseline": pgettext_lazy("matching run stage", "comparing with first come, first served"),
    "storing": pgettext_lazy("matching run stage", "saving the proposals"),
    "done": pgettext_lazy("matching run stage", "finished"),
}


class Unplaced(models.Model):
    """A household a run could not place, and why (a code from the engine)."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unplaced")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.reason}"
