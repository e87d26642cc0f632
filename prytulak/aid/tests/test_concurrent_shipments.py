"""Twenty warehouse volunteers pack twenty shipments of 10 blankets from the same 50 at the
same moment: exactly five are packed, the rest are refused, and the stock ends at zero, never
below. Real processes, on SQLite and PostgreSQL."""

import pytest
from django.utils import timezone

from prytulak.aid import services
from prytulak.aid.models import Shipment, StockMove
from prytulak.aid.services import Line
from prytulak.core.testing import race
from prytulak.orgs.scopes import actor_for

WORKERS = 20


def _pack(warehouse_id: int, item_id: int, user_id: int) -> None:
    from django.contrib.auth.models import User

    from prytulak.aid.models import Item, Warehouse

    services.shipment_pack(
        actor=actor_for(User.objects.get(pk=user_id)),
        warehouse=Warehouse.objects.get(pk=warehouse_id),
        destination="Kharkiv",
        lines=[(Item.objects.get(pk=item_id), 10)],
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_shipments_never_oversell(keeper_a, warehouse_a, blankets):
    services.donation_receive(
        actor=actor_for(keeper_a), warehouse=warehouse_a, donor="Caritas",
        received_on=timezone.localdate(), lines=[Line(blankets, 50)],
    )  # fmt: skip
    outcomes = race(_pack, [(warehouse_a.pk, blankets.pk, keeper_a.pk)] * WORKERS)
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(1 for o, _ in outcomes if o == "ok") == 5
    refusals = [m for o, m in outcomes if o == "refused"]
    assert len(refusals) == WORKERS - 5
    # Once the last ten are packed the store is empty, which is said as such.
    assert all(
        "There is no Blanket in Main store" in m or "Only 0 pieces of Blanket" in m
        for m in refusals
    ), refusals
    assert Shipment.objects.count() == 5
    assert services.stock_on_hand(warehouse_a, blankets) == 0
    assert StockMove.objects.filter(kind="shipment").count() == 5
