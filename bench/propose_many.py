"""The storing phase of a matching run at scale: N proposals (one household to one offer,
each host with one offer) stored the old way (bulk_create of placements and events, no
room check, no notification) and through `placement_propose_many` (offers locked, room
recomputed, events, households marked, host jobs queued), then the hosts' messages built
and sent (to Django's dummy e-mail backend). Everything runs in one transaction that is
rolled back, so a seeded database (for its organisation and coordinator) stays as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/runsdb python bench/propose_many.py 40000
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prytulak.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from prytulak.core.privacy import email_index, name_key, phone_index  # noqa: E402
from prytulak.housing.models import Host, HostOffer, Placement, PlacementEvent  # noqa: E402
from prytulak.housing.placements import Proposal, placement_propose_many  # noqa: E402
from prytulak.matching.models import MatchingRun  # noqa: E402
from prytulak.notify.services import proposals_to_hosts  # noqa: E402
from prytulak.orgs.scopes import actor_for  # noqa: E402
from prytulak.people.models import Household, HouseholdStatus  # noqa: E402

BATCH = 5_000


def _world(n: int, org) -> tuple[list[Household], list[HostOffer]]:  # noqa: ANN001
    today = timezone.localdate()
    email, phone = "host@example.org", "+48 600 100 200"
    hosts = [
        Host(kind="person", name=f"Host {i}", name_key=name_key(f"Host {i}"), email=email,
             phone=phone, email_index=email_index(email), phone_index=phone_index(phone),
             household_type="family", verification=1, preferred_language=("pl", "uk", "de")[i % 3])
        for i in range(n)
    ]  # fmt: skip
    Host.objects.bulk_create(hosts, batch_size=BATCH)
    offers = [
        HostOffer(host=h, organization=org, status="active", city="Kraków", country="PL",
                  latitude=50.06, longitude=19.94, address="ul. Floriańska 1", beds=4,
                  available_from=today - datetime.timedelta(days=1), languages=["pl", "uk"])
        for h in hosts
    ]  # fmt: skip
    HostOffer.objects.bulk_create(offers, batch_size=BATCH)
    households = [
        Household(organization=org, lead_name=f"Lead {i}", lead_name_key=name_key(f"Lead {i}"),
                  languages=["uk"], arrival_place="Medyka", arrival_country="PL",
                  arrival_latitude=49.8, arrival_longitude=22.93, arrival_date=today,
                  status=HouseholdStatus.WAITING)
        for i in range(n)
    ]  # fmt: skip
    Household.objects.bulk_create(households, batch_size=BATCH)
    return households, offers


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    slug = sys.argv[2] if len(sys.argv) > 2 else "byhelp"
    actor = actor_for(User.objects.get(username=f"{slug}-coordinator"))
    assert actor is not None
    today = timezone.localdate()
    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite')}; {n:,} proposals")
    with transaction.atomic():
        t = time.perf_counter()
        households, offers = _world(n, actor.organization)
        print(f"world: {time.perf_counter() - t:.1f} s")
        run = MatchingRun.objects.create(
            organization=actor.organization, created_by=actor.user, scope="pool"
        )
        why = {"km": 250.0, "from": "Medyka", "arrival": "Medyka", "city": "Kraków",
               "languages": ["uk"], "pets": 0, "step_free": False,
               "offer_from": today.isoformat(), "offer_to": None, "value": 4.2, "people": 2}  # fmt: skip
        pairs = [
            Proposal(household_id=h.pk, offer_id=o.pk, beds=2, start_date=today, end_date=None,
                     score=4.2, explanation=dict(why))
            for h, o in zip(households, offers, strict=True)
        ]  # fmt: skip

        # The old store phase: bulk inserts, no lock, no room check, nobody told.
        with transaction.atomic():
            t = time.perf_counter()
            rows = [
                Placement(household_id=p.household_id, offer_id=p.offer_id, beds=p.beds,
                          start_date=p.start_date, end_date=p.end_date, status="proposed",
                          run=run, score=p.score, created_by=actor.user, explanation=p.explanation)
                for p in pairs
            ]  # fmt: skip
            Placement.objects.bulk_create(rows, batch_size=BATCH)
            PlacementEvent.objects.bulk_create(
                [PlacementEvent(placement=p, to_status="proposed", by=actor.user) for p in rows],
                batch_size=BATCH,
            )
            ids = [p.household_id for p in pairs]
            for a in range(0, n, BATCH):
                Household.objects.filter(pk__in=ids[a : a + BATCH]).update(status="proposed")
            print(f"old store (bulk_create only): {time.perf_counter() - t:.2f} s")
            transaction.set_rollback(True)

        queued: list = []
        with transaction.atomic():
            t = time.perf_counter()
            done = placement_propose_many(actor=actor, run=run, pairs=pairs)
            print(
                f"placement_propose_many: {time.perf_counter() - t:.2f} s "
                f"({len(done.placements):,} proposed, {len(done.refused):,} refused)"
            )
            queued = [p.pk for p in done.placements]
            t = time.perf_counter()
            hosts = proposals_to_hosts(queued)
            print(f"hosts' messages (one per host): {hosts:,} in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            again = placement_propose_many(actor=actor, run=run, pairs=pairs)
            print(
                f"the same pairs again: {time.perf_counter() - t:.2f} s, "
                f"{len(again.refused):,} refused (no household waits any more)"
            )
            transaction.set_rollback(True)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
