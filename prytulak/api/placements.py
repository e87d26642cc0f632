"""/api/v1/placements/: proposals and their lifecycle, seen by the organisations on
either side."""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from prytulak.housing import placements, selectors
from prytulak.housing.models import Placement, PlacementStatus, Side
from prytulak.people.selectors import household_get

from .idempotency import idempotent
from .schemas import Id, Page, Str, one_of, path_id, responses

router = Router(tags=["placements"])


class PlacementOut(Schema):
    id: int
    household_id: int
    offer_id: int
    status: str
    beds: int
    start_date: datetime.date
    end_date: datetime.date | None
    score: float | None
    run_id: int | None
    host_accepted_at: datetime.datetime | None
    household_accepted_at: datetime.datetime | None
    contacts_released_at: datetime.datetime | None
    arrived_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    created_at: datetime.datetime


class PlacementFilter(Schema):
    status: one_of(["", *PlacementStatus.values]) = ""  # type: ignore[valid-type]


class ProposeIn(Schema):
    household: Id
    offer: Id


class AnswerIn(Schema):
    side: one_of(Side.values) = Field(..., description="Whose answer this records.")  # type: ignore[valid-type]
    note: Str = Field("", max_length=300)


class DeclineIn(Schema):
    side: one_of(Side.values) = Field(..., description="Whose answer this records.")  # type: ignore[valid-type]
    reason: Str = Field(..., min_length=1, max_length=300)


@router.get("", response=responses(list[PlacementOut]), summary="List placements")
@paginate(Page)
def placement_list(request: HttpRequest, filters: Query[PlacementFilter]):  # noqa: ANN201
    return selectors.placement_list(actor=request.actor, status=filters.status)  # type: ignore[attr-defined]


@router.get("{placement_id}", response=responses(PlacementOut), summary="One placement")
def placement_get(request: HttpRequest, placement_id: int = path_id()):  # noqa: ANN201
    return Status(200, selectors.placement_get(actor=request.actor, pk=placement_id))  # type: ignore[attr-defined]


def _answer(request: HttpRequest, pk: int) -> dict:
    placement = selectors.placement_get(actor=request.actor, pk=pk)  # type: ignore[attr-defined]
    return PlacementOut.from_orm(placement).model_dump(mode="json")


@router.post("", response=responses(PlacementOut, 201), summary="Propose a place")
@idempotent(Placement, _answer)
def placement_propose(request: HttpRequest, payload: ProposeIn):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    household = household_get(actor=actor, pk=payload.household)
    offer = selectors.offer_get(actor=actor, pk=payload.offer)
    placement = placements.placement_propose(household=household, offer=offer, actor=actor)
    return Status(201, PlacementOut.from_orm(placement).model_dump(mode="json"))


@router.post("{placement_id}/accept", response=responses(PlacementOut), summary="Record a “yes”")
def placement_accept(request: HttpRequest, payload: AnswerIn, placement_id: int = path_id()):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    placement = selectors.placement_get(actor=actor, pk=placement_id)
    placement = placements.placement_accept(
        placement=placement, actor=actor, side=payload.side, note=payload.note
    )
    return Status(200, placement)


@router.post("{placement_id}/decline", response=responses(PlacementOut), summary="Record a “no”")
def placement_decline(request: HttpRequest, payload: DeclineIn, placement_id: int = path_id()):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    placement = selectors.placement_get(actor=actor, pk=placement_id)
    placement = placements.placement_decline(
        placement=placement, actor=actor, side=payload.side, reason=payload.reason
    )
    return Status(200, placement)
