"""Backup and restore (PostgreSQL only): a dump restored into a fresh database has the same
rows, and its encrypted contacts open with the keys."""

import uuid

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from prytulak.conftest import make_household, make_offer
from prytulak.people.models import Household

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="backup and restore use pg_dump/pg_restore: PostgreSQL only (set DATABASE_URL)",
)


@pytest.fixture
def fresh_database():
    """An empty database beside the test database (read with its own psycopg connection: the
    test's Django connections stay on the test database)."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = {**connection.settings_dict, "NAME": name}
    yield settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(settings_dict):
    return "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**settings_dict)


TABLES = sorted(
    {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
)


def _counts(cursor):
    counts = {}
    for table in TABLES:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our own table names
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_has_the_same_rows_and_opens_its_contacts(
    org_a, tmp_path, fresh_database
):
    household = make_household(org_a, name="Olena Kovalenko", phone="+380671234567")
    make_offer(org_a)
    dump = tmp_path / "prytulak.dump"
    call_command("backup", output=str(dump))
    assert dump.stat().st_size > 0
    call_command("restore", str(dump), database_url=_url(fresh_database))

    with connection.cursor() as cursor:
        before = _counts(cursor)
    with psycopg.connect(_url(fresh_database)) as restored, restored.cursor() as cursor:
        after = _counts(cursor)
        table = Household._meta.db_table
        cursor.execute(f"SELECT phone, email FROM {table} WHERE id = %s", [household.pk])  # noqa: S608
        phone, email = cursor.fetchone()
    assert after == before
    assert after[Household._meta.db_table] == 1
    assert sum(after.values()) > 10
    assert "380671234567" not in phone  # the dump holds only ciphertext...
    field = Household._meta.get_field("phone")
    assert field.from_db_value(phone, None, connection) == "+380671234567"  # ...opened by the keys
    email_field = Household._meta.get_field("email")
    assert email_field.from_db_value(email, None, connection) == "olena@example.org"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, fresh_database):
    dump = tmp_path / "prytulak.dump"
    call_command("backup", output=str(dump))
    call_command("restore", str(dump), database_url=_url(fresh_database))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(dump), database_url=_url(fresh_database))
