"""Idempotency keys on create requests: the same key with the same request replays the
first answer instead of creating twice; with a different request it is refused."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from .errors import ApiError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
# A key whose request never finished (the process died) is released after this long.
STALE_AFTER = datetime.timedelta(minutes=2)


def _digest(request: HttpRequest) -> str:
    h = hashlib.sha256()
    h.update(f"{request.method} {request.path}\n".encode())
    h.update(request.body)
    return h.hexdigest()


def idempotent(view: Callable[..., Status]) -> Callable[..., Status]:
    """Wrap a create operation returning Status(code, JSON-ready body)."""

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
            token=token, key=key, status__isnull=True, created_at__lt=timezone.now() - STALE_AFTER
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(token=token, key=key, request_hash=digest)
        except IntegrityError:
            record = IdempotencyKey.objects.get(token=token, key=key)
            if record.request_hash != digest:
                raise ApiError(
                    409,
                    _("This Idempotency-Key was already used for a different request."),
                    "idempotency_conflict",
                ) from None
            if record.status is None:
                raise ApiError(
                    409,
                    _("A request with this Idempotency-Key is still being processed."),
                    "idempotency_running",
                ) from None
            return Status(record.status, record.response)
        try:
            result = view(request, *args, **kwargs)
        except BaseException:
            # Refused or failed: nothing was created, so the key is free for a corrected retry.
            record.delete()
            raise
        IdempotencyKey.objects.filter(pk=record.pk).update(
            status=result.status_code, response=result.value
        )
        return result

    return wrapper
