"""The service directory as Open Referral HSDS 3.0 JSON (a `/services` page of full services).

Only public directory data leaves: providers' names, kinds, what they help with, languages,
opening hours and their public contact line; never a case, a household or a person. Ids are
UUIDs derived from our primary keys (stable across exports, and not guessable as row counts).
The schema files the test validates against are in hsds_schema/ (README there: source and
licence).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from prytulak.core.choices import SPOKEN_LANGUAGES
from prytulak.orgs.models import Organization

from .models import CaseType, ProviderKind, ServiceProvider

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("6f7c3c86-2d0b-4b57-9a51-3f1c1b0f2e11")  # Prytulak's, for uuid5 ids


def _id(kind: str, pk: object) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{settings.SITE_URL}/{kind}/{pk}"))


def _language_name(code: str) -> str:
    with translation.override("en"):
        return str(dict(SPOKEN_LANGUAGES).get(code, code))


def _organization(org: Organization | None) -> dict[str, Any]:
    if org is None:
        return {
            "id": _id("organization", "directory"),
            "name": "Prytulak",
            "description": "Service directory kept by the Prytulak platform.",
        }
    return {
        "id": _id("organization", org.pk),
        "name": org.name,
        "description": f"Aid organisation ({org.country}) on the Prytulak platform.",
    }


def service(provider: ServiceProvider) -> dict[str, Any]:
    """One provider as an HSDS service, with its organisation nested."""
    sid = _id("service", provider.pk)
    with translation.override("en"):
        kind = str(ProviderKind(provider.kind).label) if provider.kind in ProviderKind else ""
        helps = [str(CaseType(t).label) for t in provider.case_types if t in CaseType.values]
    description = kind + (f" — {', '.join(helps)}" if helps else "")
    description += f". {provider.city}, {provider.country}."
    org = _organization(provider.added_by)
    data: dict[str, Any] = {
        "id": sid,
        "organization_id": org["id"],
        "name": provider.name,
        "description": description,
        "status": "active",
        "organization": org,
        "languages": [
            {"id": _id(f"service/{provider.pk}/language", code), "service_id": sid,
             "name": _language_name(code), "code": code}
            for code in provider.languages
        ],
    }  # fmt: skip
    if provider.opening_hours:
        data["alert"] = f"Opening hours: {provider.opening_hours}"
    if provider.contact:
        data["application_process"] = f"Contact: {provider.contact}"
    return data


def directory(providers: QuerySet[ServiceProvider]) -> dict[str, Any]:
    """Every provider, as one page of the HSDS API's `/services` answer."""
    contents = [service(p) for p in providers.select_related("added_by").order_by("pk")]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }
