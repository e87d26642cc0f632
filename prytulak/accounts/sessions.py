"""Login sessions: recorded at login so they can be listed and ended; limited in age."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .models import SessionRecord

LOGIN_AT = "prytulak_login_at"


@receiver(user_logged_in)
def _record_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT] = timezone.now().timestamp()
    if request.session.session_key is None:
        request.session.save()
    SessionRecord.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.headers.get("user-agent", "")[:200],
        },
    )


@receiver(user_logged_out)
def _forget_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        SessionRecord.objects.filter(session_key=request.session.session_key).delete()


def sessions_end(*, user: Any) -> int:
    """End every session of `user` (an administrator's action); returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    records = list(SessionRecord.objects.filter(user=user))
    for record in records:
        store(session_key=record.session_key).delete()
    SessionRecord.objects.filter(pk__in=[r.pk for r in records]).delete()
    return len(records)
