"""bulk_insert and bulk_insert_each write the rows bulk_create writes (on PostgreSQL through
COPY and INSERT … SELECT, elsewhere through bulk_create itself)."""

import datetime

from django.utils import timezone

from prytulak.conftest import make_household, make_offer
from prytulak.core.bulk import bulk_insert, bulk_insert_each
from prytulak.housing.models import Placement, PlacementEvent, PlacementStatus

# Set by the database or the clock, so they differ between two inserts of the same row.
VARYING = {"id", "created_at", "updated_at", "at", "household", "placement"}


def _row(obj):
    values = type(obj).objects.filter(pk=obj.pk).values().get()
    return {k: v for k, v in values.items() if k.removesuffix("_id") not in VARYING}


def _proposal(household, offer, run=None, **extra):
    return Placement(
        household=household,
        offer=offer,
        beds=2,
        status=PlacementStatus.PROPOSED,
        start_date=datetime.date(2026, 12, 1),
        end_date=None,
        score=0.75,
        explanation={"km": 38.5, "from": "Medyka – Shehyni", "languages": ["uk", "pl"]},
        **extra,
    )


def test_bulk_insert_writes_what_bulk_create_writes_and_gives_each_object_its_id(
    org_a, coordinator_a
):
    offer = make_offer(org_a, beds=6)
    a, b, c = (make_household(org_a, name=n) for n in "ABC")
    reference = _proposal(a, offer, created_by=coordinator_a)
    Placement.objects.bulk_create([reference])
    before = timezone.now()
    made = [_proposal(b, offer, created_by=coordinator_a), _proposal(c, offer)]
    bulk_insert(Placement, made, batch_size=1)
    assert all(p.pk and not p._state.adding for p in made)
    assert [p.household_id for p in Placement.objects.filter(pk__in=[p.pk for p in made])] == [
        c.pk,
        b.pk,
    ]  # newest first; each id is the row of its own object
    assert _row(made[0]) == _row(reference)
    assert _row(made[1]) == {**_row(reference), "created_by_id": None}
    stored = Placement.objects.get(pk=made[0].pk)
    assert stored.created_at >= before and stored.updated_at >= before
    assert stored.reason is None and stored.explanation["from"] == "Medyka – Shehyni"
    # the table's sequence moved on: the next ordinary insert does not collide
    assert Placement.objects.create(**{**_row(reference), "household": a}).pk > made[1].pk


def test_bulk_insert_each_writes_one_row_per_id_as_bulk_create_would(org_a, coordinator_a):
    offer = make_offer(org_a, beds=6)
    placements = [_proposal(make_household(org_a, name=n), offer) for n in "ABC"]
    Placement.objects.bulk_create(placements)
    reference = PlacementEvent(
        placement=placements[0], to_status=PlacementStatus.PROPOSED, by=coordinator_a
    )
    PlacementEvent.objects.bulk_create([reference])
    before = timezone.now()
    bulk_insert_each(
        PlacementEvent(to_status=PlacementStatus.PROPOSED, by=coordinator_a),
        "placement",
        [p.pk for p in placements[1:]],
        batch_size=1,
    )
    events = PlacementEvent.objects.exclude(pk=reference.pk)
    assert sorted(events.values_list("placement_id", flat=True)) == sorted(
        p.pk for p in placements[1:]
    )
    assert [_row(e) for e in events] == [_row(reference)] * 2
    assert all(e.at >= before and e.reason is None for e in events)


def test_any_of_finds_the_rows_pk_in_finds(org_a):
    from prytulak.people.models import Household

    households = [make_household(org_a, name=n) for n in "ABCD"]
    wanted = [households[0].pk, households[2].pk, 10**9]
    assert sorted(Household.objects.filter(pk__any_of=wanted).values_list("pk", flat=True)) == [
        households[0].pk,
        households[2].pk,
    ]
    assert not Household.objects.filter(pk__any_of=[]).exists()
    offer = make_offer(org_a, beds=6)
    Placement.objects.bulk_create([_proposal(h, offer) for h in households[:2]])
    assert Placement.objects.filter(offer__pk__any_of=[offer.pk]).count() == 2
