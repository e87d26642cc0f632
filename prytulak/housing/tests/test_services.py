import datetime

import pytest
from django.core.exceptions import PermissionDenied

from prytulak.conftest import make_household, make_offer
from prytulak.core.errors import ServiceError
from prytulak.housing import placements, services
from prytulak.housing.models import OfferStatus, Placement, PlacementStatus, Side
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import HouseholdStatus


@pytest.fixture
def actor(caseworker_a):
    return actor_for(caseworker_a)


def both_accept(placement, actor):
    placements.placement_accept(placement=placement, actor=actor, side=Side.HOST)
    return placements.placement_accept(placement=placement, actor=actor, side=Side.HOUSEHOLD)


def test_a_placement_takes_beds_and_marks_the_household_placed(actor, org_a):
    offer = make_offer(org_a, beds=3)
    household = make_household(org_a, people=3)
    placement = placements.placement_propose(household=household, offer=offer, actor=actor)
    assert placement.beds == 3
    household.refresh_from_db()
    assert household.status == HouseholdStatus.PROPOSED
    both_accept(placement, actor)
    placement.refresh_from_db()
    household.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    assert household.status == HouseholdStatus.PLACED


def test_confirmations_can_never_exceed_the_offers_beds(actor, org_a):
    offer = make_offer(org_a, beds=4)
    first = placements.placement_propose(
        household=make_household(org_a, people=3), offer=offer, actor=actor
    )
    second = placements.placement_propose(
        household=make_household(org_a, people=2), offer=offer, actor=actor
    )
    both_accept(first, actor)
    with pytest.raises(ServiceError) as exc:
        both_accept(second, actor)
    assert "no longer available: 1 of 4 are free" in str(exc.value)
    # The refused acceptance changed nothing: the host's yes stands, the beds are not taken.
    assert Placement.objects.get(pk=second.pk).status == PlacementStatus.HOST_ACCEPTED


def test_beds_freed_by_an_ended_stay_can_be_taken_again(actor, org_a):
    offer = make_offer(org_a, beds=2)
    first = placements.placement_propose(
        household=make_household(org_a, people=2), offer=offer, actor=actor
    )
    both_accept(first, actor)
    Placement.objects.filter(pk=first.pk).update(status=PlacementStatus.ENDED)
    second = placements.placement_propose(
        household=make_household(org_a, people=2), offer=offer, actor=actor
    )
    both_accept(second, actor)


@pytest.mark.parametrize(
    ("offer_kwargs", "household_kwargs", "reason"),
    [
        ({"beds": 1}, {"people": 2}, "has 2 people but the offer has 1 bed."),
        ({"pets_allowed": False}, {"pets": 1}, "does not accept pets"),
        ({"children_allowed": False}, {"people": 2}, "does not accept children"),
        ({"step_free": False}, {"needs_step_free": True}, "needs step-free access"),
        ({"status": OfferStatus.PAUSED}, {}, "not active"),
    ],
)
def test_a_household_that_does_not_fit_is_refused_with_the_reason(
    actor, org_a, offer_kwargs, household_kwargs, reason
):
    offer = make_offer(org_a, **{"beds": 4, **offer_kwargs})
    household = make_household(org_a, **household_kwargs)
    with pytest.raises(ServiceError) as exc:
        placements.placement_propose(household=household, offer=offer, actor=actor)
    assert reason in str(exc.value)
    assert Placement.objects.count() == 0


def test_an_offer_not_available_on_the_date_is_refused(actor, org_a):
    today = datetime.date.today()
    offer = make_offer(org_a, available_from=today + datetime.timedelta(days=30))
    offer.available_to = today + datetime.timedelta(days=40)
    offer.save()
    with pytest.raises(ServiceError, match="not available on the arrival date"):
        placements.placement_propose(
            household=make_household(org_a),
            offer=offer,
            actor=actor,
            start=today + datetime.timedelta(days=50),
        )


def test_a_coordinator_verifies_an_offer_for_their_organisation(coordinator_a, org_a):
    offer = make_offer(None, status=OfferStatus.AWAITING)
    services.offer_verify(offer=offer, actor=actor_for(coordinator_a), document_type="id_card")
    offer.refresh_from_db()
    assert (offer.status, offer.organization) == (OfferStatus.ACTIVE, org_a)
    assert offer.host.verification == 1  # identity checked by an organisation
    with pytest.raises(ServiceError, match="Only offers awaiting verification"):
        services.offer_verify(offer=offer, actor=actor_for(coordinator_a), document_type="id_card")


def test_a_caseworker_cannot_verify(caseworker_a):
    offer = make_offer(None, status=OfferStatus.AWAITING)
    with pytest.raises(PermissionDenied):
        services.offer_verify(offer=offer, actor=actor_for(caseworker_a), document_type="id_card")


def test_offer_status_moves_follow_the_lifecycle(actor, org_a):
    offer = make_offer(org_a)
    services.offer_set_status(offer=offer, actor=actor, status=OfferStatus.PAUSED)
    services.offer_set_status(offer=offer, actor=actor, status=OfferStatus.WITHDRAWN)
    with pytest.raises(ServiceError, match="cannot move from"):
        services.offer_set_status(offer=offer, actor=actor, status=OfferStatus.ACTIVE)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_another_organisation_cannot_edit_an_offer(caseworker_b, org_a):
    offer = make_offer(org_a)
    with pytest.raises(PermissionDenied):
        services.offer_update(offer=offer, actor=actor_for(caseworker_b), data={"beds": 9})


def test_the_database_refuses_impossible_offers(org_a):
    from django.db import IntegrityError, transaction

    offer = make_offer(org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(offer).objects.filter(pk=offer.pk).update(beds=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(offer).objects.filter(pk=offer.pk).update(available_to=datetime.date(2000, 1, 1))
