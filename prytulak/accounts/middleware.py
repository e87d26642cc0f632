from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .sessions import LOGIN_AT


class SessionLifetimeMiddleware:
    """Log out sessions older than SESSION_MAX_HOURS, however active they are. The idle
    limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT)
            max_age = settings.SESSION_MAX_HOURS * 3600
            if login_at is None or timezone.now().timestamp() - login_at > max_age:
                logout(request)
        return self.get_response(request)
