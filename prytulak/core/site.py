"""The site's own address for links that leave it (e-mails, Telegram): the scheme and host
the current request came to, else SITE_URL (background jobs, cron, the demo seed)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("prytulak_request", default=None)


def site_url() -> str:
    """ "https://host" without a trailing slash. A request's Host header counts only when it is
    one of ALLOWED_HOSTS (get_host checks), so a forged header never becomes a link."""
    request = _request.get()
    if request is not None:
        try:
            return f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            pass
    return str(settings.SITE_URL).rstrip("/")


@contextlib.contextmanager
def current_request(request: HttpRequest) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


class CurrentRequestMiddleware:
    """Makes the request known to site_url() while it is handled (and its on_commit
    callbacks, such as the confirmation e-mail, run)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with current_request(request):
            return self.get_response(request)
