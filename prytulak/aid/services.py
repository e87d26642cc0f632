"""Stock movements, requests and shipments. Every change of stock is a new StockMove row;
stock leaving a warehouse is checked under a lock on the warehouse row, so concurrent moves
can never take it below zero."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core import i18n
from prytulak.core.errors import ServiceError
from prytulak.orgs.scopes import Actor

from .models import (
    AidRequest,
    AidRequestLine,
    Donation,
    Item,
    MoveKind,
    RequestStatus,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    StockMove,
    Warehouse,
)


@dataclass(frozen=True)
class Line:
    """One line of goods as a form or an import gives it."""

    item: Item
    quantity: int
    lot: str = ""
    expiry: datetime.date | None = None


def _may_manage(actor: Actor, warehouse: Warehouse) -> None:
    actor.require("warehouse.manage", warehouse)


def _check_quantity(quantity: Any) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise ServiceError(_("Quantities are whole numbers above zero."), code="quantity")
    return quantity


def stock_on_hand(warehouse: Warehouse, item: Item, lot: str = "") -> int:
    return (
        StockMove.objects.filter(warehouse=warehouse, item=item, lot=lot).aggregate(
            total=Sum("quantity")
        )["total"]
        or 0
    )


def lots(warehouse: Warehouse, item: Item) -> list[tuple[str, datetime.date | None, int]]:
    """(lot, expiry, quantity) with stock, earliest expiry first (no date last)."""
    rows = (
        StockMove.objects.filter(warehouse=warehouse, item=item)
        .values("lot", "expiry")
        .annotate(total=Sum("quantity"))
        .filter(total__gt=0)
    )
    found = [(r["lot"], r["expiry"], r["total"]) for r in rows]
    return sorted(found, key=lambda r: (r[1] is None, r[1] or datetime.date.max, r[0]))


def fefo(warehouse: Warehouse, item: Item, quantity: int, *, on: datetime.date | None = None):
    """First-expiry-first-out: which lots to take `quantity` from (expired lots skipped).
    Returns [(lot, expiry, quantity)] or raises when there is not enough."""
    on = on or timezone.localdate()
    picked, left = [], quantity
    usable = [(lot, exp, n) for lot, exp, n in lots(warehouse, item) if exp is None or exp >= on]
    for lot, expiry, available in usable:
        take = min(available, left)
        picked.append((lot, expiry, take))
        left -= take
        if left == 0:
            return picked
    have = quantity - left
    if have == 0 and not lots(warehouse, item):
        raise ServiceError(
            _("There is no %(item)s in %(warehouse)s.")
            % {"item": item.display_name, "warehouse": warehouse},
            code="empty",
        )
    raise ServiceError(
        _(
            "Only %(have)s of %(item)s can be taken from %(warehouse)s (not expired); %(want)s asked for."
        )
        % {
            "have": i18n.quantity(have, item.unit),
            "item": item.display_name,
            "warehouse": warehouse,
            "want": quantity,
        },  # fmt: skip
        code="insufficient",
    )


def _lock(warehouse: Warehouse) -> Warehouse:
    return Warehouse.objects.select_for_update().get(pk=warehouse.pk)


def _take(*, warehouse: Warehouse, line: Line, kind: str, actor: Actor, **extra: Any) -> StockMove:
    """Take goods out (the caller holds the warehouse lock)."""
    have = stock_on_hand(warehouse, line.item, line.lot)
    if have < line.quantity:
        what = f"{line.item.display_name}" + (f", {_('lot')} {line.lot}" if line.lot else "")
        raise ServiceError(
            _("Not enough stock: %(have)s of %(what)s in %(warehouse)s, %(want)s asked for.")
            % {
                "have": i18n.quantity(have, line.item.unit),
                "what": what,
                "warehouse": warehouse,
                "want": line.quantity,
            },  # fmt: skip
            code="negative",
        )
    return StockMove.objects.create(
        warehouse=warehouse,
        item=line.item,
        lot=line.lot,
        expiry=line.expiry,
        quantity=-line.quantity,
        kind=kind,
        created_by=actor.user,
        **extra,
    )


def _expiry_of(warehouse: Warehouse, item: Item, lot: str) -> datetime.date | None:
    return (
        StockMove.objects.filter(warehouse=warehouse, item=item, lot=lot)
        .values_list("expiry", flat=True)
        .first()
    )


def donation_receive(
    *, actor: Actor, warehouse: Warehouse, donor: str, received_on: datetime.date, lines: list[Line],
    note: str = "",
) -> Donation:  # fmt: skip
    """Goods received: one donation, one ledger row per line."""
    _may_manage(actor, warehouse)
    if not lines:
        raise ServiceError(_("Add at least one item."), code="empty")
    errors = []
    for line in lines:
        _check_quantity(line.quantity)
        if line.item.medical and (not line.lot or line.expiry is None):
            errors.append(
                _("%(item)s is a medical item: give its lot and expiry date.")
                % {"item": line.item.display_name}
            )
        if line.expiry is not None and line.expiry < received_on:
            errors.append(
                _("%(item)s expired on %(date)s; do not take it into stock.")
                % {"item": line.item.display_name, "date": line.expiry.isoformat()}
            )
    if received_on > timezone.localdate():
        errors.append(_("The date received cannot be in the future."))
    if errors:
        raise ServiceError(errors, code="invalid")
    with transaction.atomic():
        donation = Donation.objects.create(
            warehouse=warehouse, donor=donor, received_on=received_on, received_by=actor.user,
            note=note,
        )  # fmt: skip
        StockMove.objects.bulk_create(
            StockMove(
                warehouse=warehouse,
                item=line.item,
                lot=line.lot,
                expiry=line.expiry,
                quantity=line.quantity,
                kind=MoveKind.RECEIPT,
                donation=donation,
                created_by=actor.user,
            )  # fmt: skip
            for line in lines
        )
    return donation


def stock_transfer(
    *, actor: Actor, source: Warehouse, target: Warehouse, item: Item, quantity: int, lot: str = ""
) -> uuid.UUID:
    _may_manage(actor, source)
    _check_quantity(quantity)
    if source.pk == target.pk:
        raise ServiceError(_("Choose a different warehouse to send to."), code="same")
    transfer = uuid.uuid4()
    with transaction.atomic():
        source = _lock(source)
        expiry = _expiry_of(source, item, lot)
        line = Line(item=item, quantity=quantity, lot=lot, expiry=expiry)
        _take(
            warehouse=source, line=line, kind=MoveKind.TRANSFER_OUT, actor=actor, transfer=transfer
        )
        StockMove.objects.create(
            warehouse=target, item=item, lot=lot, expiry=expiry, quantity=quantity,
            kind=MoveKind.TRANSFER_IN, transfer=transfer, created_by=actor.user,
        )  # fmt: skip
    return transfer


def stock_write_off(
    *, actor: Actor, warehouse: Warehouse, item: Item, quantity: int, reason: str, lot: str = ""
) -> StockMove:
    _may_manage(actor, warehouse)
    _check_quantity(quantity)
    if not reason.strip():
        raise ServiceError(
            _("Say why the stock is written off (expired, damaged…)."), code="reason"
        )
    with transaction.atomic():
        warehouse = _lock(warehouse)
        line = Line(item=item, quantity=quantity, lot=lot, expiry=_expiry_of(warehouse, item, lot))
        return _take(
            warehouse=warehouse,
            line=line,
            kind=MoveKind.WRITE_OFF,
            actor=actor,
            reason=reason[:300],
        )


def request_create(
    *, actor: Actor, recipient: str, place: str, contact: str, urgency: int,
    lines: list[tuple[Item, int]],
) -> AidRequest:  # fmt: skip
    actor.require("aid.manage")
    if not lines:
        raise ServiceError(_("Add at least one item."), code="empty")
    for _item, quantity in lines:
        _check_quantity(quantity)
    with transaction.atomic():
        request = AidRequest(
            organization=actor.organization, recipient=recipient, place=place, contact=contact,
            urgency=urgency, created_by=actor.user,
        )  # fmt: skip
        request.full_clean()
        request.save()
        AidRequestLine.objects.bulk_create(
            AidRequestLine(request=request, item=item, quantity=quantity)
            for item, quantity in lines
        )
    return request


def shipment_pack(
    *, actor: Actor, warehouse: Warehouse, destination: str, lines: list[tuple[Item, int]],
    request: AidRequest | None = None,
) -> Shipment:  # fmt: skip
    """Pack goods for a shipment. Lots are taken first-expiry-first-out; the goods leave the
    warehouse's stock now (they are on the pallet)."""
    _may_manage(actor, warehouse)
    if not lines:
        raise ServiceError(_("Add at least one item."), code="empty")
    if not destination.strip():
        raise ServiceError(_("Say where the shipment goes."), code="destination")
    for _item, quantity in lines:
        _check_quantity(quantity)
    wanted: dict[Item, int] = defaultdict(int)
    for item, quantity in lines:
        wanted[item] += quantity
    with transaction.atomic():
        warehouse = _lock(warehouse)
        picks = {item: fefo(warehouse, item, quantity) for item, quantity in wanted.items()}
        shipment = Shipment.objects.create(
            warehouse=warehouse, request=request, destination=destination.strip()[:200],
            packed_by=actor.user,
        )  # fmt: skip
        for item, picked in picks.items():
            for lot, expiry, quantity in picked:
                line = Line(item=item, quantity=quantity, lot=lot, expiry=expiry)
                _take(
                    warehouse=warehouse,
                    line=line,
                    kind=MoveKind.SHIPMENT,
                    actor=actor,
                    shipment=shipment,
                )
                ShipmentLine.objects.create(
                    shipment=shipment, item=item, lot=lot, expiry=expiry, quantity=quantity
                )
        if request is not None:
            _update_request(request)
    return shipment


