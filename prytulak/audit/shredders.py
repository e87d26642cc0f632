"""Data shredders: for each kind of personal data, one place that exports it and one that
erases it (pretix's pattern). Erasure blanks every personal field, deletes the change history
that still holds old values, and keeps what reports count (people, age bands, placements)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from prytulak.housing.models import (
    CheckIn,
    Host,
    HostOffer,
    HostVerification,
    OfferStatus,
    Placement,
    PlacementEvent,
    ProblemReport,
)
from prytulak.people.models import (
    ENCRYPTED_HOUSEHOLD_FIELDS,
    Household,
    HouseholdStatus,
    Person,
)

from .models import AccessLog

ERASED = "[erased]"


def _placement_rows(placements: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "status": p.status,
            "from": p.start_date.isoformat(),
            "until": p.end_date.isoformat() if p.end_date else None,
            "city": p.offer.city,
            "events": [
                {"at": e.at.isoformat(), "status": e.to_status, "reason": e.reason}
                for e in p.events.all()
            ],
            "problems": [pr.description for pr in p.problems.all()],
            "checkins": [
                {"due": c.due_on.isoformat(), "outcome": c.outcome, "note": c.note}
                for c in p.checkins.all()
            ],
        }
        for p in placements
    ]


def _access_rows(obj: Household | Host) -> list[dict[str, Any]]:
    rows = AccessLog.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("user", "organization")
    return [
        {
            "at": r.at.isoformat(),
            "who": str(r.user or ""),
            "organisation": str(r.organization or ""),
            "what": r.action,
            "why": r.reason,
        }
        for r in rows
    ]


class HouseholdShredder:
    kind = "household"

    @staticmethod
    def export(household: Household) -> dict[str, Any]:
        placements = household.placements.select_related("offer").prefetch_related(
            "events", "problems", "checkins"
        )
        return {
            "kind": "household",
            "id": household.pk,
            "organisation": str(household.organization or ""),
            "name": household.lead_name,
            "phone": household.phone,
            "email": household.email,
            "messenger": household.messenger,
            "languages": household.languages,
            "arrival": {
                "place": household.arrival_place,
                "date": household.arrival_date.isoformat(),
            },
            "preferred_countries": household.preferred_countries,
            "preferred_cities": household.preferred_cities,
            "pets": household.pets,
            "pet_notes": household.pet_notes,
            "needs_step_free": household.needs_step_free,
            "needs": household.needs,
            "notes": household.notes,
            "shared_with_partners": household.share_level,
            "consents": [
                {"at": c.recorded_at.isoformat(), "level": c.level, "how": c.how}
                for c in household.consents.all()
            ],
            "members": [
                {"name": m.name, "age": m.age_band, "sex": m.sex} for m in household.members.all()
            ],
            "placements": _placement_rows(placements),
            "access_log": _access_rows(household),
            "registered": household.created_at.isoformat(),
        }

    @staticmethod
    def erase(household: Household) -> None:
        with transaction.atomic():
            for name in ENCRYPTED_HOUSEHOLD_FIELDS:
                setattr(household, name, None)
            household.lead_name = ERASED
            household.preferred_cities = ""
            household.phone_index = household.email_index = household.messenger_index = ""
            household.lead_name_key = ""
            household.erased_at = timezone.now()
            if household.status != HouseholdStatus.CLOSED:
                household.status = HouseholdStatus.CLOSED
                household.closed_at = household.erased_at
            household.save_without_historical_record()  # type: ignore[attr-defined]
            Person.objects.filter(household=household).update(name=None, name_index="")
            placements = Placement.objects.filter(household=household)
            placements.update(reason="")
            PlacementEvent.objects.filter(placement__in=placements).update(reason="")
            ProblemReport.objects.filter(placement__in=placements).update(description=None)
            CheckIn.objects.filter(placement__in=placements).update(note=None)
            household.consents.update(how=ERASED)
            household.telegram_links.all().delete()  # the chat no longer speaks for anyone
            # The change trail keeps old values: it goes too.
            Household.history.filter(id=household.pk).delete()
            Person.history.filter(household_id=household.pk).delete()
            Placement.history.filter(household_id=household.pk).delete()


class HostShredder:
    kind = "host"

    @staticmethod
    def export(host: Host) -> dict[str, Any]:
        offers = host.offers.all()
        return {
            "kind": "host",
            "id": host.pk,
            "name": host.name,
            "email": host.email,
            "phone": host.phone,
            "messenger": host.messenger,
            "language": host.preferred_language,
            "who_lives_there": host.household_type,
            "verification": [
                {
                    "at": v.checked_at.isoformat(),
                    "level": v.level,
                    "document": v.document_type,
                    "organisation": str(v.organization),
                    "note": v.note,
                }
                for v in host.verifications.select_related("organization")
            ],
            "offers": [
                {
                    "id": o.pk,
                    "city": o.city,
                    "address": o.address,
                    "beds": o.beds,
                    "status": o.status,
                    "notes": o.notes,
                }
                for o in offers
            ],
            "placements": _placement_rows(
                Placement.objects.filter(offer__host=host)
                .select_related("offer")
                .prefetch_related("events", "problems", "checkins")
            ),
            "access_log": _access_rows(host),
        }

    @staticmethod
    def erase(host: Host) -> None:
        with transaction.atomic():
            host.name = ERASED
            host.email = None
            host.phone = None
            host.messenger = None
            host.email_index = host.phone_index = host.messenger_index = host.name_key = ""
            host.erased_at = timezone.now()
            host.save_without_historical_record()  # type: ignore[attr-defined]
            offers = HostOffer.objects.filter(host=host)
            offers.update(address=None, notes="", price_note="")
            offers.exclude(status=OfferStatus.WITHDRAWN).update(status=OfferStatus.WITHDRAWN)
            HostVerification.objects.filter(host=host).update(note=None)
            host.telegram_links.all().delete()  # the chat no longer speaks for anyone
            placements = Placement.objects.filter(offer__host=host)
            ProblemReport.objects.filter(placement__in=placements, side="host").update(
                description=None
            )
            Host.history.filter(id=host.pk).delete()
            HostOffer.history.filter(host_id=host.pk).delete()


SHREDDERS = {"household": HouseholdShredder, "host": HostShredder}
