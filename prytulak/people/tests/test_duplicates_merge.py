"""A possible duplicate: a link to it (only if the viewer may see it), a side-by-side
comparison, and a merge that moves what hangs off the household, with an audit entry."""

import pytest

from prytulak.assistance.models import Case
from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_offer
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.privacy import name_index
from prytulak.housing import placements
from prytulak.housing.models import Placement
from prytulak.orgs.scopes import actor_for
from prytulak.people import services
from prytulak.people.models import Household, HouseholdStatus, Person
from prytulak.people.views import _duplicate_message


@pytest.fixture
def a(caseworker_a):
    return actor_for(caseworker_a)


@pytest.fixture
def twins(org_a):
    first = make_household(org_a, name="Olena Kovalenko", phone="+380671111111", people=2)
    second = make_household(
        org_a, name="Олена Коваленко", phone="+380671111111", people=0, email="", messenger=""
    )
    Person.objects.create(
        household=second, age_band="18-64", name="Olena", name_index=name_index("Olena")
    )
    return first, second


def test_the_duplicate_warning_on_the_form_links_to_the_household(twins):
    first, _second = twins
    message = _duplicate_message([first], 0)
    assert f'<a href="/en/staff/households/{first.pk}/">#{first.pk}</a>' in message


def test_a_duplicate_in_another_organisation_is_counted_not_linked(org_b):
    message = _duplicate_message([], 1)
    assert "<a " not in message and "1 with another organisation" in message


def test_the_staff_form_shows_the_link(client, caseworker_a, twins):
    first, _second = twins
    client.force_login(caseworker_a)
    post = {
        "lead_name": "Olena K",
        "phone": "+380 67 111 1111",
        "email": "",
        "messenger": "",
        "languages": ["uk"],
        "arrival_place": "Przemyśl",
        "arrival_date": first.arrival_date.isoformat(),
        "pets": "0",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-age_band": "18-64",
        "members-0-name": "",
        "members-0-sex": "",
    }
    html = client.post("/en/staff/households/new/", post).content.decode()
    assert f'href="/en/staff/households/{first.pk}/"' in html
    assert "&lt;a href" not in html  # the link is a link, not escaped text


def test_the_household_page_links_to_a_comparison(client, caseworker_a, twins):
    first, second = twins
    client.force_login(caseworker_a)
    html = client.get(f"/en/staff/households/{first.pk}/").content.decode()
    assert f"/en/staff/households/{first.pk}/compare/?with={second.pk}" in html


def test_the_comparison_shows_both_side_by_side(client, caseworker_a, twins):
    first, second = twins
    client.force_login(caseworker_a)
    html = client.get(f"/en/staff/households/{first.pk}/compare/?with={second.pk}").content.decode()
    assert "Olena Kovalenko" in html and "Олена Коваленко" in html
    assert f'action="/en/staff/households/{first.pk}/merge/"' in html


def test_another_organisations_household_cannot_be_compared(client, caseworker_a, twins, org_b):
    first, _second = twins
    theirs = make_household(org_b, name="Secret Person", phone="+380671111111")
    client.force_login(caseworker_a)
    response = client.get(f"/en/staff/households/{first.pk}/compare/?with={theirs.pk}")
    assert response.status_code == 404
    assert "Secret Person" not in response.content.decode()


def test_merging_moves_placements_cases_and_new_members_and_closes_the_other(a, org_a, twins):
    first, second = twins
    offer = make_offer(org_a, beds=3)
    placement = placements.placement_propose(household=second, offer=offer, actor=a)
    case = Case.objects.create(
        household=second, organization=org_a, type="documents", created_by=a.user
    )
    services.household_merge(keep=first, drop=second, actor=a)
    second.refresh_from_db()
    assert Placement.objects.get(pk=placement.pk).household_id == first.pk
    assert Case.objects.get(pk=case.pk).household_id == first.pk
    assert second.status == HouseholdStatus.CLOSED
    assert f"#{first.pk}" in second.notes
    # The named person of the second record joins; nobody is counted twice.
    assert first.members.count() == 3
    assert AccessLog.objects.filter(action="household.merged", object_id=str(first.pk)).exists()
    assert AccessLog.objects.filter(action="household.merged", object_id=str(second.pk)).exists()


def test_merging_fills_missing_contact_details(a, org_a):
    keep = make_household(org_a, phone="+380671111111", email="")
    drop = make_household(org_a, phone="+380671111111", email="olena@example.org")
    services.household_merge(keep=keep, drop=drop, actor=a)
    keep.refresh_from_db()
    assert keep.email == "olena@example.org"


def test_only_households_the_actor_may_edit_are_merged(a, org_a, org_b):
    mine = make_household(org_a)
    theirs = make_household(org_b)
    with pytest.raises(NotAllowed):
        services.household_merge(keep=mine, drop=theirs, actor=a)
    with pytest.raises(ServiceError):
        services.household_merge(keep=mine, drop=mine, actor=a)
    assert Household.objects.get(pk=theirs.pk).status == HouseholdStatus.WAITING


def test_the_merge_button_merges(client, caseworker_a, twins):
    first, second = twins
    client.force_login(caseworker_a)
    response = client.post(f"/en/staff/households/{first.pk}/merge/", {"other": second.pk})
    assert response.status_code == 302
    assert Household.objects.get(pk=second.pk).status == HouseholdStatus.CLOSED
    response = client.post(f"/en/staff/households/{first.pk}/merge/", {"other": "x"}, follow=True)
    assert response.status_code == 200
