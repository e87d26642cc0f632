"""Twenty caseworkers record the household's "yes" on twenty different proposals for the last
bed (each already accepted by the host) at the same moment: exactly one succeeds, the others
are told the beds are no longer available. Real processes, real database connections, on
SQLite and PostgreSQL alike."""

import pytest
from django.utils import timezone

from prytulak.conftest import make_household, make_member, make_offer
from prytulak.core.testing import race
from prytulak.housing.models import Placement, PlacementStatus
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import actor_for

WORKERS = 20


def _confirm(placement_id: int, user_id: int) -> None:
    """Runs in a child process with its own database connection."""
    from django.contrib.auth.models import User

    from prytulak.housing import placements

    placements.placement_accept(
        placement=Placement.objects.get(pk=placement_id),
        actor=actor_for(User.objects.get(pk=user_id)),
        side="household",
    )


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
    outcomes = race(_confirm, [(p.pk, user.pk) for p in proposals])
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(1 for o, _ in outcomes if o == "ok") == 1
    refusals = [m for o, m in outcomes if o == "refused"]
    assert len(refusals) == WORKERS - 1
    assert all("no longer available: 0 of 1 are free" in m for m in refusals)
    assert Placement.objects.filter(offer=offer, status=PlacementStatus.CONFIRMED).count() == 1
