"""/api/v1/stock/ and /api/v1/warehouses/: what the organisation holds, where."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from prytulak.aid import selectors
from prytulak.core.errors import NotAllowed

from .schemas import Page, responses

router = Router(tags=["aid"])


class StockOut(Schema):
    warehouse: str
    city: str
    item: str
    unit: str
    lot: str
    expiry: datetime.date | None
    quantity: int
    expired: bool
    expiring: bool


class WarehouseOut(Schema):
    id: int
    name: str
    city: str
    country: str


@router.get("stock/", response=responses(list[StockOut]), summary="Stock on hand")
@paginate(Page)
def stock_list(request: HttpRequest):  # noqa: ANN201
    if not selectors.aid_visible(request.actor):  # type: ignore[attr-defined]
        raise NotAllowed
    return [
        {
            "warehouse": r["warehouse__name"],
            "city": r["warehouse__city"],
            "item": r["item__name"],
            "unit": r["item__unit"],
            "lot": r["lot"],
            "expiry": r["expiry"],
            "quantity": r["quantity"],
            "expired": r["expired"],
            "expiring": r["expiring"],
        }
        for r in selectors.stock_rows(actor=request.actor)  # type: ignore[attr-defined]
    ]


@router.get("warehouses/", response=responses(list[WarehouseOut]), summary="Warehouses")
@paginate(Page)
def warehouse_list(request: HttpRequest):  # noqa: ANN201
    if not selectors.aid_visible(request.actor):  # type: ignore[attr-defined]
        raise NotAllowed
    return selectors.warehouses(actor=request.actor).order_by("name", "pk")  # type: ignore[attr-defined]
