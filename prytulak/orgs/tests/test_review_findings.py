"""The authorisation review's findings, each as the user who found it would try it again.

These talk to the pages, the API and the admin only (no internal names), so they ran the
same against the code before the capability table: every one failed there.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from prytulak.api import services as api_services
from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_offer
from prytulak.housing.models import HostOffer, OfferStatus
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Household, ShareLevel
from prytulak.people.tests.test_household_pages import form_data


def _contacts(household: Household) -> list[str]:
    member_names = [m.name for m in household.members.all() if m.name]
    return [household.phone[-7:], household.email, "secret note", *member_names]


@pytest.fixture
def summary_household_b(org_b):
    household = make_household(
        org_b,
        name="Iryna Bondarenko",
        phone="+380672222222",
        email="iryna@example.org",
        share_level=ShareLevel.SUMMARY,
        notes="secret note",
    )
    household.members.update(name="Sofiia Bondarenko")
    return household


# 1. A partner coordinator read contacts of "summary" households through the edit page.


def test_a_partner_coordinator_cannot_open_the_edit_page_of_a_summary_household(
    client, coordinator_a, summary_household_b
):
    client.force_login(coordinator_a)
    response = client.get(reverse("household-edit", args=[summary_household_b.pk]))
    assert response.status_code in (403, 404)
    body = response.content.decode()
    for value in _contacts(summary_household_b):
        assert value not in body


def test_the_new_case_form_of_a_partners_household_lists_no_member_names(
    client, coordinator_a, summary_household_b
):
    client.force_login(coordinator_a)
    response = client.get(reverse("case-new", args=[summary_household_b.pk]))
    assert response.status_code in (403, 404)
    assert "Sofiia" not in response.content.decode()


def test_the_summary_household_page_shows_needs_but_no_contact(
    client, coordinator_a, summary_household_b
):
    client.force_login(coordinator_a)
    response = client.get(reverse("household-detail", args=[summary_household_b.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for value in _contacts(summary_household_b):
        assert value not in body
    assert not AccessLog.objects.filter(object_id=str(summary_household_b.pk)).exists()


# 2. Any caseworker could withdraw any organisation's offer.


def test_a_caseworker_cannot_withdraw_another_organisations_offer(client, caseworker_b, org_a):
    offer = make_offer(org_a)
    client.force_login(caseworker_b)
    response = client.post(reverse("offer-status", args=[offer.pk]), {"status": "withdrawn"})
    assert response.status_code in (403, 404)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACTIVE


def test_a_caseworker_can_pause_an_offer_of_their_own_organisation(client, caseworker_a, org_a):
    offer = make_offer(org_a)
    client.force_login(caseworker_a)
    response = client.post(reverse("offer-status", args=[offer.pk]), {"status": "paused"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PAUSED


def test_the_api_cannot_edit_another_organisations_offer_either(client, caseworker_b, org_a):
    # The page and the service ask the same table: a direct service call is refused too.
    from prytulak.core.errors import NotAllowed
    from prytulak.housing import services

    offer = make_offer(org_a)
    with pytest.raises(NotAllowed):
        services.offer_set_status(offer=offer, actor=actor_for(caseworker_b), status="withdrawn")


# 7. Edit pages showed personal data without an access-log row; the admin went around
#    the services.


def test_opening_an_edit_page_is_logged(client, caseworker_a, household_a, org_a):
    offer = make_offer(org_a)
    client.force_login(caseworker_a)
    assert client.get(reverse("household-edit", args=[household_a.pk])).status_code == 200
    assert client.get(reverse("offer-edit", args=[offer.pk])).status_code == 200
    logged = set(
        AccessLog.objects.filter(user=caseworker_a).values_list("object_type", "object_id")
    )
    assert ("people.household", str(household_a.pk)) in logged
    assert ("housing.host", str(offer.host_id)) in logged


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


def test_the_admin_shows_households_read_only_and_logs_each_look(superuser_client, household_a):
    url = reverse("admin:people_household_change", args=[household_a.pk])
    assert superuser_client.get(url).status_code == 200
    assert AccessLog.objects.filter(
        object_type="people.household", object_id=str(household_a.pk), user__username="root"
    ).exists()
    response = superuser_client.post(url, {"status": "closed", "phone": "+380500000000"})
    assert response.status_code == 403
    household_a.refresh_from_db()
    assert household_a.status != "closed"
    assert household_a.phone == "+380671111111"


def test_the_admin_cannot_change_an_offers_status_around_the_services(superuser_client, org_a):
    offer = make_offer(org_a)
    url = reverse("admin:housing_hostoffer_change", args=[offer.pk])
    assert superuser_client.post(url, {"status": "withdrawn"}).status_code == 403
    assert HostOffer.objects.get(pk=offer.pk).status == OfferStatus.ACTIVE


# 8. Existence leaks.


def test_a_duplicate_warning_does_not_name_another_organisations_household(
    client, caseworker_a, household_b
):
    client.force_login(caseworker_a)
    data = form_data(phone=household_b.phone)
    response = client.post(reverse("household-create"), data)
    body = response.content.decode()
    assert response.status_code == 200  # the form asks to confirm
    assert "already registered" in body
    assert f"#{household_b.pk}" not in body
    assert household_b.organization.name not in body


def test_searching_a_phone_does_not_find_a_partners_summary_household(
    client, coordinator_a, summary_household_b
):
    client.force_login(coordinator_a)
    response = client.get(reverse("household-list"), {"q": "+380672222222"})
    assert response.status_code == 200
    assert f"/households/{summary_household_b.pk}/" not in response.content.decode()


def test_searching_a_host_name_does_not_find_other_organisations_offers(
    client, caseworker_a, org_b
):
    offer = make_offer(org_b, host_name="Zbigniew Unikalny")
    client.force_login(caseworker_a)
    response = client.get(reverse("offer-list"), {"q": "Unikalny"})
    assert response.status_code == 200
    assert f"/offers/{offer.pk}/" not in response.content.decode()


def test_unconfirmed_drafts_are_not_listed_to_any_organisation(client, coordinator_a, db):
    draft = make_offer(None, status=OfferStatus.DRAFT)
    client.force_login(coordinator_a)
    response = client.get(reverse("offer-list"), {"status": "draft"})
    assert response.status_code == 200
    assert f"/offers/{draft.pk}/" not in response.content.decode()
    assert client.get(reverse("offer-detail", args=[draft.pk])).status_code == 404


# 9. Unicode digits in search crashed the lists and the API.


@pytest.mark.parametrize("q", ["²", "①", "٣", "12²"])
def test_unicode_digits_in_search_answer_normally(client, coordinator_a, household_a, q):
    client.force_login(coordinator_a)
    assert client.get(reverse("household-list"), {"q": q}).status_code == 200
    assert client.get(reverse("offer-list"), {"q": q}).status_code == 200
    _, key = api_services.token_create(
        actor=actor_for(coordinator_a), user=coordinator_a, name="search"
    )
    for path in ("/api/v1/households/", "/api/v1/offers/"):
        response = client.get(path, {"q": q}, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200, (path, response.content[:200])
