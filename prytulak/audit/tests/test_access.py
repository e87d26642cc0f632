"""Who can read contact details, and that every read leaves a row in the access log.

Covered here: pages (household, offer, placement, list search) and the personal-data export.
The JSON API and the map do not exist yet (issues 5 and 9); their tests must join these."""

import pytest
from django.urls import reverse

from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import Side
from prytulak.orgs.scopes import actor_for

PHONE = "+380671111111"
EMAIL = "olena@example.org"


@pytest.fixture
def household(org_a):
    return make_household(org_a, phone=PHONE, email=EMAIL, notes="Sleeps badly since March")


def _pages(household):
    return [
        reverse("household-detail", args=[household.pk]),
        reverse("household-export", args=[household.pk]),
    ]


def _searches():
    return [(reverse("household-list"), {"q": q}) for q in (PHONE, "067 111 11 11", EMAIL)]


@pytest.mark.parametrize("persona", ["outsider", "viewer_a", "caseworker_b", "driver_a"])
def test_people_without_the_right_never_read_contact_details(client, request, persona, household):
    client.force_login(request.getfixturevalue(persona))
    for url in _pages(household):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        body = response.content.decode()
        assert PHONE not in body and EMAIL not in body and "Sleeps badly" not in body, url
    # Searching by a contact detail finds nothing (the page echoes the query itself).
    for url, query in _searches():
        response = client.get(url, query)
        assert household.lead_name not in response.content.decode(), query
    assert not AccessLog.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, household):
    for url in _pages(household):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_read_by_an_authorised_user_is_logged(client, caseworker_a, household):
    client.force_login(caseworker_a)
    for url, query in _searches():  # the own organisation finds it by phone in any format
        assert household.lead_name in client.get(url, query).text, query
    for _ in range(2):
        response = client.get(reverse("household-detail", args=[household.pk]))
        assert PHONE in response.text
    rows = AccessLog.objects.filter(object_type="people.household", object_id=str(household.pk))
    assert rows.count() == 2
    row = rows.first()
    assert (row.user, row.organization, row.action) == (
        caseworker_a,
        household.organization,
        "household.contact_viewed",
    )
    assert "phone" in row.fields and row.reason == "Household page"


def test_an_export_is_refused_to_a_caseworker_and_logged_for_a_coordinator(
    client, caseworker_a, coordinator_a, household
):
    client.force_login(caseworker_a)
    assert client.get(reverse("household-export", args=[household.pk])).status_code == 403
    client.force_login(coordinator_a)
    response = client.get(reverse("household-export", args=[household.pk]))
    assert response.status_code == 200
    data = response.json()
    assert (data["phone"], data["email"]) == (PHONE, EMAIL)
    assert AccessLog.objects.filter(action="household.exported", user=coordinator_a).count() == 1


def test_a_partner_sees_contact_details_only_when_the_household_shared_everything(
    client, coordinator_a, coordinator_b, household
):
    client.force_login(coordinator_b)
    url = reverse("household-detail", args=[household.pk])
    assert client.get(url).status_code == 404  # not shared at all
    placements_actor = actor_for(coordinator_a)
    from prytulak.people.services import household_set_sharing

    household_set_sharing(
        household=household, actor=placements_actor, level="summary", how="asked at Medyka"
    )
    page = client.get(url)
    assert page.status_code == 200 and PHONE not in page.text
    assert not AccessLog.objects.exists()
    household_set_sharing(
        household=household, actor=placements_actor, level="full", how="asked again, agreed"
    )
    assert PHONE in client.get(url).text
    assert AccessLog.objects.get().user == coordinator_b
    assert household.consents.count() == 2


def test_host_contact_on_the_offer_page_is_for_the_verifying_organisation_and_logged(
    client, caseworker_a, caseworker_b, org_a
):
    offer = make_offer(org_a)
    client.force_login(caseworker_b)
    assert offer.host.email not in client.get(offer.get_absolute_url()).text
    assert not AccessLog.objects.exists()
    client.force_login(caseworker_a)
    assert offer.host.email in client.get(offer.get_absolute_url()).text
    assert AccessLog.objects.get().action == "host.contact_viewed"


def test_contacts_are_released_to_the_other_side_only_when_both_accepted(
    client, caseworker_a, caseworker_b, org_a, org_b
):
    """Household registered by A, offer verified by B: B sees the family's phone and A the
    host's address only after both said yes, and the release is logged."""
    household = make_household(org_a, phone=PHONE, people=2)
    offer = make_offer(org_b, beds=3, address="ul. Długa 5/7, Gdańsk")
    a, b = actor_for(caseworker_a), actor_for(caseworker_b)
    placement = placements.placement_propose(household=household, offer=offer, actor=a)
    url = reverse("placement-detail", args=[placement.pk])

    client.force_login(caseworker_b)
    assert PHONE not in client.get(url).text
    client.force_login(caseworker_a)
    assert "Długa" not in client.get(url).text
    placements.placement_accept(placement=placement, actor=b, side=Side.HOST)
    assert "Długa" not in client.get(url).text  # still only one side said yes
    client.force_login(caseworker_b)
    assert PHONE not in client.get(url).text  # still only one side said yes

    released_before = AccessLog.objects.filter(action__endswith="contact_released").count()
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    assert AccessLog.objects.filter(action__endswith="contact_released").count() == (
        released_before + 2
    )
    assert PHONE in client.get(url).text
    assert AccessLog.objects.filter(
        action="household.contact_viewed", user=caseworker_b, object_id=str(household.pk)
    ).exists()
    client.force_login(caseworker_a)
    assert "Długa" in client.get(url).text
    assert AccessLog.objects.filter(action="host.contact_viewed", user=caseworker_a).exists()


def test_a_third_organisation_cannot_open_the_placement(client, coordinator_b, org_a):
    household = make_household(org_a, phone=PHONE)
    offer = make_offer(org_a)
    from prytulak.conftest import make_member
    from prytulak.orgs.models import Role

    placement = placements.placement_propose(
        household=household,
        offer=offer,
        actor=actor_for(make_member(org_a, Role.CASEWORKER, "third")),
    )
    client.force_login(coordinator_b)
    assert client.get(reverse("placement-detail", args=[placement.pk])).status_code == 404


@pytest.mark.parametrize("persona", [None, "outsider", "viewer_a", "caseworker_b", "driver_a"])
def test_the_map_endpoints_never_carry_contact_details(client, request, persona, household):
    """The map shows places and counts only; no level of it carries names or contacts."""
    from prytulak.housing import placements as placement_services

    offer = make_offer(household.organization)
    caseworker = request.getfixturevalue("caseworker_a")
    placement = placement_services.placement_propose(
        household=household, offer=offer, actor=actor_for(caseworker)
    )
    if persona:
        client.force_login(request.getfixturevalue(persona))
    urls = [
        reverse("map-offers") + "?bbox=-25,34,45,72&zoom=12",
        reverse("map-households"),
        reverse("map-crossings"),
        reverse("map-trips"),
        reverse("map-route", args=[placement.pk]),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        for secret in (PHONE, EMAIL, household.lead_name, offer.host.email, "Floriańska"):
            assert secret not in body, (url, secret)
    assert not AccessLog.objects.exists()
