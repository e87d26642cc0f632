from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from prytulak.orgs.scopes import Actor, actor_for


def staff_view(
    check: Callable[[Actor], bool] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Require a logged-in member of an organisation; pass the Actor as `actor`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = actor_for(request.user)
            if actor is None or (check is not None and not check(actor)):
                raise PermissionDenied
            request._actor = actor  # type: ignore[attr-defined]
            return view(request, *args, actor=actor, **kwargs)

        return wrapper

    return decorator
