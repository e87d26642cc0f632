"""Own pages by signed link: the host answers a proposal, the household answers and follows
its request, the host manages offers; and what a changed, expired or revoked link gets."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import (
    CheckIn,
    OfferStatus,
    PlacementEvent,
    PlacementStatus,
    ProblemReport,
)
from prytulak.orgs.scopes import actor_for
from prytulak.selfservice.models import AccessLink, LinkPurpose
from prytulak.selfservice.services import link_create, link_revoke


@pytest.fixture
def web():
    return Client()


@pytest.fixture
def proposal(org_a, coordinator_a, household_a, offer_a):
    return placements.placement_propose(
        household=household_a, offer=offer_a, actor=actor_for(coordinator_a)
    )


def page(token):
    return reverse("link-page", args=[token])


def act(token, action):
    return reverse("link-action", args=[token, action])


def refusals():
    return list(AccessLog.objects.filter(action="link.refused").values_list("reason", flat=True))


def test_the_host_sees_the_household_without_name_or_contact_and_accepts(web, proposal):
    _link, token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    body = web.get(page(token)).content.decode()
    household = proposal.household
    assert "2 people" in body and "18–64 years" in body and "Przemyśl" in body
    assert household.lead_name not in body and household.phone not in body
    assert household.email not in body
    assert AccessLog.objects.filter(action="link.opened", party="host").count() == 1

    response = web.post(act(token, "accept"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.HOST_ACCEPTED
    event = PlacementEvent.objects.filter(placement=proposal).last()
    assert (event.by, event.by_party, event.channel) == (None, "host", "link")
    assert event.description() == "Accepted by the host"
    body = web.get(page(token)).content.decode()
    assert "Thank you: you accepted." in body and household.lead_name not in body


def test_both_accept_on_their_pages_and_each_then_sees_the_other(web, proposal):
    _l, host_token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    _l, family_token = link_create(
        purpose=LinkPurpose.HOUSEHOLD, household=proposal.household, language="uk"
    )
    family_page = web.get(page(family_token)).content.decode()
    assert "Kraków" in family_page and "Jan Kowalski" not in family_page
    assert "+48 600 100 200" not in family_page
    web.post(act(host_token, "accept"))
    web.post(act(family_token, "accept"), {"placement": proposal.pk})
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.CONFIRMED
    assert proposal.contacts_released_at is not None
    last = PlacementEvent.objects.filter(placement=proposal).last()
    assert (last.by_party, last.description()) == ("household", "Accepted by the household")
    family_page = web.get(page(family_token)).content.decode()
    assert "Jan Kowalski" in family_page and "+48 600 100 200" in family_page
    assert "Ваш господар" in family_page  # the household's language: Ukrainian
    host_page = web.get(page(host_token)).content.decode()
    assert "Olena Kovalenko" in host_page and "+380671111111" in host_page
    # Each release of a contact to a party is in the access log, with who and how.
    assert AccessLog.objects.filter(
        action="host.contact_viewed", party="household", channel="link"
    ).exists()
    assert AccessLog.objects.filter(
        action="household.contact_viewed", party="host", channel="link"
    ).exists()
    # Nobody's own contact is logged as "viewed" by themselves.
    assert not AccessLog.objects.filter(action="household.contact_viewed", party="household")
    assert not AccessLog.objects.filter(action="host.contact_viewed", party="host")


def test_a_decline_needs_a_reason_and_kills_the_proposal_link(web, proposal):
    _l, token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    web.post(act(token, "decline"), {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.PROPOSED
    web.post(act(token, "decline"), {"reason": "We have guests that week"})
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.DECLINED
    event = proposal.events.last()
    assert event.description() == "Declined by the host"
    response = web.get(page(token))
    assert response.status_code == 404 and "Kraków" not in response.content.decode()
    assert refusals() == [f"placement over {page(token)}"]


def test_a_changed_token_an_expired_or_revoked_link_are_refused_and_logged(
    web, proposal, coordinator_a
):
    link, token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in [changed, "x" * 22, "short", token + "x"]:
        response = web.get(page(bad))
        assert response.status_code == 404
        assert "Przemyśl" not in response.content.decode()
    assert web.post(act(changed, "accept")).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.PROPOSED
    assert len(refusals()) == 5

    AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert web.get(page(token)).status_code == 404
    assert refusals()[0].startswith("expired")

    link2, token2 = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    assert web.get(page(token2)).status_code == 200
    link_revoke(link=link2, actor=actor_for(coordinator_a))
    response = web.post(act(token2, "accept"))
    assert response.status_code == 404
    assert refusals()[0].startswith("revoked")
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.PROPOSED
    # Only the hash is stored.
    assert not AccessLink.objects.filter(token_hash=token2).exists()


def test_another_proposals_id_is_refused_and_no_other_household_shows(
    web, org_a, coordinator_a, proposal, household_b
):
    other_household = make_household(org_a, name="Iryna Shevchenko", phone="+380673333333")
    other = placements.placement_propose(
        household=other_household,
        offer=make_offer(org_a, city="Gdańsk"),
        actor=actor_for(coordinator_a),
    )
    _l, token = link_create(
        purpose=LinkPurpose.HOUSEHOLD, household=proposal.household, language="en"
    )
    body = web.get(page(token)).content.decode()
    for foreign in ["Iryna", "Gdańsk", "+380673333333", "+380672222222"]:
        assert foreign not in body
    response = web.post(act(token, "accept"), {"placement": other.pk})
    assert response.status_code == 404
    other.refresh_from_db()
    proposal.refresh_from_db()
    assert other.status == proposal.status == PlacementStatus.PROPOSED
    assert refusals() == [f"placement not current: accept {act(token, 'accept')}"]
    # A host link cannot answer for the household, nor a household link for the host.
    _l, host_token = link_create(purpose=LinkPurpose.PROPOSAL, placement=other, language="en")
    assert "Iryna" not in web.get(page(host_token)).content.decode()
    assert web.post(act(token, "accept"), {"placement": "abc"}).status_code == 404


def test_rate_limits_hold(web, settings, proposal):
    settings.LINK_RATE = "3/m"
    settings.LINK_REFUSED_RATE = "2/h"
    _l, token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    assert [web.get(page(token)).status_code for _ in range(4)] == [200, 200, 200, 429]
    from django.core.cache import cache

    cache.clear()
    # Two bad tokens, then this address is turned away even with a good one.
    assert [web.get(page("A" * 22)).status_code for _ in range(2)] == [404, 404]
    assert web.get(page(token)).status_code == 429
    assert web.get(page("B" * 22)).status_code == 429
    assert len(refusals()) == 2  # guessing stops costing us a query


def test_after_arrival_the_host_answers_the_check_in_and_reports_a_problem(
    web, proposal, coordinator_a
):
    actor = actor_for(coordinator_a)
    for side in ("host", "household"):
        placements.placement_accept(placement=proposal, actor=actor, side=side)
    placements.placement_arrive(placement=proposal, actor=actor)
    checkin = CheckIn.objects.create(placement=proposal, due_on=timezone.localdate())
    _l, token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    body = web.get(page(token)).content.decode()
    assert "How is it going?" in body and "Could not reach them" not in body
    # A check-in of another placement is refused.
    other = make_offer(proposal.offer.organization, city="Gdańsk")
    other_placement = placements.placement_propose(
        household=make_household(proposal.household.organization, phone="+380679999999"),
        offer=other,
        actor=actor,
    )
    foreign = CheckIn.objects.create(placement=other_placement, due_on=timezone.localdate())
    assert (
        web.post(act(token, "checkin"), {"checkin": foreign.pk, "outcome": "well"}).status_code
        == 404
    )
    web.post(act(token, "checkin"), {"checkin": checkin.pk, "outcome": "concern", "note": "tired"})
    checkin.refresh_from_db()
    assert (checkin.outcome, checkin.done_by_party, checkin.channel) == ("concern", "host", "link")
    foreign.refresh_from_db()
    assert foreign.done_at is None
    web.post(act(token, "problem"), {"description": "The boiler broke"})
    report = ProblemReport.objects.get(placement=proposal)
    assert (report.side, report.channel, report.recorded_by) == ("host", "link", None)
    # A party cannot take the organisation's steps.
    with pytest.raises(placements.NotAllowed):
        from prytulak.selfservice.services import party_for

        link = AccessLink.objects.get(placement=proposal)
        placements.placement_end(placement=proposal, actor=party_for(link))


def test_the_household_asks_to_be_rematched(web, proposal):
    _l, token = link_create(
        purpose=LinkPurpose.HOUSEHOLD, household=proposal.household, language="en"
    )
    web.post(act(token, "rematch"), {"placement": proposal.pk, "reason": "Too far from school"})
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.DECLINED
    assert proposal.events.last().description() == "Declined by the household"
    body = web.get(page(token)).content.decode()
    assert "No place has been proposed yet" in body


def test_the_host_manages_their_offers_and_not_anothers(web, org_a, offer_a):
    other = make_offer(org_a, host_name="Piotr Nowak", city="Gdańsk")
    _l, token = link_create(purpose=LinkPurpose.OFFERS, host=offer_a.host, language="en")
    body = web.get(page(token)).content.decode()
    assert "Kraków" in body and "Gdańsk" not in body

    def do(offer, action, data=None):
        return web.post(reverse("link-offer-action", args=[token, offer.pk, action]), data or {})

    start = timezone.localdate() + datetime.timedelta(days=3)
    prefix = f"o{offer_a.pk}-"
    do(
        offer_a,
        "change",
        {prefix + "available_from": start, prefix + "beds": "5", prefix + "pets_allowed": "on"},
    )
    offer_a.refresh_from_db()
    assert (offer_a.beds, offer_a.pets_allowed, offer_a.available_from) == (5, True, start)
    do(offer_a, "change", {prefix + "available_from": start, prefix + "beds": "0"})
    offer_a.refresh_from_db()
    assert offer_a.beds == 5
    do(offer_a, "reconfirm")
    offer_a.refresh_from_db()
    assert offer_a.confirmed_until is not None
    do(offer_a, "pause")
    offer_a.refresh_from_db()
    assert offer_a.status == OfferStatus.PAUSED
    assert do(other, "withdraw").status_code == 404
    other.refresh_from_db()
    assert other.status == OfferStatus.ACTIVE
    do(offer_a, "withdraw")
    offer_a.refresh_from_db()
    assert offer_a.status == OfferStatus.WITHDRAWN


def test_staff_revoke_a_link_from_the_placement_page(client, proposal, coordinator_a, caseworker_b):
    link, token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    client.force_login(caseworker_b)
    assert client.post(reverse("link-revoke", args=[link.pk])).status_code in (403, 404)
    client.force_login(coordinator_a)
    detail = client.get(reverse("placement-detail", args=[proposal.pk])).content.decode()
    assert reverse("link-revoke", args=[link.pk]) in detail
    client.post(reverse("link-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert Client().get(page(token)).status_code == 404


@pytest.mark.parametrize("language", ["en", "uk", "ru", "be", "pl", "de", "lt"])
def test_each_page_renders_in_each_language_small_and_without_javascript(web, proposal, language):
    """Every own page, in every language: translated, small, no script (a cheap phone)."""
    from django.utils import translation

    pages = {
        LinkPurpose.PROPOSAL: ({"placement": proposal}, "A proposal for your place in %(city)s"),
        LinkPurpose.HOUSEHOLD: ({"household": proposal.household}, "Your request for a place"),
        LinkPurpose.OFFERS: ({"host": proposal.offer.host}, "Your offers"),
    }
    for purpose, (subject, heading) in pages.items():
        _l, token = link_create(purpose=purpose, language=language, **subject)
        response = web.get(page(token))
        body = response.content.decode()
        with translation.override(language):
            expected = translation.gettext(heading) % {"city": "Kraków"}
        assert expected in body, (purpose, language)
        if language != "en":
            assert heading.split("%")[0] not in body
        assert f'lang="{language}"' in body
        assert "<script" not in body and len(response.content) < 12_000
    refused = web.get(page("A" * 22)).content.decode()
    assert "<script" not in refused


def test_a_host_cannot_shrink_end_or_withdraw_an_offer_a_family_is_placed_in(web, proposal):
    """Found by a walk-through: a host withdrew (and cut to 2 beds) the offer a family of 5
    had been placed in, and nobody was told. The offer keeps room and time for families placed
    in it; the host is told why and to ask their organisation."""
    _l, host_token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="en")
    _l, family_token = link_create(
        purpose=LinkPurpose.HOUSEHOLD, household=proposal.household, language="uk"
    )
    web.post(act(host_token, "accept"))
    web.post(act(family_token, "accept"), {"placement": proposal.pk})
    proposal.refresh_from_db()
    assert proposal.status == PlacementStatus.CONFIRMED
    offer = proposal.offer
    beds, start, until = offer.beds, offer.available_from, offer.available_to
    _l, token = link_create(purpose=LinkPurpose.OFFERS, host=offer.host, language="en")

    def do(action, data=None):
        url = reverse("link-offer-action", args=[token, offer.pk, action])
        return web.post(url, data or {}, follow=True).content.decode()

    prefix = f"o{offer.pk}-"
    fewer = str(proposal.beds - 1)
    body = do("change", {prefix + "available_from": start, prefix + "beds": fewer})
    assert "taken by" in body and "Ask your organisation first" in body
    soon = start + datetime.timedelta(days=1)
    body = do(
        "change",
        {prefix + "available_from": start, prefix + "available_to": soon, prefix + "beds": beds},
    )
    assert "stays beyond that date" in body
    body = do("withdraw")
    assert "cannot be withdrawn" in body
    offer.refresh_from_db()
    assert (offer.beds, offer.available_to, offer.status) == (beds, until, OfferStatus.ACTIVE)
    do("pause")  # pausing (no new proposals) is still the host's to do
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PAUSED


def test_ended_links_do_not_lock_out_an_address_shared_by_many_families(
    web, settings, proposal, household_a
):
    """Found by a walk-through: after a decline the host is sent back to the link, which has
    ended; each such visit counted as a guess, so ten ordinary old links in an hour from a
    shelter's Wi-Fi blocked every family's link there. Ended links are not guesses."""
    settings.LINK_REFUSED_RATE = "2/h"
    _l, host_token = link_create(purpose=LinkPurpose.PROPOSAL, placement=proposal, language="uk")
    response = web.post(act(host_token, "decline"), {"reason": "no room after all"}, follow=True)
    assert "Дякуємо" in response.content.decode()  # the page after it is in the link's language
    assert [web.get(page(host_token)).status_code for _ in range(4)] == [404] * 4
    _l, family = link_create(purpose=LinkPurpose.HOUSEHOLD, household=household_a, language="en")
    assert web.get(page(family)).status_code == 200
    assert len(refusals()) >= 4  # each visit is still in the access log
