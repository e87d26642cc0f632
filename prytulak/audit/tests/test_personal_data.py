"""Every text field of the project's models is classified as personal (encrypted at rest),
personal but kept in plain text for a stated reason, or not personal; and what a personal
field holds is ciphertext in the raw row, on SQLite and on PostgreSQL alike."""

import datetime

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone
from encrypted_fields.fields import EncryptedFieldMixin

from prytulak.aid.models import AidRequest, Donation, Pledge, Warehouse
from prytulak.assistance.models import Case, CaseEvent, Referral
from prytulak.audit.personal_data import (
    HISTORY_FIELDS,
    NOT_PERSONAL_FIELDS,
    PERSONAL_DATA_FIELDS,
    PLAINTEXT_PERSONAL_FIELDS,
)
from prytulak.conftest import make_household, make_offer, trip_data
from prytulak.housing.models import (
    CheckIn,
    HostVerification,
    Placement,
    PlacementEvent,
    ProblemReport,
)
from prytulak.journeys.models import Booking, Trip
from prytulak.people.models import ConsentRecord
from prytulak.sheets.models import ImportJob

MARKER = "Marker Ivanenko +380 50 999 8877"


def _text_fields():
    """(model label, field name) of every text field of the project's own models."""
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("prytulak.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                found.add((model._meta.label, field.name))
    return found


def _listed(table):
    return {(label, name) for label, names in table.items() for name in names}


def test_every_text_field_of_every_model_is_classified_once():
    personal = _listed(PERSONAL_DATA_FIELDS)
    plain = _listed(PLAINTEXT_PERSONAL_FIELDS)
    not_personal = _listed(NOT_PERSONAL_FIELDS)
    assert not (personal & plain or personal & not_personal or plain & not_personal)
    unclassified = _text_fields() - personal - plain - not_personal
    assert unclassified == set(), "classify these in prytulak/audit/personal_data.py"
    stale = (personal | plain | not_personal) - _text_fields()
    assert stale == set(), "these fields are gone: remove them from the lists"


def test_the_lists_name_the_fields_the_review_found():
    personal = _listed(PERSONAL_DATA_FIELDS)
    for field in [
        ("housing.HostOffer", "notes"),
        ("journeys.Trip", "notes"),
        ("people.ConsentRecord", "how"),
        ("assistance.Referral", "consent"),
        ("people.Household", "phone"),
        ("housing.Host", "email"),
    ]:
        assert field in personal


def test_every_personal_field_is_an_encrypted_field_and_so_is_its_change_trail_copy():
    for label, names in PERSONAL_DATA_FIELDS.items():
        model = apps.get_model(label)
        history = _history_of(model)
        for name in names:
            assert isinstance(model._meta.get_field(name), EncryptedFieldMixin), (label, name)
            if history is not None:
                assert isinstance(history._meta.get_field(name), EncryptedFieldMixin)


def test_the_change_trail_adds_only_known_fields():
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        base = {f.name for f in model.instance_type._meta.concrete_fields}
        extra = {
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.name not in base
        }
        assert extra <= HISTORY_FIELDS, (model.__name__, extra)


def _history_of(model):
    manager = getattr(model, "history", None)
    return manager.model if manager is not None else None


@pytest.fixture
def one_of_each(org_a, org_b, coordinator_a, coordinator_b):
    """A row in every table that holds a personal field (and in its change trail)."""
    household = make_household(org_a)
    offer = make_offer(org_a)
    placement = Placement.objects.create(
        household=household, offer=offer, beds=1, start_date=timezone.localdate(), reason="x"
    )
    trip = Trip.objects.create(organization=org_b, **trip_data())
    case = Case.objects.create(household=household, type="documents", organization=org_a)
    warehouse = Warehouse.objects.create(organization=org_a, name="W", city="Kraków", country="PL")
    rows = [
        household,
        household.members.first(),
        ConsentRecord.objects.create(household=household, level="full", how="x"),
        offer.host,
        HostVerification.objects.create(host=offer.host, level=1, organization=org_a),
        offer,
        placement,
        PlacementEvent.objects.create(placement=placement, to_status="proposed"),
        CheckIn.objects.create(placement=placement, due_on=timezone.localdate()),
        ProblemReport.objects.create(placement=placement, side="host", description="x"),
        trip,
        Booking.objects.create(trip=trip, household=household, seats=1),
        case,
        CaseEvent.objects.create(case=case, what="x"),
        Referral.objects.create(case=case, from_organization=org_a, to_organization=org_b),
        Donation.objects.create(
            warehouse=warehouse, donor="x", received_on=datetime.date(2022, 3, 5)
        ),
        Pledge.objects.create(organization=org_a, donor="x", amount=10, reference="r"),
        AidRequest.objects.create(organization=org_a, recipient="Hospital", place="Kharkiv"),
        ImportJob.objects.create(organization=org_a, kind="offers", filename="f.csv"),
    ]
    return {row._meta.label: row for row in rows}


def _raw(model, column, pk):
    table, q = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q(column)} FROM {q(table)} WHERE {q(model._meta.pk.column)} = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def test_a_value_written_into_any_personal_field_is_only_ciphertext_in_the_raw_row(
    one_of_each,
):
    assert set(one_of_each) == set(PERSONAL_DATA_FIELDS)
    checked = 0
    for label, names in PERSONAL_DATA_FIELDS.items():
        model = apps.get_model(label)
        targets = [(model, one_of_each[label].pk)]
        history = _history_of(model)
        if history is not None:
            trail = history.objects.filter(id=one_of_each[label].pk).first()
            assert trail is not None, f"no change-trail row for {label}"
            targets.append((history, trail.pk))
        for target, pk in targets:
            for name in names:
                target._default_manager.filter(pk=pk).update(**{name: MARKER})
                column = target._meta.get_field(name).column
                raw = _raw(target, column, pk)
                assert raw and MARKER not in raw and "Ivanenko" not in raw, (target, name)
                assert "999 8877" not in raw and "9998877" not in raw
                assert raw.startswith("gAAAAA"), (target, name)  # a Fernet token
                # …and the code reads the value back.
                assert getattr(target._default_manager.get(pk=pk), name) == MARKER
                checked += 1
    assert checked >= sum(len(names) for names in PERSONAL_DATA_FIELDS.values())
