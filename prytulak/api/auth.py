from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .services import token_actor


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pk_…`: the key acts as one member of one organisation, with
    that member's role and scopes, exactly as the web pages would for them."""

    def authenticate(self, request: HttpRequest, token: str):  # noqa: ANN201
        found = token_actor(token)
        if found is None:
            return None
        request.api_token, request.actor = found  # type: ignore[attr-defined]
        return found[1]
