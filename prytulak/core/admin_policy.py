"""The admin around the domain: read-only, and every look at personal data logged.

Domain records change only through the services (which keep blind indexes, events, capacity
rules and the access log right), so the admin shows them and never saves them. Users,
organisations and memberships stay editable: that is what the admin is for here. Every
admin page that shows a record holding personal data writes an access-log row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse

# Apps whose records change only through services.
DOMAIN_APPS = frozenset(
    {"people", "housing", "journeys", "assistance", "aid", "matching", "sheets", "audit", "api"}
)
# Reference data kept in the admin: the service directory, the aid catalogue, warehouses and
# the list of border crossings hold no personal data and have no service of their own.
REFERENCE_MODELS = frozenset(
    {"assistance.serviceprovider", "aid.item", "aid.warehouse", "journeys.bordercrossing"}
)
# Models whose admin pages show personal data (names, contacts, addresses, notes).
PERSONAL_MODELS = frozenset(
    {
        "people.household",
        "people.person",
        "people.consentrecord",
        "housing.host",
        "housing.hostoffer",
        "housing.hostverification",
        "housing.placement",
        "housing.placementevent",
        "housing.checkin",
        "housing.problemreport",
        "journeys.trip",
        "journeys.booking",
        "journeys.journey",
        "journeys.journeyleg",
        "assistance.case",
        "assistance.referral",
        "aid.aidrequest",
        "notify.telegramlink",
    }
)


def _log(request: HttpRequest, model: type[models.Model], object_id: str, action: str) -> None:
    from prytulak.audit.models import AccessLog

    AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        organization=None,
        action=action,
        object_type=model._meta.label_lower,
        object_id=object_id,
        fields=["admin"],
        reason="admin",
    )


class ReadOnlyDomainAdmin:
    """Mixed into each domain model's admin by `apply`."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LoggedPersonalDataAdmin:
    """Mixed into the admin of each model that holds personal data by `apply`."""

    model: type[models.Model]

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = super().change_view(request, object_id, *args, **kwargs)  # type: ignore[misc]
        if response.status_code == 200:
            _log(request, self.model, object_id, "admin.viewed")
        return response

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().changelist_view(request, *args, **kwargs)  # type: ignore[misc]
        if response.status_code == 200:
            _log(request, self.model, "", "admin.listed")
        return response


def apply(site: admin.AdminSite) -> None:
    """Re-register every domain model's admin with the read-only and logging mixins."""
    for model, model_admin in list(site._registry.items()):
        label = model._meta.label_lower
        mixins: list[type] = []
        if label in PERSONAL_MODELS:
            mixins.append(LoggedPersonalDataAdmin)
        read_only = model._meta.app_label in DOMAIN_APPS and label not in REFERENCE_MODELS
        if read_only:
            mixins.append(ReadOnlyDomainAdmin)
        if not mixins:
            continue
        cls = type(model_admin)
        attrs: dict[str, Any] = {}
        if read_only:  # inlines of a read-only record are read-only too
            attrs["inlines"] = [
                type(inline.__name__, (ReadOnlyDomainAdmin, inline), {}) for inline in cls.inlines
            ]
        site.unregister(model)
        site.register(model, type(cls.__name__, (*mixins, cls), attrs))
