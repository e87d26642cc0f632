"""Exports open safely in spreadsheet programs: text that looks like a formula stays text."""

import csv
import io

import pytest
from openpyxl import load_workbook

from prytulak.conftest import make_household, make_offer


@pytest.mark.django_db
def test_offer_and_household_exports_neutralise_formulas(client, org_a, coordinator_a):
    make_offer(
        org_a,
        city='=HYPERLINK("http://evil.example","click")',
        notes="Marta, the host's daughter, is expecting a baby",
    )
    household = make_household(org_a)
    household.arrival_place = "@SUM(1+1)"
    household.save()
    client.force_login(coordinator_a)
    text = client.get("/en/staff/offers/?export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Offer"
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example","click")'
    # The host's notes are not exported to everyone who can list the pool.
    assert "Notes" not in rows[0] and "Marta" not in text
    book = load_workbook(io.BytesIO(client.get("/en/staff/offers/?export=xlsx").content))
    cell = book.active.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert not any(
        "Marta" in str(v) for row in book.active.iter_rows(values_only=True) for v in row
    )
    households = load_workbook(
        io.BytesIO(client.get("/en/staff/households/?export=xlsx").content)
    ).active
    values = [c.value for c in households[2]]
    assert "'@SUM(1+1)" in values
    assert not any("Olena" in str(v) for row in households.iter_rows(values_only=True) for v in row)
