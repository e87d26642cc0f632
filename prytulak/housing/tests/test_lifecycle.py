"""The placement lifecycle, follow-up after arrival, offer re-confirmation, host checks."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from prytulak.conftest import make_household, make_offer
from prytulak.core.errors import ServiceError
from prytulak.housing import placements, selectors, services
from prytulak.housing.models import (
    CheckIn,
    HostOffer,
    OfferStatus,
    Placement,
    PlacementStatus,
    Side,
    Verification,
)
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Household, HouseholdStatus

S = PlacementStatus


@pytest.fixture
def a(caseworker_a):
    return actor_for(caseworker_a)


@pytest.fixture
def placement(a, org_a):
    offer = make_offer(org_a, beds=3)
    return placements.placement_propose(
        household=make_household(org_a, people=2), offer=offer, actor=a
    )


def _status(placement):
    return Placement.objects.get(pk=placement.pk).status


def test_a_placement_goes_from_proposal_to_the_end_of_the_stay(a, placement):
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    assert _status(placement) == S.HOUSEHOLD_ACCEPTED
    placements.placement_accept(placement=placement, actor=a, side=Side.HOST, note="by phone")
    assert _status(placement) == S.CONFIRMED
    assert Household.objects.get(pk=placement.household_id).status == HouseholdStatus.PLACED
    placements.placement_depart(placement=placement, actor=a)
    placements.placement_arrive(placement=placement, actor=a, note="host called")
    assert _status(placement) == S.ARRIVED

    # Scheduled at arrival; the daily job finds nothing to add (and is idempotent).
    assert CheckIn.objects.filter(placement=placement).count() == 3
    assert placements.checkins_schedule() == 0
    arrived = timezone.localdate()
    assert [c.due_on for c in CheckIn.objects.filter(placement=placement)] == [
        arrived + datetime.timedelta(days=d) for d in (3, 14, 42)
    ]
    first = CheckIn.objects.filter(placement=placement).first()
    placements.checkin_record(checkin=first, actor=a, outcome="well", note="all fine")
    with pytest.raises(ServiceError, match="already recorded"):
        placements.checkin_record(checkin=first, actor=a, outcome="well")

    placements.placement_end(placement=placement, actor=a, reason="moved to own flat")
    placement.refresh_from_db()
    assert placement.status == S.ENDED and placement.ended_at is not None
    household = Household.objects.get(pk=placement.household_id)
    assert household.status == HouseholdStatus.CLOSED and household.closed_at is not None
    steps = list(placement.events.values_list("to_status", "reason"))
    assert steps == [  # reasons are encrypted; an empty one is stored as NULL
        (S.PROPOSED, None),
        (S.HOUSEHOLD_ACCEPTED, None),
        (S.CONFIRMED, "by phone"),
        (S.TRAVELLING, None),
        (S.ARRIVED, "host called"),
        (S.ENDED, "moved to own flat"),
    ]
    assert all(by == a.user.pk for by in placement.events.values_list("by", flat=True))


def test_steps_out_of_order_are_refused_with_the_current_status(a, placement):
    with pytest.raises(ServiceError, match="is “Proposed”; that step is not possible now"):
        placements.placement_arrive(placement=placement, actor=a)
    with pytest.raises(ServiceError, match="Say who accepted"):
        placements.placement_accept(placement=placement, actor=a, side="neighbour")
    placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    with pytest.raises(ServiceError, match="already accepted"):
        placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    assert _status(placement) == S.HOST_ACCEPTED


def test_a_decline_needs_a_reason_and_sends_the_household_back_to_the_pool(a, placement):
    with pytest.raises(ServiceError, match="Give a reason"):
        placements.placement_decline(placement=placement, actor=a, side=Side.HOST, reason=" ")
    placements.placement_decline(
        placement=placement, actor=a, side=Side.HOST, reason="the flat is not ready"
    )
    placement.refresh_from_db()
    assert placement.status == S.DECLINED and placement.reason == "the flat is not ready"
    assert placement.host_responded_at is not None
    assert Household.objects.get(pk=placement.household_id).status == HouseholdStatus.WAITING


def test_a_breakdown_raises_the_households_priority_and_flags_the_offer(a, placement):
    placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    placements.placement_arrive(placement=placement, actor=a)
    with pytest.raises(ServiceError, match="Say what happened"):
        placements.placement_break_down(placement=placement, actor=a, reason="")
    placements.placement_break_down(placement=placement, actor=a, reason="host asked them to go")
    household = Household.objects.get(pk=placement.household_id)
    assert (household.status, household.priority) == (HouseholdStatus.WAITING, 1)
    offer = HostOffer.objects.get(pk=placement.offer_id)
    assert offer.status == OfferStatus.PAUSED and offer.flagged_at is not None
    assert f"#{placement.pk}" in offer.flag_reason
    # The beds are free again for the matching engine and for other proposals.
    assert selectors.beds_taken(offer=offer, start=placement.start_date, end=None) == 0


def test_each_side_is_spoken_for_by_its_own_organisation(caseworker_b, org_a, org_b, a):
    """The household belongs to A, the offer was verified by B."""
    offer = make_offer(org_b, beds=3)
    placement = placements.placement_propose(household=make_household(org_a), offer=offer, actor=a)
    b = actor_for(caseworker_b)
    with pytest.raises(PermissionDenied):
        placements.placement_accept(placement=placement, actor=a, side=Side.HOST)
    with pytest.raises(PermissionDenied):
        placements.placement_accept(placement=placement, actor=b, side=Side.HOUSEHOLD)
    placements.placement_accept(placement=placement, actor=b, side=Side.HOST)
    placements.placement_accept(placement=placement, actor=a, side=Side.HOUSEHOLD)
    assert _status(placement) == S.CONFIRMED


def test_a_viewer_cannot_take_any_step(viewer_a, placement):
    with pytest.raises(PermissionDenied):
        placements.placement_accept(placement=placement, actor=actor_for(viewer_a), side=Side.HOST)


def test_the_placement_page_records_steps_and_problems(client, caseworker_a, placement):
    client.force_login(caseworker_a)
    url = reverse("placement-step", args=[placement.pk])
    page = client.post(url, {"step": "arrive"}, follow=True)
    # Only the steps possible now are offered (and accepted).
    assert "Choose a step from the list." in page.text
    for step in ("accept_host", "accept_household", "depart", "arrive"):
        client.post(url, {"step": step})
    assert _status(placement) == S.ARRIVED
    page = client.post(url, {"step": "fly_away"}, follow=True)
    assert "Choose a step from the list." in page.text
    problem = client.post(
        reverse("placement-problem", args=[placement.pk]),
        {"side": "host", "description": "The family smokes indoors"},
        follow=True,
    )
    assert "Problem recorded." in problem.text and "smokes indoors" in problem.text


def test_the_host_response_rate_counts_answered_proposals(a, org_a):
    offer = make_offer(org_a, beds=6)
    ps = [
        placements.placement_propose(
            household=make_household(org_a, people=1), offer=offer, actor=a
        )
        for _ in range(4)
    ]
    placements.placement_accept(placement=ps[0], actor=a, side=Side.HOST)
    placements.placement_decline(placement=ps[1], actor=a, side=Side.HOST, reason="ill")
    placements.placement_decline(placement=ps[2], actor=a, side=Side.HOUSEHOLD, reason="far")
    assert selectors.host_response(host=offer.host) == {"proposals": 4, "answered": 2, "rate": 50}


def test_offers_expire_unless_the_host_reconfirms(client, org_a, settings):
    settings.OFFER_RECONFIRM_DAYS = 30
    settings.OFFER_RECONFIRM_REMINDER_DAYS = 5
    today = timezone.localdate()
    soon = make_offer(org_a, confirmed_until=today + datetime.timedelta(days=3))
    soon.host.preferred_language = "pl"
    soon.host.save()
    lapsed = make_offer(org_a, confirmed_until=today - datetime.timedelta(days=1))
    later = make_offer(org_a, confirmed_until=today + datetime.timedelta(days=20))

    assert services.offers_expire_and_remind() == (1, 1)
    assert services.offers_expire_and_remind() == (0, 0)  # one reminder, not one a day
    assert HostOffer.objects.get(pk=lapsed.pk).status == OfferStatus.EXPIRED
    assert HostOffer.objects.get(pk=later.pk).status == OfferStatus.ACTIVE
    [message] = mail.outbox
    assert message.to == [soon.host.email]
    assert "Czy Twoja oferta" in message.subject  # in the host's language
    link = next(line for line in message.body.splitlines() if "/host/reconfirm/" in line)
    # The host's own page for their offers comes with it, in their language.
    manage = next(word for word in message.body.split() if "/l/" in word)
    own_page = client.get(manage.replace("http://127.0.0.1:8000", "")).content.decode()
    assert "Twoje oferty" in own_page and soon.city in own_page
    response = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    soon.refresh_from_db()
    assert soon.confirmed_until == today + datetime.timedelta(days=30)
    assert soon.reminder_sent_at is None
    # An expired offer comes back with a (new) link; a forged one is refused in the page.
    token = services.offer_reconfirm_link(lapsed).rsplit("/", 2)[-2]
    services.offer_reconfirm(token=token)
    assert HostOffer.objects.get(pk=lapsed.pk).status == OfferStatus.ACTIVE
    with translation.override("en"):  # the e-mail link above switched the thread to Polish
        bad = client.get(reverse("intake:host-reconfirm", args=[token[:-3] + "abc"]))
    assert bad.status_code == 400 and "This link is not valid." in bad.text


def test_host_checks_are_recorded_level_by_level(coordinator_a, caseworker_a, org_a):
    offer = make_offer(None, status=OfferStatus.AWAITING)
    coordinator = actor_for(coordinator_a)
    with pytest.raises(ServiceError, match="identity before recording a visit"):
        services.host_record_check(
            host=offer.host, actor=coordinator, level=Verification.VISITED, note="nice flat"
        )
    with pytest.raises(ServiceError, match="Say which document"):
        services.offer_verify(offer=offer, actor=coordinator, document_type="selfie")
    services.offer_verify(offer=offer, actor=coordinator, document_type="passport")
    services.host_record_check(
        host=offer.host, actor=coordinator, level=Verification.VISITED, note="visited on Monday"
    )
    offer.host.refresh_from_db()
    assert offer.host.verification == Verification.VISITED
    checks = list(offer.host.verifications.order_by("pk").values_list("level", "document_type"))
    assert checks == [(Verification.IDENTITY, "passport"), (Verification.VISITED, "")]
    with pytest.raises(PermissionDenied):
        services.host_record_check(
            host=offer.host, actor=actor_for(caseworker_a), level=Verification.VISITED
        )
