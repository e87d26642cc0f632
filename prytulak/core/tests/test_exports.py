"""Exports for other systems: the service directory validates against the published HSDS 3.0
schema, the aggregate tables are valid HXL (libhxl), and small counts of people never show."""

import csv
import io
import json
from pathlib import Path

import hxl
import jsonschema
import pytest
from django.urls import reverse
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from prytulak.aid.models import Item, StockMove, Warehouse
from prytulak.assistance.models import Case, CaseType, ServiceProvider
from prytulak.conftest import make_household
from prytulak.people.models import Household

SCHEMAS = Path(__file__).resolve().parents[2] / "assistance" / "hsds_schema"


def _service_validator():
    """The vendored HSDS files, each under its own file name, so their relative $refs
    (organization.json, language.json) resolve to each other with no network."""
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in SCHEMAS.glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    schema = {"$ref": "service.json"}
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )


@pytest.fixture
def providers(org_a):
    ServiceProvider.objects.create(
        name="Legal clinic Kraków",
        kind="lawyer",
        case_types=[CaseType.LEGAL_STATUS, CaseType.DOCUMENTS],
        city="Kraków",
        country="PL",
        latitude=50.06,
        longitude=19.94,
        languages=["uk", "pl"],
        opening_hours="Mon–Fri 9–17",
        contact="+48 12 000 00 00",
        added_by=org_a,
    )
    ServiceProvider.objects.create(
        name="Psychologist Vilnius",
        kind="psychologist",
        city="Vilnius",
        country="LT",
        latitude=54.69,
        longitude=25.28,
        languages=["ru"],
    )


def test_the_directory_validates_against_the_hsds_schema(client, coordinator_a, providers):
    client.force_login(coordinator_a)
    response = client.get(reverse("export-hsds"))
    assert response.status_code == 200
    page = response.json()
    assert page["total_items"] == 2
    validator = _service_validator()
    for service in page["contents"]:
        errors = [e.message for e in validator.iter_errors(service)]
        assert errors == []
    first = page["contents"][0]
    assert first["name"] == "Legal clinic Kraków"
    assert first["organization"]["name"] == "BY_help test"
    assert [lang["code"] for lang in first["languages"]] == ["uk", "pl"]


def test_the_validator_does_find_a_bad_service():
    """The check above can fail: a service without a status, or with one HSDS does not know."""
    validator = _service_validator()
    assert list(validator.iter_errors({"id": "x", "name": "y"}))
    assert list(validator.iter_errors({"id": "x", "name": "y", "status": "open"}))
    bad_org = {"id": "x", "name": "y", "status": "active", "organization": {"id": "o"}}
    assert list(validator.iter_errors(bad_org))  # the nested organization.json applies too


def _hxl_rows(client, table):
    response = client.get(reverse("export-hxl"), {"table": table})
    assert response.status_code == 200
    text = response.content.decode()
    dataset = hxl.data(io.BytesIO(response.content))
    # libhxl's validator with the HXL core schema: tags it can read, values of their types.
    report = hxl.validate(dataset)
    assert report["is_valid"], report["issues"]
    return dataset, list(csv.reader(io.StringIO(text)))


def test_households_by_arrival_place_suppress_small_counts(client, coordinator_a, org_a):
    for i in range(6):
        make_household(org_a, phone=f"+38067000000{i}")
    lone = make_household(org_a, phone="+380670000099")
    Household.objects.filter(pk=lone.pk).update(arrival_place="Chełm")
    client.force_login(coordinator_a)
    dataset, rows = _hxl_rows(client, "households-by-arrival-place")
    assert [str(c.tag) for c in dataset.columns][:2] == ["#country", "#loc"]
    assert "#affected+households" in rows[1]
    counts = {row[1]: (row[2], row[3]) for row in rows[2:]}
    assert counts == {"Przemyśl": ("6", ""), "Chełm": ("", "<5")}


def test_cases_by_type_and_stock(client, coordinator_a, org_a):
    household = make_household(org_a)
    for _ in range(5):
        Case.objects.create(household=household, type=CaseType.MEDICAL, organization=org_a)
    Case.objects.create(household=household, type=CaseType.SCHOOL, organization=org_a)
    warehouse = Warehouse.objects.create(organization=org_a, name="Lublin hub", city="Lublin")
    item = Item.objects.create(name="Blankets", unit="pcs", category="shelter")
    StockMove.objects.create(warehouse=warehouse, item=item, quantity=3, kind="receipt")
    client.force_login(coordinator_a)
    _dataset, rows = _hxl_rows(client, "cases-by-type")
    assert [(r[0], r[3], r[4]) for r in rows[2:]] == [("medical", "5", ""), ("school", "", "<5")]
    _dataset, rows = _hxl_rows(client, "stock-by-warehouse")
    assert rows[2][0] == "Lublin hub"
    assert rows[2][-1] == "3"  # things, not people: exact


def test_placements_by_country_is_valid_hxl(client, viewer_a):
    client.force_login(viewer_a)
    _dataset, rows = _hxl_rows(client, "placements-by-country")
    assert rows[1] == ["#country+code", "#reached+households+housed", "#meta+suppressed"]


def test_an_unknown_table_is_a_clear_error(client, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(reverse("export-hxl"), {"table": "everything"})
    assert response.status_code == 400
    assert "households-by-arrival-place" in response.content.decode()


def test_other_organisations_counts_are_not_included(client, coordinator_b, org_a):
    for i in range(6):
        make_household(org_a, phone=f"+38067000001{i}")
    client.force_login(coordinator_b)
    _dataset, rows = _hxl_rows(client, "households-by-arrival-place")
    assert rows[2:] == []


def test_a_driver_may_not_export_statistics(client, driver_a):
    client.force_login(driver_a)
    assert client.get(reverse("export-hxl")).status_code == 403
