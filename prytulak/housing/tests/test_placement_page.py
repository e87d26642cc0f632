"""The placement page: the steps possible now, the check-ins after arrival, the proposal in
the history (one by hand and those of a matching run)."""

import re

import pytest
from django.utils import timezone

from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import CheckIn, Placement, PlacementStatus, Side
from prytulak.matching.tests.test_runs import start_and_work
from prytulak.orgs.scopes import actor_for


@pytest.fixture
def a(caseworker_a):
    return actor_for(caseworker_a)


@pytest.fixture
def placement(a, org_a):
    offer = make_offer(org_a, beds=3)
    return placements.placement_propose(
        household=make_household(org_a, people=2), offer=offer, actor=a
    )


def _steps(client, placement):
    html = client.get(f"/en/staff/placements/{placement.pk}/").content.decode()
    select = re.search(r'<select name="step".*?</select>', html, re.S)
    return re.findall(r'<option value="([a-z_]+)"', select.group(0)) if select else []


def test_the_step_list_offers_only_what_is_possible_now(client, a, caseworker_a, placement):
    client.force_login(caseworker_a)
    assert _steps(client, placement) == [
        "accept_host",
        "accept_household",
        "decline_host",
        "decline_household",
        "cancel",
    ]
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    assert _steps(client, placement) == [
        "accept_host",
        "decline_host",
        "decline_household",
        "cancel",
    ]
    placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    assert _steps(client, placement) == ["depart", "arrive", "cancel"]
    placements.placement_depart(placement=placement, actor=a)
    assert _steps(client, placement) == ["arrive", "cancel"]
    placements.placement_arrive(placement=placement, actor=a)
    assert _steps(client, placement) == ["end", "break_down"]
    placements.placement_end(placement=placement, actor=a)
    assert _steps(client, placement) == []


def test_a_step_not_possible_now_is_refused_with_a_message(client, caseworker_a, placement):
    client.force_login(caseworker_a)
    response = client.post(
        f"/en/staff/placements/{placement.pk}/step/", {"step": "end"}, follow=True
    )
    assert "Choose a step from the list." in response.content.decode()
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.PROPOSED


def test_check_ins_appear_as_soon_as_they_arrive(client, a, caseworker_a, placement):
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    placements.placement_arrive(placement=placement, actor=a)
    assert CheckIn.objects.filter(placement=placement).count() == 3
    client.force_login(caseworker_a)
    html = client.get(f"/en/staff/placements/{placement.pk}/").content.decode()
    assert "Welfare check-ins" in html
    assert placements.checkins_schedule() == 0  # the daily job adds nothing twice


def _history(client, placement):
    html = client.get(f"/en/staff/placements/{placement.pk}/").content.decode()
    return html.split("History", 1)[1]


def test_the_history_starts_with_the_proposal(client, caseworker_a, placement):
    client.force_login(caseworker_a)
    history = _history(client, placement)
    assert "Proposed" in history
    assert "andriy_caseworker" in history


@pytest.mark.usefixtures("keep_test_connection_in_worker")
def test_a_runs_proposals_show_the_proposal_in_their_history(
    client, coordinator_a, org_a, django_capture_on_commit_callbacks
):
    make_offer(org_a, beds=3)
    make_household(org_a, people=2)
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    placement = Placement.objects.get(run=run)
    assert placement.events.filter(to_status=PlacementStatus.PROPOSED).count() == 1
    client.force_login(coordinator_a)
    history = _history(client, placement)
    assert "Proposed" in history
    assert timezone.localdate().strftime("%Y") in history
