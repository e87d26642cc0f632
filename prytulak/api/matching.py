"""/api/v1/matching-runs/: start a run (a background job) and follow its progress."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from prytulak.housing.models import Placement
from prytulak.matching import results, runs
from prytulak.matching.explain import explanation_text
from prytulak.matching.forms import RunForm
from prytulak.matching.models import MatchingRun, RunScope

from .idempotency import idempotent
from .schemas import CountryOrBlank, Page, form_data, one_of, path_id, responses, validated

router = Router(tags=["matching"])


class RunOut(Schema):
    id: int
    scope: str
    country: str
    status: str
    progress: int = Field(..., description="Percent done.")
    stage: str
    summary: dict[str, Any]
    bound: float | None = Field(
        None, description="No assignment within reach can total more than this value."
    )
    gap: float | None = Field(None, description="1 − value / bound: how far from the best.")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_bound(obj: MatchingRun) -> float | None:
        return obj.summary.get("bound")

    @staticmethod
    def resolve_gap(obj: MatchingRun) -> float | None:
        return obj.summary.get("gap")


class ProposalOut(Schema):
    """One proposal of a run: the pair, the facts behind it; no names or contacts."""

    id: int
    household_id: int
    offer_id: int
    beds: int
    status: str
    score: float | None
    km: float | None
    from_place: str = Field("", description="Where the distance is measured from.")
    city: str
    country: str
    start_date: datetime.date
    explanation: str

    @staticmethod
    def resolve_km(obj: Placement) -> float | None:
        return obj.explanation.get("km")

    @staticmethod
    def resolve_from_place(obj: Placement) -> str:
        return obj.explanation.get("from", "")

    @staticmethod
    def resolve_city(obj: Placement) -> str:
        return obj.offer.city

    @staticmethod
    def resolve_country(obj: Placement) -> str:
        return obj.offer.country

    @staticmethod
    def resolve_explanation(obj: Placement) -> str:
        return explanation_text(obj.explanation)


class RunIn(Schema):
    scope: one_of(RunScope.values)  # type: ignore[valid-type]
    country: CountryOrBlank = Field("", description="Required when scope is “country”.")
    max_km: int = Field(800, ge=10, le=5000, description="Farthest an offer may be, in km.")


def _runs(request: HttpRequest):  # noqa: ANN202
    actor = request.actor  # type: ignore[attr-defined]
    actor.require("matching.run")  # runs show the pool's figures: coordinators only
    return MatchingRun.objects.filter(organization=actor.organization)


@router.get("", response=responses(list[RunOut]), summary="List matching runs")
@paginate(Page)
def run_list(request: HttpRequest):  # noqa: ANN201
    return _runs(request).order_by("-created_at", "-pk")


@router.get("{run_id}", response=responses(RunOut), summary="One run and its progress")
def run_get(request: HttpRequest, run_id: int = path_id()):  # noqa: ANN201
    return Status(200, _runs(request).get(pk=run_id))


@router.get(
    "{run_id}/proposals",
    response=responses(list[ProposalOut]),
    summary="A run's proposals, best first",
)
@paginate(Page)
def run_proposals(  # noqa: ANN201
    request: HttpRequest, run_id: int = path_id(), country: CountryOrBlank = ""
):
    return results.run_proposals(run=_runs(request).get(pk=run_id), country=country)


def _answer(request: HttpRequest, pk: int) -> dict:
    return RunOut.from_orm(_runs(request).get(pk=pk)).model_dump(mode="json")


@router.post("", response=responses(RunOut, 202), summary="Start a matching run")
@idempotent(MatchingRun, _answer)
def run_start(request: HttpRequest, payload: RunIn):  # noqa: ANN201
    form = validated(RunForm(form_data(payload.dict())))
    run = runs.run_start(
        actor=request.actor,  # type: ignore[attr-defined]
        scope=form.cleaned_data["scope"],
        country=form.cleaned_data["country"],
        max_km=form.cleaned_data["max_km"],
    )
    return Status(202, RunOut.from_orm(run).model_dump(mode="json"))