_NEXT = {
    ShipmentStatus.PACKED: ShipmentStatus.DISPATCHED,
    ShipmentStatus.DISPATCHED: ShipmentStatus.CROSSED,
}


def shipment_advance(*, actor: Actor, shipment: Shipment) -> Shipment:
    """Packed → dispatched → crossed the border (delivery is confirmed separately)."""
    _may_manage(actor, shipment.warehouse)
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        nxt = _NEXT.get(ShipmentStatus(shipment.status))
        if nxt is None:
            raise ServiceError(
                _("This shipment is “%(status)s”; it cannot move on.")
                % {"status": shipment.get_status_display()},
                code="status",
            )
        field = "dispatched_at" if nxt == ShipmentStatus.DISPATCHED else "crossed_at"
        setattr(shipment, field, timezone.now())
        shipment.status = nxt
        shipment.save(update_fields=["status", field])
    return shipment


def shipment_deliver(
    *,
    actor: Actor,
    shipment: Shipment,
    confirmed_by: str,
    delivered: dict[int, int],
    note: str = "",
) -> Shipment:
    """Delivery confirmed by someone at the destination (named). `delivered` gives, per line,
    how much arrived; less than packed is recorded as lost."""
    _may_manage(actor, shipment.warehouse)
    if not confirmed_by.strip():
        raise ServiceError(_("Say who confirmed the delivery."), code="who")
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.status == ShipmentStatus.DELIVERED:
            raise ServiceError(
                _("This delivery was already confirmed on %(date)s by %(who)s.")
                % {
                    "date": timezone.localtime(shipment.delivered_at).strftime("%Y-%m-%d"),
                    "who": shipment.delivery_confirmed_by,
                },  # fmt: skip
                code="twice",
            )
        if shipment.status not in (ShipmentStatus.DISPATCHED, ShipmentStatus.CROSSED):
            raise ServiceError(_("Only a dispatched shipment can be delivered."), code="status")
        lines = list(shipment.lines.all())
        errors = []
        for line in lines:
            got = delivered.get(line.pk, line.quantity)
            if not isinstance(got, int) or got < 0 or got > line.quantity:
                errors.append(
                    _("%(item)s: between 0 and %(max)s arrived.")
                    % {
                        "item": line.item.display_name,
                        "max": line.quantity,
                    }
                )
            line.delivered = got
        if errors:
            raise ServiceError(errors, code="delivered")
        ShipmentLine.objects.bulk_update(lines, ["delivered"])
        shipment.status = ShipmentStatus.DELIVERED
        shipment.delivered_at = timezone.now()
        shipment.delivery_confirmed_by = confirmed_by.strip()[:200]
        shipment.delivery_note = note[:300]
        shipment.save(
            update_fields=["status", "delivered_at", "delivery_confirmed_by", "delivery_note"]
        )
        if shipment.request is not None:
            _update_request(shipment.request)
    return shipment


