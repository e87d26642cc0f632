"""The access log: one call wherever personal data is shown, released, exported or erased."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from prytulak.orgs.scopes import AnyActor

from .models import AccessLog


def object_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def log_access(
    *,
    actor: AnyActor | None,
    obj: models.Model,
    action: str,
    fields: Iterable[str] = (),
    reason: str = "",
) -> AccessLog:
    """Record that `actor` (None: the system) did `action` on the personal data of `obj`."""
    return AccessLog.objects.create(
        user=actor.user if actor else None,
        organization=actor.organization if actor else None,
        party=actor.party if actor else "",
        channel=actor.channel if actor else "",
        action=action,
        object_type=object_label(obj),
        object_id=str(obj.pk),
        fields=sorted(fields),
        reason=reason[:300],
    )


def access_log_for(obj: models.Model):  # noqa: ANN201 - a QuerySet[AccessLog]
    return AccessLog.objects.filter(object_type=object_label(obj), object_id=str(obj.pk))
