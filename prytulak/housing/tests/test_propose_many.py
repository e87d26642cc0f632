"""Proposals one at a time and many at once go through the same service rules: an offer
without room is refused at proposal time, each proposal writes its event, and each host is
told once, in the host's language, however many proposals a run made for them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from prytulak.conftest import make_household, make_offer
from prytulak.core.errors import ServiceError
from prytulak.housing import placements
from prytulak.housing.models import Host, Placement, PlacementEvent, PlacementStatus
from prytulak.housing.placements import Proposal
from prytulak.matching.models import MatchingRun
from prytulak.notify import telegram
from prytulak.notify.models import TelegramLink
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import HouseholdStatus

pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")


def work():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def proposal(household, offer, **extra):
    return Proposal(
        household_id=household.pk,
        offer_id=offer.pk,
        beds=household.members.count(),
        start_date=timezone.localdate(),
        end_date=None,
        **extra,
    )


def both_accept(placement, actor):
    placements.placement_accept(placement=placement, actor=actor, side="host")
    placements.placement_accept(placement=placement, actor=actor, side="household")


def test_a_single_proposal_to_a_full_offer_is_refused(org_a, caseworker_a):
    actor = actor_for(caseworker_a)
    offer = make_offer(org_a, beds=2)
    first = placements.placement_propose(
        household=make_household(org_a, name="First", people=2), offer=offer, actor=actor
    )
    both_accept(first, actor)
    late = make_household(org_a, name="Late", people=1)
    with pytest.raises(ServiceError) as exc:
        placements.placement_propose(household=late, offer=offer, actor=actor)
    assert exc.value.code == "capacity"
    assert "0 of 2 are free" in str(exc.value)
    assert not Placement.objects.filter(household=late).exists()
    late.refresh_from_db()
    assert late.status == HouseholdStatus.WAITING


def test_the_propose_page_says_why_a_full_offer_is_refused(client, org_a, caseworker_a):
    actor = actor_for(caseworker_a)
    offer = make_offer(org_a, beds=2)
    both_accept(
        placements.placement_propose(
            household=make_household(org_a, name="First", people=2), offer=offer, actor=actor
        ),
        actor,
    )
    late = make_household(org_a, name="Late", people=1)
    client.force_login(caseworker_a)
    response = client.post(
        f"/en/staff/offers/{offer.pk}/propose/", {"household": late.pk}, follow=True
    )
    assert response.status_code == 200
    assert "no longer available: 0 of 2 are free" in response.text
    assert not Placement.objects.filter(household=late).exists()


def test_many_proposals_to_a_full_offer_are_refused_with_the_reason(
    org_a, coordinator_a, caseworker_a
):
    actor = actor_for(coordinator_a)
    run = MatchingRun.objects.create(organization=org_a, scope="organization")
    full = make_offer(org_a, beds=2)
    both_accept(
        placements.placement_propose(
            household=make_household(org_a, people=2), offer=full, actor=actor_for(caseworker_a)
        ),
        actor,
    )
    free = make_offer(org_a, beds=2)
    paused = make_offer(org_a, beds=2, status="paused")
    a, b, c = (make_household(org_a, name=n, people=2) for n in "ABC")
    # the second pair for `free` finds it taken by the first one of this same call
    d = make_household(org_a, name="D", people=1)
    done = placements.placement_propose_many(
        actor=actor,
        run=run,
        pairs=[proposal(a, full), proposal(b, free), proposal(d, free), proposal(c, paused)],
    )
    assert [p.household_id for p in done.placements] == [b.pk]
    assert done.refused == [(a.pk, "taken"), (d.pk, "taken"), (c.pk, "offer_closed")]
    assert Placement.objects.filter(run=run).count() == 1
    for h in (a, c, d):
        h.refresh_from_db()
        assert h.status == HouseholdStatus.WAITING


def test_only_the_runs_coordinator_may_propose_for_it(org_a, org_b, coordinator_b, caseworker_a):
    run = MatchingRun.objects.create(organization=org_a, scope="pool")
    offer = make_offer(org_a)
    household = make_household(org_a)
    for actor in (actor_for(coordinator_b), actor_for(caseworker_a)):
        with pytest.raises(Exception) as exc:
            placements.placement_propose_many(
                actor=actor, run=run, pairs=[proposal(household, offer)]
            )
        assert type(exc.value).__name__ == "NotAllowed"
    assert not Placement.objects.exists()


def test_many_proposals_write_one_event_each_and_tell_each_host_once_in_their_language(
    org_a, coordinator_a, monkeypatch, django_capture_on_commit_callbacks
):
    chats = []
    monkeypatch.setattr(telegram, "enabled", lambda: True)
    monkeypatch.setattr(
        telegram,
        "deliver",
        lambda replies, **kw: chats.extend((r.chat, r.text) for r in replies) or len(replies),
    )
    actor = actor_for(coordinator_a)
    run = MatchingRun.objects.create(organization=org_a, scope="organization", created_by=None)
    polish = [make_offer(org_a, beds=3, city=c) for c in ("Kraków", "Warszawa", "Lublin")]
    host_pl = polish[0].host
    Host.objects.filter(pk=host_pl.pk).update(email="ewa@example.org", preferred_language="pl")
    for offer in polish[1:]:
        offer.host = host_pl
        offer.save(update_fields=["host"])
    german = make_offer(org_a, beds=3, city="Berlin", country="DE")
    Host.objects.filter(pk=german.host_id).update(
        email="jonas@example.org", preferred_language="de"
    )
    TelegramLink.objects.create(chat_id=901, host=host_pl, language="uk")
    households = [make_household(org_a, name=f"H{i}", people=2) for i in range(4)]
    pairs = [proposal(h, o) for h, o in zip(households, [*polish, german], strict=True)]
    with django_capture_on_commit_callbacks(execute=True):
        done = placements.placement_propose_many(actor=actor, run=run, pairs=pairs)
    assert len(done.placements) == 4 and done.refused == []
    work()
    events = PlacementEvent.objects.filter(placement__run=run)
    assert sorted(events.values_list("placement__household_id", flat=True)) == sorted(
        h.pk for h in households
    )
    assert {(e.to_status, e.by_id) for e in events} == {
        (PlacementStatus.PROPOSED, coordinator_a.pk)
    }
    hosts = {"ewa@example.org", "jonas@example.org"}
    to = sorted(m.to[0] for m in mail.outbox if m.to[0] in hosts)
    assert to == ["ewa@example.org", "jonas@example.org"]  # one message per host
    # and each household its own notice (self-service), once
    assert len([m for m in mail.outbox if m.to[0] not in hosts]) == len(households)
    assert "/l/" in next(m for m in mail.outbox if m.to == ["ewa@example.org"]).body
    ewa = next(m for m in mail.outbox if m.to == ["ewa@example.org"])
    jonas = next(m for m in mail.outbox if m.to == ["jonas@example.org"])
    with translation.override("pl"):
        assert ewa.subject == translation.ngettext(
            "%(n)d family may come to stay with you", "%(n)d families may come to stay with you", 3
        ) % {"n": 3}
    assert ewa.subject != "3 families may come to stay with you"
    assert all(city in ewa.body for city in ("Kraków", "Warszawa", "Lublin"))
    assert "H0" not in ewa.body and "+380" not in ewa.body  # what they need, not who they are
    assert jonas.subject == "Eine Familie könnte bei Ihnen wohnen"
    assert "Berlin" in jonas.body
    # In Telegram, one message per proposal (each with its buttons), in the chat's language.
    assert [chat for chat, _text in chats] == [901, 901, 901]
    for city in ("Kraków", "Warszawa", "Lublin"):
        assert len([text for _chat, text in chats if city in text]) == 1
    assert all("пропозиці" in text for _chat, text in chats)
