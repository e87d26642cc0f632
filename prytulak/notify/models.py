from django.db import models
from django.utils.translation import gettext_lazy as _

from prytulak.housing.models import Host


class TelegramLink(models.Model):
    """A Telegram chat a host or a household linked to their record by opening the link we
    sent them (or by registering in the chat). One chat speaks for one record."""

    chat_id = models.BigIntegerField(unique=True)
    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, null=True, blank=True, related_name="telegram_links"
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="telegram_links",
    )
    language = models.CharField(max_length=8, default="uk")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(host__isnull=False, household__isnull=True)
                    | models.Q(host__isnull=True, household__isnull=False)
                ),
                name="telegramlink_one_record",
            )
        ]
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self) -> str:
        return f"{self.host or self.household} ↔ {self.chat_id}"


class NotificationLog(models.Model):
    """Each notice to a household, keyed by the event it announces, so it is sent once even
    when a job runs twice (the unique key is claimed before sending)."""

    key = models.CharField(max_length=120, unique=True)
    household = models.ForeignKey(
        "people.Household", on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")

    def __str__(self) -> str:
        return self.key
