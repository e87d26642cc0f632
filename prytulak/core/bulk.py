"""Inserting many new rows at once (a matching run's proposals and their events)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, ForeignKey, Model
from django.db.models.lookups import In


def bulk_insert(model: type[Model], objs: Sequence[Model], *, batch_size: int) -> None:
    """`model.objects.bulk_create(objs)`, the same rows and the same values, each object given
    its primary key. On PostgreSQL the rows go through COPY: Django's bulk INSERT there passes
    each column as an array for UNNEST and psycopg escapes every text element of it in Python
    (37,946 proposals and their events: 6.3 s, mostly that, on a shared 2-core machine).
    Like bulk_create, no signals are sent and save() is not called."""
    db = router.db_for_write(model)
    connection = connections[db]
    opts = model._meta
    if connection.vendor != "postgresql" or not objs or not getattr(opts.pk, "db_returning", False):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in [opts.pk, *fields])
    with connection.cursor() as cursor:
        # The ids first, from the table's own sequence, so each object knows its row.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        # What Django's INSERT sends: pre_save (auto_now, defaults), then the db value; that
        # of None once per field (half the columns of a proposal are empty).
        null = [f.get_db_prep_save(None, connection) for f in fields]
        with cursor.cursor.copy(f"COPY {qn(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, obj in zip(ids, objs, strict=True):
                row = [pk]
                for f, empty in zip(fields, null, strict=True):
                    value = f.pre_save(obj, True)
                    row.append(empty if value is None else f.get_db_prep_save(value, connection))
                copy.write_row(row)
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = db


def bulk_insert_each(template: Model, field: str, ids: Sequence[int], *, batch_size: int) -> None:
    """One new row like `template` for each id in `ids`, set as its foreign key `field` (an
    event for each new placement). On PostgreSQL the database writes them from one array of
    ids, no object is built; elsewhere bulk_create of copies. Like bulk_create, no signals."""
    model = type(template)
    db = router.db_for_write(model)
    connection = connections[db]
    opts = model._meta
    key = opts.get_field(field)
    assert isinstance(key, ForeignKey), field
    if connection.vendor != "postgresql":
        rows = []
        for pk in ids:
            row = copy.copy(template)
            setattr(row, key.attname, pk)
            rows.append(row)
        model._default_manager.bulk_create(rows, batch_size=batch_size)
        return
    fields = [f for f in opts.concrete_fields if not f.primary_key and f is not key]
    # What Django's INSERT sends for the template (auto_now_add: one time for all rows).
    values = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in [key, *fields])
    placeholders = ", ".join(["%s"] * len(fields))
    key_type = str(key.db_type(connection)).split("(")[0]
    source = f"unnest(%s::{key_type}[]) AS id"
    sql = f"INSERT INTO {qn(opts.db_table)} ({columns}) SELECT id, {placeholders} FROM {source}"  # noqa: S608 - names only
    with connection.cursor() as cursor:
        for a in range(0, len(ids), batch_size):
            cursor.execute(sql, [*values, list(ids[a : a + batch_size])])


@Field.register_lookup
class AnyOf(In):
    """`pk__any_of=ids`: the rows of `ids`, as `pk__in`. On PostgreSQL one array parameter,
    `= ANY(%s)`: 5,000 ids as 5,000 parameters are slow to build in Django and to parse in
    psycopg (a matching run sends dozens of such queries)."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = str(self.lhs.output_field.db_type(connection)).split("(")[0]
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, list(self.rhs)]