def shipment_cancel(*, actor: Actor, shipment: Shipment) -> Shipment:
    """Unpack a shipment that has not left: its goods go back into stock."""
    _may_manage(actor, shipment.warehouse)
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.status != ShipmentStatus.PACKED:
            raise ServiceError(_("Only a shipment still in the warehouse can be unpacked."))
        StockMove.objects.bulk_create(
            StockMove(
                warehouse=shipment.warehouse,
                item=line.item,
                lot=line.lot,
                expiry=line.expiry,
                quantity=line.quantity,
                kind=MoveKind.UNPACK,
                shipment=shipment,
                created_by=actor.user,
            )  # fmt: skip
            for line in shipment.lines.all()
        )
        shipment.status = ShipmentStatus.CANCELLED
        shipment.save(update_fields=["status"])
        if shipment.request is not None:
            _update_request(shipment.request)
    return shipment


def _update_request(request: AidRequest) -> None:
    """Open → partly sent → fulfilled, from what live shipments carry."""
    sent: dict[int, int] = defaultdict(int)
    for line in ShipmentLine.objects.filter(shipment__request=request).exclude(
        shipment__status=ShipmentStatus.CANCELLED
    ):
        sent[line.item_id] += line.delivered if line.delivered is not None else line.quantity
    wanted = list(request.lines.all())
    if all(sent[w.item_id] >= w.quantity for w in wanted):
        status = RequestStatus.FULFILLED
    elif any(sent.values()):
        status = RequestStatus.PARTLY
    else:
        status = RequestStatus.OPEN
    AidRequest.objects.filter(pk=request.pk).exclude(status=RequestStatus.CANCELLED).update(
        status=status
    )
