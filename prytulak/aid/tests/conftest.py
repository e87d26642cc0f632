import datetime

import pytest
from django.utils import timezone

from prytulak.aid.models import Item, Warehouse
from prytulak.conftest import make_member
from prytulak.orgs.models import Role


@pytest.fixture
def warehouse_a(org_a):
    return Warehouse.objects.create(
        organization=org_a, name="Main store", city="Lublin", country="PL"
    )


@pytest.fixture
def depot_a(org_a):
    return Warehouse.objects.create(organization=org_a, name="Depot", city="Chełm", country="PL")


@pytest.fixture
def keeper_a(org_a):
    return make_member(org_a, Role.WAREHOUSE, "wanda_warehouse")


@pytest.fixture
def blankets(db):
    return Item.objects.create(name="Blanket", unit="pcs", category="clothing")


@pytest.fixture
def insulin(db):
    return Item.objects.create(name="Insulin pen", unit="box", category="medical", medical=True)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
