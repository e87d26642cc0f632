"""Who may list and open households and offers."""

import pytest
from django.urls import reverse

from prytulak.conftest import make_household, make_offer
from prytulak.orgs.scopes import actor_for
from prytulak.people.selectors import household_list


def test_a_caseworker_lists_only_their_organisations_households(
    client, caseworker_a, household_a, household_b
):
    client.force_login(caseworker_a)
    response = client.get(reverse("household-list"))
    assert response.status_code == 200
    assert "Olena Kovalenko" in response.text
    assert "Iryna Bondarenko" not in response.text


def test_a_caseworker_cannot_open_another_organisations_household(
    client, caseworker_a, household_b
):
    client.force_login(caseworker_a)
    assert client.get(reverse("household-detail", args=[household_b.pk])).status_code == 404
    assert client.get(reverse("household-edit", args=[household_b.pk])).status_code == 404


def test_a_caseworker_cannot_find_another_organisations_household_by_search(
    client, caseworker_a, household_b
):
    client.force_login(caseworker_a)
    response = client.get(reverse("household-list"), {"q": household_b.phone})
    assert household_b.lead_name not in response.text
    response = client.get(reverse("household-list"), {"q": str(household_b.pk)})
    assert household_b.lead_name not in response.text


def test_a_coordinator_sees_the_pool_and_unassigned_registrations(
    coordinator_a, org_b, household_a
):
    shared = make_household(org_b, name="Shared Pool", share_level="full")
    private = make_household(org_b, name="Kept Private")
    unassigned = make_household(None, name="Public Form")
    names = set(household_list(actor=actor_for(coordinator_a)).values_list("lead_name", flat=True))
    assert names == {household_a.lead_name, shared.lead_name, unassigned.lead_name}
    assert private.lead_name not in names


def test_a_caseworker_does_not_see_the_pool(caseworker_a, org_b):
    make_household(org_b, name="Shared Pool", share_level="full")
    make_household(None, name="Public Form")
    assert household_list(actor=actor_for(caseworker_a)).count() == 0


def test_a_viewer_sees_households_but_not_contact_details(client, viewer_a, household_a):
    client.force_login(viewer_a)
    response = client.get(reverse("household-detail", args=[household_a.pk]))
    assert response.status_code == 200
    assert household_a.lead_name in response.text
    assert household_a.phone not in response.text
    assert household_a.email not in response.text
    # nor can a viewer find a household by its phone number
    response = client.get(reverse("household-list"), {"q": household_a.phone})
    assert household_a.lead_name not in response.text


def test_a_viewer_cannot_create_or_edit(client, viewer_a, household_a):
    client.force_login(viewer_a)
    assert client.get(reverse("household-create")).status_code == 403
    assert client.get(reverse("household-edit", args=[household_a.pk])).status_code == 403
    assert client.get(reverse("offer-create")).status_code == 403


@pytest.mark.parametrize("url_name", ["household-list", "offer-list"])
def test_drivers_and_outsiders_are_refused(client, driver_a, outsider, url_name):
    for user in (driver_a, outsider):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, household_a):
    response = client.get(reverse("household-detail", args=[household_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_host_contact_is_shown_only_to_the_verifying_organisation(
    client, caseworker_a, caseworker_b, org_a
):
    offer = make_offer(org_a, address="ul. Tajna 7, Kraków")
    client.force_login(caseworker_a)
    assert "ul. Tajna 7" in client.get(offer.get_absolute_url()).text
    client.force_login(caseworker_b)
    response = client.get(offer.get_absolute_url())
    assert response.status_code == 200
    assert "ul. Tajna 7" not in response.text
    assert offer.host.email not in response.text
    # B sees that the offer exists (it is in the shared pool) but may not edit it.
    assert client.get(reverse("offer-edit", args=[offer.pk])).status_code == 403


def test_the_household_list_makes_a_fixed_number_of_queries(
    client, caseworker_a, org_a, django_assert_max_num_queries
):
    for i in range(15):
        make_household(org_a, name=f"Family {i}", people=3)
    client.force_login(caseworker_a)
    # Session, user, OTP device, membership, count, page, (session save): none per row.
    with django_assert_max_num_queries(9) as captured:
        response = client.get(reverse("household-list"))
    assert response.text.count("Family ") == 15
    for i in range(15, 45):
        make_household(org_a, name=f"Family {i}", people=3)
    with django_assert_max_num_queries(len(captured)):
        response = client.get(reverse("household-list"), {"page": 2})
    assert response.text.count("Family ") == 20
