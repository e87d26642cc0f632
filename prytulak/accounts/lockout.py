"""The login lockout policy, on django-axes' database records (see docs/deployment.md).

Axes compares one number with one limit; we need two rules with their own limits:
- one username from one client address: locked after LOGIN_FAILURE_LIMIT failures, so nobody
  can lock a user out from elsewhere by guessing their password;
- one client address over all usernames: locked after LOGIN_ADDRESS_FAILURE_LIMIT failures, so
  an address cannot spray one password over many accounts.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def _from_address(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)  # type: ignore[attr-defined]
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures of this username from this address, or the per-username limit itself when
        the address as a whole is over its own limit (axes then locks the request out)."""
        attempts = self._from_address(request)
        username = get_client_username(request, credentials)
        pair = _failures(attempts.filter(username=username))
        if _failures(attempts) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login, forget that username's failures from that address only:
        a sprayer logging in to an account of their own keeps their address's record."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username,
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return count
