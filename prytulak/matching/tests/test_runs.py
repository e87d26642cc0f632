"""Matching runs: a coordinator starts one, the job goes through the real database queue after
commit, and the run page shows progress, proposals with reasons, and the greedy comparison."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from prytulak.conftest import make_household, make_offer
from prytulak.housing.models import HOLDS_BEDS, HostOffer, Placement, PlacementStatus
from prytulak.matching import runs
from prytulak.matching.models import MatchingRun, RunStatus
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Household, HouseholdStatus


@pytest.fixture
def world(org_a, org_b):
    """Offers in Kraków and Berlin; households of both organisations arriving at Medyka."""
    offers = [make_offer(org_a, beds=b, city="Kraków") for b in (2, 3, 4)]
    offers.append(make_offer(org_b, beds=6, city="Berlin", country="DE", pets_allowed=True))
    mine = [make_household(org_a, name=f"Mine {i}", people=2) for i in range(4)]
    mine.append(make_household(org_a, name="Too Big", people=9))
    theirs = make_household(org_b, name="Theirs", people=2)
    return offers, mine, theirs


pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")


def work():
    """Run the real database-backed worker until the queue is empty."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def start_and_work(actor, capture, **kwargs):
    with capture(execute=True):
        run = runs.run_start(actor=actor, **kwargs)
    work()
    run.refresh_from_db()
    return run


