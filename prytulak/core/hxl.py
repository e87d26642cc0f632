"""Aggregate counts as HXL-tagged CSV (Humanitarian Exchange Language, hxlstandard.org), for
partners and HDX-style reporting: a header row, a row of HXL hashtags, then the counts.

Each table counts the actor's own organisation's records. Counts of people's records
(households, placements, cases) below SMALL_COUNT are suppressed: the count cell is left empty
(HXL's numeric hashtags take no "<5") and the row's `#meta+suppressed` column says "<5"; no
total is given (it would give the suppressed cells back by subtraction),
so a count of one family in a small town cannot point at that family. Stock counts things, not
people, and is exact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import Count, Sum

from prytulak.aid.models import StockMove
from prytulak.assistance.models import Case, CaseType
from prytulak.housing.models import Placement, PlacementStatus
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household, HouseholdStatus

SMALL_COUNT = 5
SUPPRESSED = f"<{SMALL_COUNT}"

# Placements that housed or are housing a household (not proposals, refusals or cancellations).
HOUSED = [
    PlacementStatus.CONFIRMED,
    PlacementStatus.TRAVELLING,
    PlacementStatus.ARRIVED,
    PlacementStatus.ENDED,
    PlacementStatus.BROKE_DOWN,
]


def _suppress(n: int) -> list[int | str]:
    """The count and the suppression mark: [n, ""] or ["", "<5"]."""
    return [n, ""] if n >= SMALL_COUNT else ["", SUPPRESSED]


SUPPRESSED_HEADER = "Suppressed"
SUPPRESSED_TAG = "#meta+suppressed"


def households_by_arrival_place(actor: Actor) -> tuple[list[str], list[str], list[list]]:
    rows = (
        Household.objects.filter(organization=actor.organization)
        .exclude(status=HouseholdStatus.CLOSED)
        .exclude(erased_at__isnull=False)
        .values("arrival_country", "arrival_place")
        .annotate(n=Count("pk"))
        .order_by("arrival_country", "arrival_place")
    )
    return (
        ["Country", "Arrival place", "Households", SUPPRESSED_HEADER],
        ["#country+code", "#loc+name+arrival", "#affected+households", SUPPRESSED_TAG],
        [[r["arrival_country"], r["arrival_place"], *_suppress(r["n"])] for r in rows],
    )


def placements_by_country(actor: Actor) -> tuple[list[str], list[str], list[list]]:
    rows = (
        Placement.objects.filter(household__organization=actor.organization, status__in=HOUSED)
        .values("offer__country")
        .annotate(n=Count("pk"))
        .order_by("offer__country")
    )
    return (
        ["Country", "Placements", SUPPRESSED_HEADER],
        ["#country+code", "#reached+households+housed", SUPPRESSED_TAG],
        [[r["offer__country"], *_suppress(r["n"])] for r in rows],
    )


def cases_by_type(actor: Actor) -> tuple[list[str], list[str], list[list]]:
    rows = (
        Case.objects.filter(organization=actor.organization)
        .values("type", "status")
        .annotate(n=Count("pk"))
        .order_by("type", "status")
    )
    labels = dict(CaseType.choices)
    return (
        ["Case type", "Case type name", "Status", "Cases", SUPPRESSED_HEADER],
        ["#sector+code", "#sector+name", "#status", "#reached+cases", SUPPRESSED_TAG],
        [[r["type"], str(labels.get(r["type"], r["type"])), r["status"], *_suppress(r["n"])]
         for r in rows],
    )  # fmt: skip


def stock_by_warehouse(actor: Actor) -> tuple[list[str], list[str], list[list]]:
    rows = (
        StockMove.objects.filter(warehouse__organization=actor.organization)
        .values("warehouse__name", "warehouse__city", "warehouse__country", "item__name",
                "item__category", "item__unit")
        .annotate(quantity=Sum("quantity"))
        .filter(quantity__gt=0)
        .order_by("warehouse__name", "item__name")
    )  # fmt: skip
    return (
        ["Warehouse", "Town", "Country", "Item", "Category", "Unit", "Quantity"],
        ["#loc+name+warehouse", "#adm2+name", "#country+code", "#item+name", "#item+type",
         "#item+unit", "#value+num+stock"],
        [[r["warehouse__name"], r["warehouse__city"], r["warehouse__country"], r["item__name"],
          r["item__category"], r["item__unit"], r["quantity"]] for r in rows],
    )  # fmt: skip


TABLES = {
    "households-by-arrival-place": households_by_arrival_place,
    "placements-by-country": placements_by_country,
    "cases-by-type": cases_by_type,
    "stock-by-warehouse": stock_by_warehouse,
}


def to_csv(header: list[str], tags: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(tags)
    writer.writerows(rows)
    return out.getvalue()
