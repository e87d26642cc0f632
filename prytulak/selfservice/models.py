from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prytulak.housing.models import Host, Placement
from prytulak.people.models import Household


class LinkPurpose(models.TextChoices):
    """One link, one job: each opens one page about one record."""

    PROPOSAL = "proposal", _("Host: answer one proposal")
    OFFERS = "offers", _("Host: manage their offers")
    HOUSEHOLD = "household", _("Household: their request")


class AccessLink(models.Model):
    """A signed link that lets a host or a household act on their own record without a
    password. Only a hash of the token is stored: the database alone cannot open a page."""

    purpose = models.CharField(_("purpose"), max_length=10, choices=LinkPurpose.choices)
    # The subject: a placement (the host's proposal), a host (their offers) or a household.
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="access_links"
    )
    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, null=True, blank=True, related_name="access_links"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="access_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(max_length=8, default="uk")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("times opened"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(purpose="proposal", placement__isnull=False)
                    | Q(purpose="offers", host__isnull=False)
                    | Q(purpose="household", household__isnull=False)
                ),
                name="accesslink_has_subject",
            )
        ]
        verbose_name = _("access link")
        verbose_name_plural = _("access links")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"

    @property
    def subject(self) -> models.Model:
        if self.purpose == LinkPurpose.PROPOSAL:
            assert self.placement is not None
            return self.placement
        if self.purpose == LinkPurpose.OFFERS:
            assert self.host is not None
            return self.host
        assert self.household is not None
        return self.household
