"""Contact details are encrypted at rest: what the database holds is ciphertext, what the code
reads is the value; keys rotate; duplicates are found through blind indexes."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from encrypted_fields.fields import EncryptedFieldMixin

from prytulak.core.privacy import normalise_phone, phone_index
from prytulak.housing import services as housing_services
from prytulak.orgs.scopes import actor_for
from prytulak.people import services as people_services
from prytulak.people.models import Household

PHONE = "+380 67 765 43 21"
EMAIL = "maria.shevchenko@example.org"
NOTE = "Mother has asthma; the boy goes to school in Lviv"


def _register(actor):
    return people_services.household_register(
        actor=actor,
        data={
            "lead_name": "Maria Shevchenko",
            "phone": PHONE,
            "email": EMAIL,
            "notes": NOTE,
            "needs": "ground floor",
            "languages": ["uk"],
            "arrival_place": "Medyka",
            "arrival_date": timezone.localdate(),
        },
        members=[{"age_band": "18-64", "sex": "f", "name": "Maria Shevchenko"}],
    )


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_the_household_table_holds_no_plaintext_contact_details(caseworker_a):
    household = _register(actor_for(caseworker_a))
    row = _raw(
        "SELECT phone, email, notes, needs, lead_name FROM people_household WHERE id = %s",
        [household.pk],
    )
    phone, email, notes, needs, lead_name = row
    for raw in (phone, email, notes, needs):
        assert raw.startswith("gAAAAA")  # a Fernet token
    stored = " ".join(row)
    assert "765 43 21" not in stored
    assert "380677654321" not in stored
    assert EMAIL not in stored and "shevchenko@" not in stored
    assert "asthma" not in stored
    assert lead_name == "Maria Shevchenko"  # the name stays searchable (and shows the read works)
    # The change trail holds ciphertext too.
    history = _raw(
        "SELECT phone, email FROM people_historicalhousehold WHERE id = %s", [household.pk]
    )
    assert history is not None and all(v.startswith("gAAAAA") for v in history)
    member = _raw("SELECT name FROM people_person WHERE household_id = %s", [household.pk])
    assert member[0].startswith("gAAAAA")
    # …and the code reads the values back.
    household = Household.objects.get(pk=household.pk)
    assert (household.phone, household.email, household.notes) == (PHONE, EMAIL, NOTE)


def test_the_host_table_holds_no_plaintext_contact_details(db):
    host = housing_services.host_create(
        data={"kind": "person", "name": "Jan Nowak", "email": "jan.nowak@example.pl",
              "phone": "+48 601 234 567"}
    )  # fmt: skip
    email, phone = _raw("SELECT email, phone FROM housing_host WHERE id = %s", [host.pk])
    assert "jan.nowak" not in email and "601" not in phone
    assert email.startswith("gAAAAA") and phone.startswith("gAAAAA")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite database file")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sqlite_file_on_disk_holds_no_plaintext_contact_details(caseworker_a):
    _register(actor_for(caseworker_a))
    connection.close()  # everything committed and written to the file
    data = Path(connection.settings_dict["NAME"]).read_bytes()
    assert b"Maria Shevchenko" in data  # the read finds plain text where there is some
    assert EMAIL.encode() not in data
    assert b"765 43 21" not in data and b"380677654321" not in data
    assert b"asthma" not in data


def _forget_keys():
    """The field library caches derived keys on each field; settings changed in a test must
    reach them."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedFieldMixin):
                field.__dict__.pop("keys", None)
                field.__dict__.pop("f", None)


def test_keys_rotate_and_old_data_is_rewritten_with_the_new_key(caseworker_a):
    old, new = "old-salt-0123456789abcdef", "new-salt-fedcba9876543210"
    try:
        with override_settings(SALT_KEY=[old]):
            _forget_keys()
            household = _register(actor_for(caseworker_a))
            before = _raw("SELECT phone FROM people_household WHERE id = %s", [household.pk])
        with override_settings(SALT_KEY=[new, old]):
            _forget_keys()
            assert Household.objects.get(pk=household.pk).phone == PHONE  # old key still read
            call_command("reencrypt", stdout=io.StringIO())
        with override_settings(SALT_KEY=[new]):
            _forget_keys()
            after = _raw("SELECT phone FROM people_household WHERE id = %s", [household.pk])
            assert after != before
            assert Household.objects.get(pk=household.pk).phone == PHONE  # new key alone
        with override_settings(SALT_KEY=[old]):
            _forget_keys()
            # The old key alone no longer opens the rewritten value.
            assert Household.objects.get(pk=household.pk).phone != PHONE
    finally:
        _forget_keys()


@pytest.mark.parametrize(
    "written", ["+380 67 123 45 67", "067 123 45 67", "00380671234567", "+380 (67) 123-45-67"]
)
def test_phone_numbers_in_local_formats_give_one_blind_index(written):
    assert normalise_phone(written) == "+380671234567"
    assert phone_index(written) == phone_index("+380671234567")


def test_the_blind_index_depends_on_its_key():
    with override_settings(BLIND_INDEX_KEY="one-key-of-at-least-thirty-two-chars"):
        first = phone_index("+48 600 100 200")
    with override_settings(BLIND_INDEX_KEY="another-key-of-at-least-thirty-two"):
        second = phone_index("+48 600 100 200")
    assert first != second and len(first) == 64
    assert "600100200" not in first


def test_every_encrypted_field_can_hold_an_empty_value():
    # The library stores an empty value as NULL, so a NOT NULL column would fail on erasure.
    fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedFieldMixin)
    ]
    assert "Household.phone" in fields and "Host.email" in fields
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedFieldMixin):
                assert field.null, f"{model.__name__}.{field.name}"
