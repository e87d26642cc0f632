"""/api/v1/cases/: legal, school, medical and other assistance cases."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from prytulak.assistance import selectors, services
from prytulak.assistance.forms import CaseForm
from prytulak.assistance.models import Case, CaseStatus, CaseType
from prytulak.audit.log import log_access
from prytulak.people.selectors import household_get

from .idempotency import idempotent
from .schemas import Id, IsoDate, Page, Str, form_data, one_of, path_id, responses, validated

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    household_id: int
    person_id: int | None
    type: str
    status: str
    organization_id: int
    assignee_id: int | None
    provider_id: int | None
    due_on: datetime.date | None
    child: bool
    unaccompanied_minor: bool
    created_at: datetime.datetime


class CaseDetailOut(CaseOut):
    notes: str
    checklist: list[dict]

    @staticmethod
    def resolve_notes(obj) -> str:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["notes"]
        return obj.notes or ""


class CaseFilter(Schema):
    status: one_of(["", *CaseStatus.values]) = ""  # type: ignore[valid-type]
    type: one_of(["", *CaseType.values]) = ""  # type: ignore[valid-type]


class CaseIn(Schema):
    household: Id
    type: one_of(CaseType.values)  # type: ignore[valid-type]
    person: Id | None = None
    due_on: IsoDate | None = None
    provider: Id | None = None
    checklist: list[Str] = Field([], max_length=50)
    notes: Str = Field("", max_length=5000)


def detail(request: HttpRequest, case) -> dict:  # noqa: ANN001
    log_access(
        actor=request.actor,  # type: ignore[attr-defined]
        obj=case,
        action="case.viewed",
        fields=["notes", "household"],
        reason=_("API"),
    )
    return CaseDetailOut.from_orm(case).model_dump(mode="json")


@router.get("", response=responses(list[CaseOut]), summary="List cases")
@paginate(Page)
def case_list(request: HttpRequest, filters: Query[CaseFilter]):  # noqa: ANN201
    qs = selectors.case_scope(request.actor)  # type: ignore[attr-defined]
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.type:
        qs = qs.filter(type=filters.type)
    return qs.order_by("-created_at", "-pk")


@router.get("{case_id}", response=responses(CaseDetailOut), summary="One case")
def case_get(request: HttpRequest, case_id: int = path_id()):  # noqa: ANN201
    case = selectors.case_scope(request.actor).get(pk=case_id)  # type: ignore[attr-defined]
    return Status(200, detail(request, case))


def _answer(request: HttpRequest, pk: int) -> dict:
    return detail(request, selectors.case_scope(request.actor).get(pk=pk))  # type: ignore[attr-defined]


@router.post("", response=responses(CaseDetailOut, 201), summary="Open a case")
@idempotent(Case, _answer)
def case_open(request: HttpRequest, payload: CaseIn):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    values = payload.dict()
    household = household_get(actor=actor, pk=values.pop("household"))
    values["checklist"] = "\n".join(values["checklist"])
    form = validated(CaseForm(form_data(values), household=household))
    case = services.case_open(actor=actor, household=household, **form.case_data())
    return Status(201, detail(request, case))
