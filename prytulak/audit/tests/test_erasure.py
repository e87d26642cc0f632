"""Export and erasure per person (the shredders), and the scheduled retention purge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from prytulak.audit import services
from prytulak.audit.models import AccessLog
from prytulak.audit.shredders import ERASED
from prytulak.conftest import make_household, make_offer
from prytulak.core.errors import ServiceError
from prytulak.housing import placements
from prytulak.housing.models import CheckIn, Host, HostOffer, OfferStatus, Placement, Side
from prytulak.orgs.scopes import actor_for
from prytulak.people import services as people_services
from prytulak.people.models import Household, HouseholdStatus, Person

PHONE = "+380509876543"


def _counts():
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "by_age": dict(
            Person.objects.values_list("age_band").annotate(n=Count("pk")).order_by("age_band")
        ),
        "placements": Placement.objects.count(),
        "by_status": dict(
            Placement.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        ),
        "arrival_places": dict(
            Household.objects.values_list("arrival_place")
            .annotate(n=Count("pk"))
            .order_by("arrival_place")
        ),
    }


@pytest.fixture
def lived_household(org_a, coordinator_a):
    """A household with a history: edited, consented, placed, arrived, checked on, a problem."""
    actor = actor_for(coordinator_a)
    household = people_services.household_register(
        actor=actor,
        data={
            "lead_name": "Halyna Melnyk",
            "phone": PHONE,
            "email": "halyna@example.org",
            "notes": "Husband stayed in Kharkiv",
            "needs": "insulin in the fridge",
            "pet_notes": "old cat",
            "pets": 1,
            "preferred_cities": "near her sister in Poznań",
            "languages": ["uk", "ru"],
            "arrival_place": "Medyka",
            "arrival_date": timezone.localdate(),
        },
        members=[
            {"age_band": "18-64", "sex": "f", "name": "Halyna Melnyk"},
            {"age_band": "5-13", "sex": "m", "name": "Taras Melnyk"},
        ],
    )
    people_services.household_update(
        household=household, actor=actor, data={"notes": "Husband stayed in Kharkiv; calls daily"}
    )
    people_services.household_set_sharing(
        household=household, actor=actor, level="full", how="Halyna agreed on the phone"
    )
    offer = make_offer(org_a, beds=3, pets_allowed=True)
    placement = placements.placement_propose(household=household, offer=offer, actor=actor)
    placements.placement_accept(placement=placement, actor=actor, side=Side.HOST)
    placements.placement_accept(placement=placement, actor=actor, side=Side.HOUSEHOLD)
    placements.placement_arrive(placement=placement, actor=actor, note="Halyna called at 9")
    placements.checkins_schedule()
    checkin = CheckIn.objects.filter(placement=placement).first()
    placements.checkin_record(
        checkin=checkin, actor=actor, outcome="concern", note="Taras is not sleeping"
    )
    placements.placement_report_problem(
        placement=placement, actor=actor, side=Side.HOUSEHOLD, description="Host shouts at Taras"
    )
    return household


def test_an_export_holds_everything_stored_about_the_household(coordinator_a, lived_household):
    data = services.household_export(actor=actor_for(coordinator_a), household=lived_household)
    assert data["phone"] == PHONE and data["notes"].endswith("calls daily")
    assert {m["name"] for m in data["members"]} == {"Halyna Melnyk", "Taras Melnyk"}
    assert data["consents"][0]["how"] == "Halyna agreed on the phone"
    [placement] = data["placements"]
    assert placement["problems"] == ["Host shouts at Taras"]
    assert any(c["note"] == "Taras is not sleeping" for c in placement["checkins"])
    assert [e["status"] for e in placement["events"]][-1] == "arrived"


def test_erasure_blanks_every_personal_field_and_keeps_the_counts(coordinator_a, lived_household):
    before = _counts()
    services.household_erase(
        actor=actor_for(coordinator_a), household=lived_household, reason="She asked by e-mail"
    )
    assert _counts() == before

    household = Household.objects.get(pk=lived_household.pk)
    assert household.lead_name == ERASED
    for field in ("phone", "email", "notes", "needs", "pet_notes"):
        assert getattr(household, field) in (None, ""), field
    assert (household.phone_index, household.email_index, household.preferred_cities) == (
        "",
        "",
        "",
    )
    assert household.erased_at is not None and household.status == HouseholdStatus.CLOSED
    assert set(household.members.values_list("name", flat=True)) == {None}
    assert household.consents.get().how == ERASED
    placement = household.placements.get()
    assert placement.reason is None  # encrypted: blank is stored as NULL
    assert set(placement.events.values_list("reason", flat=True)) == {None}
    assert {p.description for p in placement.problems.all()} == {None}
    assert {c.note for c in placement.checkins.all()} == {None}
    # Nothing of the old values is left in the change trail either.
    assert not Household.history.filter(id=household.pk).exists()
    assert not Person.history.filter(household_id=household.pk).exists()
    with connection.cursor() as cursor:
        for table in ("people_historicalhousehold", "people_historicalperson"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
            assert cursor.fetchone()[0] == 0, table
    # The erasure itself is on record, with who and why.
    row = AccessLog.objects.get(action="household.erased")
    assert (row.user, row.reason) == (coordinator_a, "She asked by e-mail")
    # And an export afterwards holds nothing personal.
    data = services.household_export(actor=actor_for(coordinator_a), household=household)
    assert data["phone"] is None and data["name"] == ERASED
    assert {m["name"] for m in data["members"]} == {None}


def test_erasure_needs_a_coordinator_of_the_households_organisation_and_a_reason(
    caseworker_a, coordinator_b, coordinator_a, lived_household
):
    with pytest.raises(PermissionDenied):
        services.household_erase(
            actor=actor_for(caseworker_a), household=lived_household, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.household_erase(
            actor=actor_for(coordinator_b), household=lived_household, reason="x"
        )
    with pytest.raises(ServiceError, match="Say why"):
        services.household_erase(
            actor=actor_for(coordinator_a), household=lived_household, reason="  "
        )
    assert Household.objects.get(pk=lived_household.pk).phone == PHONE


def test_erasure_from_the_household_page(client, coordinator_a, lived_household):
    client.force_login(coordinator_a)
    url = reverse("household-erase", args=[lived_household.pk])
    refused = client.post(url, {"reason": "asked"}, follow=True)
    assert "tick the box" in refused.text
    assert Household.objects.get(pk=lived_household.pk).erased_at is None
    done = client.post(url, {"reason": "asked", "confirm": "on"}, follow=True)
    assert "Personal data erased." in done.text
    assert PHONE not in done.text and "Halyna" not in done.text


def test_a_host_is_erased_with_their_offers_addresses(coordinator_a, org_a):
    offer = make_offer(org_a, address="ul. Wąska 3, Kraków")
    host = offer.host
    services.host_erase(actor=actor_for(coordinator_a), host=host, reason="withdrew, asked")
    host.refresh_from_db()
    offer.refresh_from_db()
    assert (host.name, host.email, host.phone, host.email_index) == (ERASED, None, None, "")
    assert offer.address is None and offer.status == OfferStatus.WITHDRAWN
    assert offer.beds == 3 and offer.city == "Kraków"  # counts and towns stay for reports
    assert not Host.history.filter(id=host.pk).exists()


def test_the_daily_purge_erases_what_is_kept_too_long(org_a):
    now = timezone.now()
    old_closed = make_household(org_a, name="Closed long ago", status=HouseholdStatus.CLOSED)
    recent_closed = make_household(org_a, name="Closed last week", status=HouseholdStatus.CLOSED)
    waiting = make_household(org_a, name="Still waiting")
    unclaimed = make_household(None, name="Nobody took it", status=HouseholdStatus.NEW)
    Household.objects.filter(pk=old_closed.pk).update(closed_at=now - datetime.timedelta(400))
    Household.objects.filter(pk=recent_closed.pk).update(closed_at=now - datetime.timedelta(7))
    Household.objects.filter(pk__in=[waiting.pk, unclaimed.pk]).update(
        created_at=now - datetime.timedelta(100)
    )
    draft = make_offer(None, status=OfferStatus.DRAFT)
    HostOffer.objects.filter(pk=draft.pk).update(created_at=now - datetime.timedelta(40))
    active = make_offer(org_a)
    AccessLog.objects.create(action="x", object_type="people.household", object_id="1")
    AccessLog.objects.filter().update(at=now - datetime.timedelta(800))

    with override_settings(
        RETENTION_DAYS={
            "closed_household": 365,
            "unclaimed_household": 90,
            "draft_offer": 30,
            "withdrawn_offer": 365,
            "access_log": 730,
            "change_history": 730,
        }
    ):
        done = services.retention_purge()
    assert done["households"] == 2 and done["hosts"] == 1 and done["access_log"] == 1
    erased = set(Household.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {old_closed.pk, unclaimed.pk}
    assert Household.objects.get(pk=recent_closed.pk).phone  # kept: not old enough
    assert Host.objects.get(pk=draft.host_id).erased_at is not None
    assert Host.objects.get(pk=active.host_id).erased_at is None
    # The purge's own erasures are logged (by the system), the old log row is gone.
    assert AccessLog.objects.filter(action="household.erased", user=None).count() == 2
    assert not AccessLog.objects.filter(action="x").exists()
