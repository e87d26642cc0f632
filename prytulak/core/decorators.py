from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from prytulak.orgs import capabilities
from prytulak.orgs.scopes import Actor, actor_for


def staff_view(
    action: str | None = None,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Require a logged-in member of an organisation whose role may do `action` (an entry of
    the capability table, asked without a record: the view asks again for its record); pass
    the Actor as `actor`. Roles that see personal data must also have passed the second
    login step (TOTP)."""
    if action is not None:
        capabilities.RULES[action]  # noqa: B018 - a typo fails at import, not at request time

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = actor_for(request.user)
            if actor is None or (action is not None and not actor.can(action)):
                raise PermissionDenied
            if needs_second_step(request, actor):
                return redirect_to_login(request.get_full_path(), reverse("two-factor"))
            request._actor = actor  # type: ignore[attr-defined]
            return view(request, *args, actor=actor, **kwargs)

        return wrapper

    return decorator


def needs_second_step(request: HttpRequest, actor: Actor) -> bool:
    return (
        settings.REQUIRE_2FA
        and actor.role in capabilities.SEES_PERSONAL_DATA
        and not request.user.is_verified()  # type: ignore[union-attr]
    )