def test_the_job_is_enqueued_only_after_commit(
    coordinator_a, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = runs.run_start(actor=actor_for(coordinator_a), scope="organization")
        assert DBTaskResult.objects.count() == 0  # nothing queued inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()
    assert DBTaskResult.objects.count() == 1
    assert run.status == RunStatus.QUEUED


def test_a_run_proposes_places_within_capacity_and_explains_each(
    coordinator_a, world, django_capture_on_commit_callbacks
):
    offers, mine, theirs = world
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    assert run.status == RunStatus.DONE and run.progress == 100, run.error
    proposals = list(Placement.objects.filter(run=run))
    assert {p.household.lead_name for p in proposals} <= {f"Mine {i}" for i in range(4)}
    assert len(proposals) == 4  # 2+3+4+6 beds; four households of two
    for offer in offers:
        assert sum(p.beds for p in proposals if p.offer_id == offer.pk) <= offer.beds
    assert all(p.explanation["km"] >= 0 and p.score > 0 for p in proposals)
    assert run.summary["reasons"] == {"too_large": 1}
    assert run.summary["greedy"]["matched"] <= run.summary["matched"]
    for h in mine[:4]:
        h.refresh_from_db()
        assert h.status == HouseholdStatus.PROPOSED
    theirs.refresh_from_db()
    assert theirs.status == HouseholdStatus.WAITING  # another organisation's, not shared


def test_beds_already_taken_are_not_offered_again(
    coordinator_a, org_a, django_capture_on_commit_callbacks
):
    offer = make_offer(org_a, beds=2)
    taken = make_household(org_a, name="Already There", people=2, status=HouseholdStatus.PLACED)
    Placement.objects.create(
        household=taken, offer=offer, beds=2, status=HOLDS_BEDS[0], start_date=timezone.localdate()
    )
    make_household(org_a, name="Waiting", people=1)
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    assert run.summary["matched"] == 0
    assert Placement.objects.filter(run=run).count() == 0


def test_the_run_page_shows_progress_then_results_in_the_users_language(
    client, coordinator_a, world, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching-runs"), {"scope": "organization"})
    run = MatchingRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    partial = client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in partial.text and "<progress" in partial.text
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert (
        client.get(run.get_absolute_url(), headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    )
    page = client.get("/uk" + run.get_absolute_url()[3:])
    assert "км від" in page.text  # "38 km from Medyka" in Ukrainian
    assert "більша за будь-яку пропозицію" in page.text  # the too-large household's reason


def test_only_coordinators_start_runs_and_see_their_own(
    client, caseworker_a, coordinator_b, coordinator_a, world, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    assert client.get(reverse("matching-runs")).status_code == 403
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    client.force_login(coordinator_b)
    assert client.get(run.get_absolute_url()).status_code == 404


def test_bad_run_requests_get_clear_errors(client, coordinator_a, db):
    client.force_login(coordinator_a)
    response = client.post(reverse("matching-runs"), {"scope": "country", "country": ""})
    assert "Choose a country." in response.text
    response = client.post(reverse("matching-runs"), {"scope": "everything"})
    assert "Select a valid choice" in response.text
    assert MatchingRun.objects.count() == 0


def test_a_country_run_uses_only_that_countrys_offers(
    coordinator_a, org_a, django_capture_on_commit_callbacks
):
    make_offer(org_a, beds=4, city="Berlin", country="DE")
    make_offer(org_a, beds=4, city="Kraków", country="PL")
    make_household(org_a, name="Wants Germany", people=2, preferred_countries=["DE"])
    make_household(org_a, name="Wants Poland", people=2, preferred_countries=["PL"])
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="country", country="DE"
    )
    proposals = list(Placement.objects.filter(run=run).select_related("household", "offer"))
    assert [(p.household.lead_name, p.offer.country) for p in proposals] == [
        ("Wants Germany", "DE")
    ]
    assert all(p.status == PlacementStatus.PROPOSED for p in proposals)
    assert proposals[0].start_date >= timezone.localdate() - datetime.timedelta(days=0)


def test_runs_apply_the_safeguarding_rules_to_real_hosts(
    coordinator_a, org_a, django_capture_on_commit_callbacks
):
    from prytulak.housing.models import Host, HostHousehold, Verification

    lone_man = make_offer(org_a, beds=4, city="Kraków", host_name="Lone Man")
    Host.objects.filter(pk=lone_man.host_id).update(
        household_type=HostHousehold.SINGLE_MAN, verification=Verification.VISITED
    )
    unchecked = make_offer(org_a, beds=4, city="Kraków", host_name="Unchecked")
    Host.objects.filter(pk=unchecked.host_id).update(verification=Verification.NONE)
    mother = make_household(org_a, name="Mother and child", people=2)  # an adult woman and a child
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    assert not Placement.objects.filter(run=run, household=mother).exists()
    assert run.summary["reasons"] == {"safeguarding": 1}  # the rule that bit, by name
    # once an organisation has checked a family host, the same household is placed
    family = make_offer(org_a, beds=4, city="Kraków", host_name="Family")
    Host.objects.filter(pk=family.host_id).update(
        household_type=HostHousehold.FAMILY, verification=Verification.IDENTITY
    )
    mother.status = HouseholdStatus.WAITING
    mother.save(update_fields=["status"])
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    assert Placement.objects.get(run=run, household=mother).offer == family


def test_the_distance_is_measured_from_the_place_the_explanation_names(
    client, coordinator_a, org_a, django_capture_on_commit_callbacks
):
    berlin = make_offer(org_a, beds=4, city="Berlin", country="DE")
    HostOffer.objects.filter(pk=berlin.pk).update(latitude=52.52, longitude=13.405)
    make_household(org_a, name="Wants Berlin", people=2, preferred_cities="Berlin")  # at Przemyśl
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    why = Placement.objects.get(run=run).explanation
    assert why["from"] == "Berlin" and why["km"] < 20  # not "0 km from Przemyśl"
    client.force_login(coordinator_a)
    page = client.get(run.get_absolute_url()).text
    assert f"{round(why['km'])} km from Berlin" in page and "km from Przemyśl" not in page


def test_the_coordinator_sets_how_far_offers_may_be(
    client, coordinator_a, org_a, django_capture_on_commit_callbacks
):
    make_offer(org_a, beds=4)  # Kraków, about 200 km from Przemyśl
    make_household(org_a, name="At Przemyśl", people=2)
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching-runs"), {"scope": "organization", "max_km": "100"})
    work()
    near = MatchingRun.objects.get()
    assert near.max_km == 100 and near.summary["reasons"] == {"no_offer_nearby": 1}
    Household.objects.update(status=HouseholdStatus.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching-runs"), {"scope": "organization"})  # the default, 800 km
    work()
    far = MatchingRun.objects.exclude(pk=near.pk).get()
    assert far.max_km == 800 and far.summary["matched"] == 1


def test_the_run_page_shows_the_certificate_in_the_users_language(
    client, coordinator_a, world, django_capture_on_commit_callbacks
):
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    assert 0 <= run.summary["gap"] <= 0.01 and run.summary["bound"] >= run.summary["total_value"]
    client.force_login(coordinator_a)
    assert "of the best possible" in client.get(run.get_absolute_url()).text
    assert "від найкращого можливого" in client.get("/uk" + run.get_absolute_url()[3:]).text


def test_run_proposals_write_their_events(coordinator_a, world, django_capture_on_commit_callbacks):
    run = start_and_work(
        actor_for(coordinator_a), django_capture_on_commit_callbacks, scope="organization"
    )
    proposals = Placement.objects.filter(run=run)
    assert proposals.count() == 4
    for p in proposals:
        assert [(e.to_status, e.by_id) for e in p.events.all()] == [
            (PlacementStatus.PROPOSED, coordinator_a.pk)
        ]


def test_each_rule_that_bit_has_its_own_sentence():
    from django.utils import translation

    from prytulak.matching.explain import reason_text

    rules = ("beds", "pets", "children", "step_free", "safeguarding", "dates")
    assert len({reason_text(r) for r in rules}) == len(rules)
    with translation.override("uk"):
        assert all(reason_text(r) != reason_text("no_offer_fits") for r in rules)
        assert "тварин" in reason_text("pets")


def test_a_run_left_running_by_a_dead_worker_is_finished_by_the_retry_once(
    coordinator_a, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = runs.run_start(actor=actor_for(coordinator_a), scope="organization")
    # The first attempt claimed the run, then its worker was killed before it stored anything.
    MatchingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=25)
    runs.run_execute(run.pk)  # a second copy that is not a retry leaves it alone
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    runs.run_execute(run.pk, reclaim=True)  # the queue's retry takes it over
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    proposed = Placement.objects.filter(status=PlacementStatus.PROPOSED).count()
    assert proposed == run.summary["matched"] > 0
    runs.run_execute(run.pk, reclaim=True)  # a late duplicate retry finds it done
    assert Placement.objects.filter(status=PlacementStatus.PROPOSED).count() == proposed
