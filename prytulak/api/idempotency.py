"""Idempotency keys on create requests: the same key with the same request answers again for
the object the first request created, instead of creating twice; with a different request it
is refused.

Only the status and the created object's type and id are kept, never the answer's body: the
body holds contact details, which must not lie in the database in plain text, and a replay
must again pass through the caller's current rights and leave its row in the access log.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from .errors import ApiError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
# A key whose request never finished (the process died) is released after this long.
STALE_AFTER = datetime.timedelta(minutes=2)

View = Callable[..., Status]
# Renders the answer for one object, by id, through the caller's scope (as a GET would).
Render = Callable[[HttpRequest, int], Any]


def _digest(request: HttpRequest) -> str:
    h = hashlib.sha256()
    h.update(f"{request.method} {request.path}\n".encode())
    h.update(request.body)
    return h.hexdigest()


def _created_id(result: Status) -> int | None:
    value = result.value
    if isinstance(value, dict):
        return value.get("id")
    return getattr(value, "pk", None)


def idempotent(model: type[models.Model], render: Render) -> Callable[[View], View]:
    """Wrap a create operation returning Status(code, body with the new object's "id");
    `render(request, id)` builds the same body again for a replay."""
    label = model._meta.label_lower

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Status:
            key = request.headers.get(HEADER, "").strip()
            if not key:
                return view(request, *args, **kwargs)
            if len(key) > 200:
                raise ApiError(400, _("The Idempotency-Key is too long (at most 200 characters)."))
            token = request.api_token  # type: ignore[attr-defined]
            digest = _digest(request)
            IdempotencyKey.objects.filter(
                token=token,
                key=key,
                status__isnull=True,
                created_at__lt=timezone.now() - STALE_AFTER,
            ).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        token=token, key=key, request_hash=digest
                    )
            except IntegrityError:
                record = IdempotencyKey.objects.get(token=token, key=key)
                if record.request_hash != digest or record.object_type not in ("", label):
                    raise ApiError(
                        409,
                        _("This Idempotency-Key was already used for a different request."),
                        "idempotency_conflict",
                    ) from None
                if record.status is None or record.object_id is None:
                    raise ApiError(
                        409,
                        _("A request with this Idempotency-Key is still being processed."),
                        "idempotency_running",
                    ) from None
                return Status(record.status, render(request, record.object_id))
            try:
                result = view(request, *args, **kwargs)
            except BaseException:
                # Refused or failed: nothing was created, so the key is free for a corrected
                # retry.
                record.delete()
                raise
            created = _created_id(result)
            if created is None:
                record.delete()  # nothing to answer again with: a retry runs afresh
            else:
                IdempotencyKey.objects.filter(pk=record.pk).update(
                    status=result.status_code, object_type=label, object_id=created
                )
            return result

        return wrapper

    return decorator
