from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionRecord(models.Model):
    """A user's open login session, so an administrator can end all of a user's sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("logged in"), auto_now_add=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
