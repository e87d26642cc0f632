"""The aid pages: forms keep what was typed and say what is wrong; manifest; CSV reports."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

from prytulak.aid import services
from prytulak.aid.models import AidRequest, RequestStatus, Shipment, StockMove
from prytulak.aid.services import Line
from prytulak.core.csv_export import safe_cell
from prytulak.orgs.scopes import actor_for


def lines(*rows):
    data = {"lines-TOTAL_FORMS": str(max(len(rows), 1)), "lines-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def test_a_donation_is_received_from_the_form(client, keeper_a, warehouse_a, blankets, insulin):
    client.force_login(keeper_a)
    data = {
        "warehouse": warehouse_a.pk,
        "donor": "Caritas Lublin",
        "received_on": timezone.localdate().isoformat(),
        **lines(
            {"item": blankets.pk, "quantity": "200"},
            {"item": insulin.pk, "quantity": "30", "lot": "X77", "expiry": "2031-01-31"},
        ),
    }
    response = client.post(reverse("donation-new"), data)
    assert response.status_code == 302
    assert services.stock_on_hand(warehouse_a, blankets) == 200
    assert services.stock_on_hand(warehouse_a, insulin, "X77") == 30


def test_bad_goods_lines_get_clear_errors_and_nothing_is_lost(
    client, keeper_a, warehouse_a, blankets, insulin
):
    client.force_login(keeper_a)
    base = {
        "warehouse": warehouse_a.pk,
        "donor": "Parafia św. Józefa",
        "received_on": timezone.localdate().isoformat(),
    }
    cases = [
        ({"item": blankets.pk, "quantity": "-5"}, "whole numbers above zero"),
        ({"item": "999999", "quantity": "5"}, "no such item in the catalogue"),
        ({"item": insulin.pk, "quantity": "5"}, "give its lot and expiry"),
        ({"item": blankets.pk, "quantity": ""}, "How many?"),
    ]
    for row, message in cases:
        response = client.post(reverse("donation-new"), {**base, **lines(row)})
        assert response.status_code == 200, row
        assert message in response.text, row
        assert "Parafia św. Józefa" in response.text  # what was typed is still there
    assert not StockMove.objects.exists()


def test_a_shipment_from_an_empty_warehouse_is_refused_on_the_page(
    client, keeper_a, warehouse_a, blankets
):
    client.force_login(keeper_a)
    data = {
        "warehouse": warehouse_a.pk,
        "destination": "Izium hospital",
        **lines({"item": blankets.pk, "quantity": "10"}),
    }
    response = client.post(reverse("shipment-new"), data)
    assert response.status_code == 200
    assert "There is no Blanket in Main store" in response.text
    assert "Izium hospital" in response.text
    assert not Shipment.objects.exists()


def test_a_request_is_followed_to_delivery_with_a_manifest(client, keeper_a, warehouse_a, blankets):
    k = actor_for(keeper_a)
    services.donation_receive(
        actor=k, warehouse=warehouse_a, donor="x", received_on=timezone.localdate(),
        lines=[Line(blankets, 100)],
    )  # fmt: skip
    request = services.request_create(
        actor=k, recipient="Kharkiv shelter No. 4", place="Kharkiv", contact="+380501112233",
        urgency=3, lines=[(blankets, 80)],
    )  # fmt: skip
    client.force_login(keeper_a)
    response = client.post(
        reverse("shipment-new"),
        {"warehouse": warehouse_a.pk, "request": request.pk, "destination": "Kharkiv",
         **lines({"item": blankets.pk, "quantity": "50"})},
    )  # fmt: skip
    shipment = Shipment.objects.get()
    assert response.status_code == 302
    assert AidRequest.objects.get().status == RequestStatus.PARTLY
    manifest = client.get(reverse("shipment-manifest", args=[shipment.pk]))
    assert "Kharkiv shelter No. 4" in manifest.text and "Received by" in manifest.text
    for _ in range(2):
        client.post(reverse("shipment-step", args=[shipment.pk]))
    line = shipment.lines.get()
    url = reverse("shipment-deliver", args=[shipment.pk])
    client.post(url, {"confirmed_by": "Ihor, duty manager", f"line_{line.pk}": "48"})
    twice = client.post(url, {"confirmed_by": "Ihor", f"line_{line.pk}": "48"}, follow=True)
    assert "already confirmed" in twice.text
    line.refresh_from_db()
    assert (line.delivered, line.lost) == (48, 2)


def test_csv_reports_hold_no_formulas_and_no_personal_data(client, keeper_a, warehouse_a, blankets):
    k = actor_for(keeper_a)
    services.donation_receive(
        actor=k, warehouse=warehouse_a, donor="Anna Nowak, +48 600 000 000",
        received_on=timezone.localdate(), lines=[Line(blankets, 5)],
    )  # fmt: skip
    services.request_create(
        actor=k, recipient='=HYPERLINK("http://evil.example","click")', place="@SUM(1+1)",
        contact="+380501112233", urgency=1, lines=[(blankets, 5)],
    )  # fmt: skip
    client.force_login(keeper_a)
    for kind in ("stock", "requests", "shipments"):
        response = client.get(reverse("aid-report", args=[kind]))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        assert "Anna Nowak" not in text and "+380501112233" not in text
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), cell
    assert safe_cell("=1+1") == "'=1+1" and safe_cell(-3) == -3 and safe_cell("ok") == "ok"


def test_aid_pages_are_for_the_organisation_and_its_aid_roles(
    client, caseworker_a, coordinator_b, keeper_a, warehouse_a
):
    client.force_login(caseworker_a)
    assert client.get(reverse("aid-home")).status_code == 403
    client.force_login(keeper_a)
    assert client.get(reverse("aid-home")).status_code == 200
    shipment = Shipment.objects.create(warehouse=warehouse_a, destination="Sumy")
    client.force_login(coordinator_b)
    assert client.get(reverse("shipment-detail", args=[shipment.pk])).status_code == 404


def test_the_report_counts_requests_and_shipments_by_status(
    client, keeper_a, warehouse_a, blankets
):
    from prytulak.aid import selectors

    k = actor_for(keeper_a)
    services.donation_receive(
        actor=k, warehouse=warehouse_a, donor="x", received_on=timezone.localdate(),
        lines=[Line(blankets, 30)],
    )  # fmt: skip
    first = services.request_create(
        actor=k, recipient="A", place="Sumy", contact="", urgency=1, lines=[(blankets, 10)]
    )
    services.request_create(
        actor=k, recipient="B", place="Sumy", contact="", urgency=1, lines=[(blankets, 10)]
    )
    services.shipment_pack(
        actor=k, warehouse=warehouse_a, destination="Sumy", lines=[(blankets, 10)], request=first
    )
    assert selectors.request_counts(actor=k) == {"Fulfilled": 1, "Open": 1}
    assert selectors.shipment_counts(actor=k) == {"Packed": 1}
    client.force_login(keeper_a)
    page = client.get(reverse("aid-home"))
    assert "Fulfilled: 1" in page.text and "Packed: 1" in page.text
