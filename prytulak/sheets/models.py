from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prytulak.core.fields import EncryptedTextField
from prytulak.orgs.models import Organization


class ImportKind(models.TextChoices):
    OFFERS = "offers", _("Host offers")
    HOUSEHOLDS = "households", _("Households")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Choose the columns")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded spreadsheet: its rows (encrypted, deleted once imported), the column
    mapping, and what happened to each row."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("what it holds"), max_length=12, choices=ImportKind.choices)
    filename = models.CharField(_("file"), max_length=200)
    file_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    language = models.CharField(max_length=8, default="en")
    # The file's sheets (names), the chosen one, and the spreadsheet row number of its header.
    sheets = models.JSONField(default=list, blank=True)
    sheet = models.PositiveSmallIntegerField(default=0)
    header_row = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list)
    # JSON list of every sheet's rows of text, as the spreadsheet numbers them.
    rows = EncryptedTextField(null=True, blank=True)
    # Spreadsheet row numbers of rows needing a look that the importer accepted as understood.
    accepted = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # our field → column number
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    # Per row: its number, outcome, messages and reasons for a look (never a cell's value).
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("import-detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100


class ImportedRow(models.Model):
    """A fingerprint of every imported row, so the same row uploaded again (the same file,
    or the next week's copy of the sheet) is recognised and not imported twice."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    fingerprint = models.CharField(max_length=64)
    object_id = models.PositiveIntegerField()
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "fingerprint"], name="sheets_row_once"
            )
        ]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"
