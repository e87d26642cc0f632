"""An offer's notes are the host's own words, often about the people living there: encrypted
at rest, shown only where the host's contact details are, and not searched."""

import pytest
from django.db import connection
from django.urls import reverse

from prytulak.api.tests.test_api import call, key_for
from prytulak.conftest import make_offer

NOTES = "Marta, the host's daughter, is expecting a baby in May"


@pytest.fixture
def offer(org_a):
    return make_offer(org_a, notes=NOTES)


def test_the_notes_are_ciphertext_in_the_offer_table(offer):
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM housing_hostoffer WHERE id = %s", [offer.pk])
        raw = cursor.fetchone()[0]
    assert "Marta" not in raw and raw.startswith("gAAAAA")


def test_the_verifying_organisation_sees_the_notes_on_the_offer_page(client, caseworker_a, offer):
    client.force_login(caseworker_a)
    page = client.get(reverse("offer-detail", args=[offer.pk])).content.decode()
    assert "Marta" in page


def test_another_organisation_does_not_see_the_notes(client, caseworker_b, viewer_a, offer):
    for user in (caseworker_b, viewer_a):
        client.force_login(user)
        response = client.get(reverse("offer-detail", args=[offer.pk]))
        assert response.status_code == 200
        assert "Marta" not in response.content.decode()


def test_the_api_gives_the_notes_only_with_the_contact_details(
    caseworker_a, coordinator_a, caseworker_b, coordinator_b, offer
):
    mine = call("get", f"/api/v1/offers/{offer.pk}", key_for(caseworker_a, coordinator_a)).json()
    assert mine["notes"] == NOTES and mine["contact"] is not None
    theirs = call("get", f"/api/v1/offers/{offer.pk}", key_for(caseworker_b, coordinator_b)).json()
    assert theirs["notes"] == "" and theirs["contact"] is None


def test_the_offer_list_search_does_not_look_into_the_notes(client, caseworker_b, offer):
    client.force_login(caseworker_b)
    found = client.get(reverse("offer-list"), {"q": "Marta"}).content.decode()
    assert reverse("offer-detail", args=[offer.pk]) not in found
    found = client.get(reverse("offer-list"), {"q": "Kraków"}).content.decode()
    assert reverse("offer-detail", args=[offer.pk]) in found
