"""API keys: made and revoked by a coordinator for a member of their organisation."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core.errors import ServiceError
from prytulak.orgs.models import Membership, Role
from prytulak.orgs.scopes import Actor

from .models import ApiToken, IdempotencyKey

PREFIX = "pk"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new key acting as `user` in the actor's organisation; returns it with the whole
    key, which is not stored and cannot be shown again."""
    actor.require("apikey.manage")
    if not Membership.objects.filter(user=user, organization=actor.organization).exists():
        raise ServiceError(_("Choose a member of your organisation."), code="not_member")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        organization=actor.organization,
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash(secret),
        created_by=actor.user,
    )
    token.full_clean()
    token.save()
    return token, f"{PREFIX}_{prefix}.{secret}"


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    actor.require("apikey.manage", token)
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    token.refresh_from_db()
    return token


def token_actor(key: str) -> tuple[ApiToken, Actor] | None:
    """The token and the member it acts as, if the key is valid, not revoked and the
    member still belongs to the organisation (their role today, not when it was made)."""
    if not key.startswith(PREFIX + "_") or "." not in key:
        return None
    prefix, secret = key[len(PREFIX) + 1 :].split(".", 1)
    token = (
        ApiToken.objects.select_related("organization", "user")
        .filter(prefix=prefix, revoked_at__isnull=True, organization__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, _hash(secret)):
        return None
    if not token.user.is_active:
        return None
    membership = Membership.objects.filter(user=token.user, organization=token.organization).first()
    if membership is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, Actor(
        user=token.user, organization=token.organization, role=Role(membership.role)
    )


def idempotency_keys_purge(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Clients retry within minutes; a day later the stored answers (which may name
    people) are deleted."""
    return IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()[0]
