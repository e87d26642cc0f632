"""Twenty caseworkers record the household's "yes" on twenty different proposals for the last
bed (each already accepted by the host) at the same moment: exactly one succeeds, the others
are told the beds are no longer available. Real processes, real database connections, on
SQLite and PostgreSQL alike."""

import multiprocessing

import pytest
from django.db import connections
from django.utils import timezone

from prytulak.conftest import make_household, make_member, make_offer
from prytulak.housing.models import Placement, PlacementStatus
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import actor_for

WORKERS = 20


def _confirm(placement_id: int, user_id: int, start, results) -> None:
    """Runs in a child process with its own database connection."""
    from django.contrib.auth.models import User

    from prytulak.core.errors import ServiceError
    from prytulak.housing import placements

    connections.close_all()  # never share the parent's socket
    start.wait()
    try:
        actor = actor_for(User.objects.get(pk=user_id))
        placements.placement_accept(
            placement=Placement.objects.get(pk=placement_id), actor=actor, side="household"
        )
        results.put(("ok", ""))
    except ServiceError as exc:
        results.put(("refused", " ".join(exc.messages)))
    except Exception as exc:  # reported, so the test fails with the reason
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_one_of_twenty_simultaneous_confirmations_gets_the_last_bed(org_a):
    user = make_member(org_a, Role.CASEWORKER, "racer")
    offer = make_offer(org_a, beds=1, children_allowed=True)
    proposals = [
        Placement.objects.create(
            household=make_household(org_a, name=f"Family {i}", people=1),
            offer=offer,
            beds=1,
            start_date=offer.available_from,
            status=PlacementStatus.HOST_ACCEPTED,
            host_accepted_at=timezone.now(),
        )
        for i in range(WORKERS)
    ]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_confirm, args=(p.pk, user.pk, start, results)) for p in proposals]
    for proc in procs:
        proc.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(1 for o, _ in outcomes if o == "ok") == 1
    refusals = [m for o, m in outcomes if o == "refused"]
    assert len(refusals) == WORKERS - 1
    assert all("no longer available: 0 of 1 are free" in m for m in refusals)
    assert Placement.objects.filter(offer=offer, status=PlacementStatus.CONFIRMED).count() == 1
