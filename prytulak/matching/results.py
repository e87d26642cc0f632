"""What a run proposed and whom it left, filtered: one selector for the results page, its
CSV download and the API, so the three always agree."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from prytulak.housing.models import Placement
from prytulak.orgs.scopes import Actor

from .explain import explanation_text, reason_text
from .forms import ResultsForm
from .models import MatchingRun, Unplaced


def run_proposals(*, run: MatchingRun, country: str = "") -> QuerySet[Placement]:
    qs = run.proposals.select_related("household", "offer").order_by("-score", "pk")
    return qs.filter(offer__country=country) if country else qs


def run_unplaced(*, run: MatchingRun, reason: str = "") -> QuerySet[Unplaced]:
    qs = run.unplaced.select_related("household").order_by("pk")
    return qs.filter(reason=reason) if reason else qs


def run_rows(*, run: MatchingRun, show: str, reason: str = "", country: str = "") -> QuerySet:
    if show == ResultsForm.UNPLACED:
        return run_unplaced(run=run, reason=reason)
    return run_proposals(run=run, country=country)


def _name(actor: Actor, household) -> str:  # noqa: ANN001
    """The lead's name only where the sharing level lets the actor read it."""
    return household.lead_name if actor.can("household.name", household) else ""


def csv_rows(
    *, actor: Actor, run: MatchingRun, show: str, reason: str = "", country: str = ""
) -> tuple[list[str], Iterator[list[object]]]:
    """Header and rows of the download: no contact details, names where allowed."""
    rows = run_rows(run=run, show=show, reason=reason, country=country)
    if show == ResultsForm.UNPLACED:
        header = ["household", "name", "reason", "why"]
        return header, (
            [u.household_id, _name(actor, u.household), u.reason, reason_text(u.reason)]
            for u in rows.iterator(chunk_size=2000)
        )
    header = ["placement", "household", "name", "people", "offer", "city", "country", "km",
              "from", "score", "status", "why"]  # fmt: skip
    return header, (
        [p.pk, p.household_id, _name(actor, p.household), p.beds, p.offer_id, p.offer.city,
         p.offer.country, p.explanation.get("km", ""), p.explanation.get("from", ""),
         round(p.score or 0, 3), p.status, explanation_text(p.explanation)]
        for p in rows.iterator(chunk_size=2000)
    )  # fmt: skip
