"""The JSON API: one NinjaAPI, OpenAPI 3 at /api/openapi.json and its docs at /api/docs.

Every operation authenticates with an organisation's API key, acts as that member through
the same scopes and service functions as the web pages, and refuses in one error shape.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from prytulak.core.errors import ServiceError

from .auth import TokenAuth
from .errors import ApiError, validation_errors

api = NinjaAPI(
    title="Prytulak API",
    version="1",
    description=(
        "Housing offers, households, placements, matching runs, trips, assistance cases and "
        "aid stock. Authenticate with `Authorization: Bearer <key>`; a key acts for one "
        "organisation as one of its members. Create requests accept an `Idempotency-Key` "
        "header. Errors come in the language of `Accept-Language`."
    ),
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body, status=exc.status)


def _error(request: HttpRequest, status: int, detail: str, code: str = "", errors=None):
    return _api_error(request, ApiError(status, detail, code, errors))


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, 400, " ".join(exc.messages), getattr(exc, "code", None) or "refused")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, _("Your role does not allow this."), "forbidden")


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, _("Not found, or not yours to see."), "not_found")


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request,
        401,
        _("Send a valid API key: “Authorization: Bearer <key>”."),
        "unauthorised",
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(
        request, 400, _("Some values are not valid."), "invalid", validation_errors(exc.errors)
    )


def _register() -> None:
    from . import aid, assistance, housing, journeys, matching, people, placements

    api.add_router("/v1/offers/", housing.router)
    api.add_router("/v1/households/", people.router)
    api.add_router("/v1/placements/", placements.router)
    api.add_router("/v1/matching-runs/", matching.router)
    api.add_router("/v1/trips/", journeys.router)
    api.add_router("/v1/cases/", assistance.router)
    api.add_router("/v1/", aid.router)


_register()
