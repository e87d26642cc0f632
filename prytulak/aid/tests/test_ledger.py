"""The stock ledger: balances after any sequence of movements, never negative, first expiry
first out, and clear errors for bad input."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from prytulak.aid import services
from prytulak.aid.models import Item, MoveKind, ShipmentStatus, StockMove, Warehouse
from prytulak.aid.services import Line
from prytulak.conftest import make_member
from prytulak.core.errors import ServiceError
from prytulak.orgs.models import Organization, Role
from prytulak.orgs.scopes import actor_for

from .conftest import days


def receive(actor, warehouse, *lines, donor="Parish of St. Anne"):
    return services.donation_receive(
        actor=actor, warehouse=warehouse, donor=donor, received_on=timezone.localdate(),
        lines=list(lines),
    )  # fmt: skip


def on_hand(warehouse, item, lot=""):
    return services.stock_on_hand(warehouse, item, lot)


def test_a_write_off_below_zero_is_refused_with_the_numbers(keeper_a, warehouse_a, blankets):
    k = actor_for(keeper_a)
    receive(k, warehouse_a, Line(blankets, 40))
    with pytest.raises(ServiceError) as exc:
        services.stock_write_off(
            actor=k, warehouse=warehouse_a, item=blankets, quantity=41, reason="wet"
        )
    assert "Not enough stock: 40 pieces of Blanket in Main store (Lublin), 41 asked for." in str(
        exc.value
    )
    assert on_hand(warehouse_a, blankets) == 40
    assert StockMove.objects.count() == 1


def test_the_database_refuses_a_move_whose_sign_does_not_match(warehouse_a, blankets):
    for kind, quantity in [(MoveKind.RECEIPT, -5), (MoveKind.SHIPMENT, 5), (MoveKind.WRITE_OFF, 0)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            StockMove.objects.create(
                warehouse=warehouse_a, item=blankets, quantity=quantity, kind=kind
            )


@pytest.mark.parametrize("quantity", [0, -3, 2.5, "7", True])
def test_quantities_must_be_whole_and_positive(keeper_a, warehouse_a, blankets, quantity):
    with pytest.raises(ServiceError, match="whole numbers above zero"):
        receive(actor_for(keeper_a), warehouse_a, Line(blankets, quantity))
    assert not StockMove.objects.exists()


def test_medical_items_need_lot_and_expiry_and_expired_goods_are_not_taken_in(
    keeper_a, warehouse_a, insulin
):
    k = actor_for(keeper_a)
    with pytest.raises(ServiceError, match="medical item: give its lot and expiry"):
        receive(k, warehouse_a, Line(insulin, 10))
    with pytest.raises(ServiceError, match="expired on"):
        receive(k, warehouse_a, Line(insulin, 10, lot="A1", expiry=days(-1)))
    assert not StockMove.objects.exists()


def test_first_expiry_first_out_and_expired_lots_are_never_shipped(keeper_a, warehouse_a, insulin):
    k = actor_for(keeper_a)
    receive(
        k, warehouse_a,
        Line(insulin, 5, lot="LATE", expiry=days(300)),
        Line(insulin, 4, lot="SOON", expiry=days(20)),
        Line(insulin, 3, lot="NEXT", expiry=days(60)),
    )  # fmt: skip
    assert services.fefo(warehouse_a, insulin, 6) == [
        ("SOON", days(20), 4),
        ("NEXT", days(60), 2),
    ]
    # Forty days on, SOON has expired: it is skipped, and the rest cannot cover 10.
    assert services.fefo(warehouse_a, insulin, 6, on=days(40)) == [
        ("NEXT", days(60), 3),
        ("LATE", days(300), 3),
    ]
    with pytest.raises(ServiceError, match="Only 8 boxes of Insulin pen"):
        services.fefo(warehouse_a, insulin, 10, on=days(40))
    shipment = services.shipment_pack(
        actor=k, warehouse=warehouse_a, destination="Kharkiv Regional Hospital",
        lines=[(insulin, 6)],
    )  # fmt: skip
    assert list(shipment.lines.values_list("lot", "quantity")) == [("SOON", 4), ("NEXT", 2)]
    assert on_hand(warehouse_a, insulin, "SOON") == 0


def test_a_shipment_from_an_empty_warehouse_is_refused(keeper_a, warehouse_a, blankets):
    with pytest.raises(ServiceError, match="There is no Blanket in Main store"):
        services.shipment_pack(
            actor=actor_for(keeper_a), warehouse=warehouse_a, destination="Izium",
            lines=[(blankets, 1)],
        )  # fmt: skip
    assert not StockMove.objects.exists()


def test_a_delivery_is_confirmed_once_with_losses_recorded(keeper_a, warehouse_a, blankets):
    k = actor_for(keeper_a)
    receive(k, warehouse_a, Line(blankets, 100))
    shipment = services.shipment_pack(
        actor=k, warehouse=warehouse_a, destination="Shelter in Zaporizhzhia",
        lines=[(blankets, 60)],
    )  # fmt: skip
    with pytest.raises(ServiceError, match="Only a dispatched shipment"):
        services.shipment_deliver(actor=k, shipment=shipment, confirmed_by="Oksana", delivered={})
    services.shipment_advance(actor=k, shipment=shipment)
    services.shipment_advance(actor=k, shipment=shipment)
    line = shipment.lines.get()
    with pytest.raises(ServiceError, match="between 0 and 60 arrived"):
        services.shipment_deliver(
            actor=k, shipment=shipment, confirmed_by="Oksana", delivered={line.pk: 61}
        )
    services.shipment_deliver(
        actor=k, shipment=shipment, confirmed_by="Oksana Lysenko, shelter manager",
        delivered={line.pk: 55}, note="5 soaked in rain",
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.delivered, line.lost) == (55, 5)
    with pytest.raises(ServiceError, match="already confirmed on .* by Oksana Lysenko"):
        services.shipment_deliver(
            actor=k, shipment=shipment, confirmed_by="someone else", delivered={}
        )
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.delivery_confirmed_by == "Oksana Lysenko, shelter manager"


def test_only_the_warehouses_organisation_moves_its_stock(
    caseworker_a, coordinator_b, warehouse_a, blankets
):
    for user in (caseworker_a, coordinator_b):
        with pytest.raises(PermissionDenied):
            receive(actor_for(user), warehouse_a, Line(blankets, 1))


class LedgerProperty(TestCase):
    """Any sequence of receipts, transfers, write-offs, shipments and cancellations: the
    ledger's sums equal a plain count kept beside it, no balance is ever negative, and every
    refused operation leaves the ledger exactly as it was. (Hypothesis' Django TestCase rolls
    each example back, so every example starts from an empty ledger.)"""

    @classmethod
    def setUpTestData(cls):
        org = Organization.objects.create(name="Ledger org", slug="ledger")
        cls.actor = actor_for(make_member(org, Role.WAREHOUSE, "ledger_keeper"))
        cls.houses = [
            Warehouse.objects.create(organization=org, name=f"W{i}", city="Lublin", country="PL")
            for i in range(2)
        ]
        cls.items = [
            Item.objects.create(name=f"Item {i}", unit="pcs", category="other") for i in range(2)
        ]

    operations = st.lists(
        st.tuples(
            st.sampled_from(["receive", "transfer", "write_off", "ship", "cancel"]),
            st.integers(0, 1),  # warehouse
            st.integers(0, 1),  # item
            st.integers(1, 30),  # quantity
        ),
        max_size=25,
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=operations)
    def test_the_ledger_balances_after_any_sequence(self, ops):
        expected = {(w.pk, i.pk): 0 for w in self.houses for i in self.items}
        shipments = []
        for op, w, i, q in ops:
            house, other, item = self.houses[w], self.houses[1 - w], self.items[i]
            before = StockMove.objects.count()
            try:
                if op == "receive":
                    receive(self.actor, house, Line(item, q))
                    expected[house.pk, item.pk] += q
                elif op == "transfer":
                    services.stock_transfer(
                        actor=self.actor, source=house, target=other, item=item, quantity=q
                    )
                    expected[house.pk, item.pk] -= q
                    expected[other.pk, item.pk] += q
                elif op == "write_off":
                    services.stock_write_off(
                        actor=self.actor, warehouse=house, item=item, quantity=q, reason="damaged"
                    )
                    expected[house.pk, item.pk] -= q
                elif op == "ship":
                    s = services.shipment_pack(
                        actor=self.actor, warehouse=house, destination="Kherson",
                        lines=[(item, q)],
                    )  # fmt: skip
                    shipments.append(s)
                    expected[house.pk, item.pk] -= q
                elif op == "cancel" and shipments:
                    s = shipments.pop()
                    services.shipment_cancel(actor=self.actor, shipment=s)
                    for line in s.lines.all():
                        expected[s.warehouse_id, line.item_id] += line.quantity
            except ServiceError:
                assert StockMove.objects.count() == before  # refused: nothing written
            for (wh, it), qty in expected.items():
                total = (
                    StockMove.objects.filter(warehouse_id=wh, item_id=it).aggregate(
                        t=Sum("quantity")
                    )["t"]
                    or 0
                )
                assert total == qty >= 0
