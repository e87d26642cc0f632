from django.db import models
from django.utils.translation import gettext_lazy as _

from prytulak.housing.models import Host


class TelegramLink(models.Model):
    """A Telegram chat a host linked to their record by opening the link we sent them."""

    chat_id = models.BigIntegerField(unique=True)
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="telegram_links")
    language = models.CharField(max_length=8, default="uk")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self) -> str:
        return f"{self.host} ↔ {self.chat_id}"
