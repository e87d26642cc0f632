"""`manage.py run_daily` enqueues the daily job; a worker runs it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import CheckIn, HostOffer, OfferStatus, Side
from prytulak.orgs.scopes import actor_for

pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")


def test_the_daily_job_expires_offers_and_schedules_check_ins(org_a, caseworker_a):
    actor = actor_for(caseworker_a)
    lapsed = make_offer(org_a, confirmed_until=timezone.localdate() - datetime.timedelta(1))
    offer = make_offer(org_a, confirmed_until=timezone.localdate() + datetime.timedelta(20))
    placement = placements.placement_propose(
        household=make_household(org_a), offer=offer, actor=actor
    )
    placements.placement_accept(placement=placement, actor=actor, side=Side.HOST)
    placements.placement_accept(placement=placement, actor=actor, side=Side.HOUSEHOLD)
    placements.placement_arrive(placement=placement, actor=actor)

    out = io.StringIO()
    call_command("run_daily", stdout=out)
    assert "Enqueued daily job" in out.getvalue()
    assert HostOffer.objects.get(pk=lapsed.pk).status == OfferStatus.ACTIVE  # not yet run
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert HostOffer.objects.get(pk=lapsed.pk).status == OfferStatus.EXPIRED
    assert CheckIn.objects.filter(placement=placement).count() == 3


def test_run_daily_now_prints_what_it_did(db):
    out = io.StringIO()
    call_command("run_daily", now=True, stdout=out)
    assert "offers_expired: 0" in out.getvalue() and "purged_households: 0" in out.getvalue()


def test_check_journeys_runs_through_the_worker(db):
    out = io.StringIO()
    call_command("check_journeys", stdout=out)
    assert "Enqueued journey check" in out.getvalue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    out = io.StringIO()
    call_command("check_journeys", now=True, stdout=out)
    assert "alerts raised: 0" in out.getvalue()
