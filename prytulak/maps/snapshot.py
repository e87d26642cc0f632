"""The map's read model: active offers as NumPy columns, loaded from the database and kept
for MAP_SNAPSHOT_SECONDS. Aggregating a million offers from arrays takes milliseconds where a
GROUP BY over the table takes hundreds, so the map stays fast at country scale; the price is
that a change shows on the map up to that many seconds later. When the snapshot is old, one
request starts a reload in a background thread and everyone keeps the old one meanwhile."""

from __future__ import annotations

import datetime
import threading
import time

import numpy as np
from django.conf import settings
from django.db import connection, connections

from prytulak.housing.models import HostKind, HostOffer, OfferStatus

from .grid import CHILDREN, COLLECTIVE, OPEN_END, PETS, STEP_FREE, Columns

EPOCH = datetime.date(1970, 1, 1)

_lock = threading.Lock()
_state: dict = {"columns": None, "loaded_at": 0.0, "refreshing": False}


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


def load() -> Columns:
    """Read every active offer (one query, no model instances)."""
    offers = HostOffer._meta.db_table
    hosts = HostOffer._meta.get_field("host").related_model._meta.db_table  # type: ignore[union-attr]
    sql = (
        f"SELECT o.id, o.latitude, o.longitude, o.beds, o.pets_allowed, o.children_allowed, "  # noqa: S608 - table names only
        f"o.step_free, h.kind, o.available_from, o.available_to, o.country "
        f"FROM {offers} o JOIN {hosts} h ON h.id = o.host_id "
        f"WHERE o.status = %s AND o.organization_id IS NOT NULL"
    )
    chunks = []
    # A server-side cursor on PostgreSQL: rows arrive CHUNK at a time, so a million offers
    # never sit in memory as Python tuples all at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [OfferStatus.ACTIVE])
        while rows := cursor.fetchmany(CHUNK):
            chunks.append(_columns(rows))
    if not chunks:
        return Columns.empty()
    countries = sorted({c for chunk in chunks for c in chunk["countries"]})
    position = {c: i for i, c in enumerate(countries)}
    country = np.concatenate(
        [np.array([position[c] for c in chunk["countries"]], np.uint16)[chunk["country"]]
         for chunk in chunks]
    )  # fmt: skip
    return Columns(
        **{name: np.concatenate([chunk[name] for chunk in chunks]) for name in ARRAYS},
        country=country,
        countries=countries,
    )


CHUNK = 50_000
ARRAYS = ["id", "lat", "lon", "beds", "flags", "start", "end"]
EPOCH_ORDINAL = EPOCH.toordinal()


def _columns(rows: list[tuple]) -> dict:
    ids, lat, lon, beds, pets, children, step, kind, start, end, country = zip(*rows, strict=True)
    flags = (
        np.array(pets, bool) * PETS
        + np.array(children, bool) * CHILDREN
        + np.array(step, bool) * STEP_FREE
        + (np.array(kind) == HostKind.ORGANIZATION) * COLLECTIVE
    ).astype(np.uint8)
    names, codes = np.unique(np.array(country), return_inverse=True)
    return {
        "id": np.array(ids, np.int64),
        "lat": np.array(lat, float),
        "lon": np.array(lon, float),
        "beds": np.array(beds, np.int16),
        "flags": flags,
        "start": np.array([d.toordinal() - EPOCH_ORDINAL for d in start], np.int32),
        "end": np.array(
            [OPEN_END if d is None else d.toordinal() - EPOCH_ORDINAL for d in end], np.int32
        ),
        "countries": [str(n) for n in names],
        "country": codes.astype(np.uint16),
    }


def _reload() -> None:
    try:
        columns = load()
        with _lock:
            _state.update(columns=columns, loaded_at=time.monotonic())
    finally:
        with _lock:
            _state["refreshing"] = False
        connections.close_all()  # this thread's own connection


def current() -> Columns:
    """The snapshot to answer with; loads it the first time, refreshes it in the background
    when it is older than MAP_SNAPSHOT_SECONDS (0: load for every request, as in tests)."""
    ttl = settings.MAP_SNAPSHOT_SECONDS
    with _lock:
        columns, loaded_at, refreshing = (
            _state["columns"],
            _state["loaded_at"],
            _state["refreshing"],
        )
        stale = columns is not None and time.monotonic() - loaded_at > ttl
        if stale and ttl > 0 and not refreshing:
            _state["refreshing"] = True
            threading.Thread(target=_reload, name="map-snapshot", daemon=True).start()
    if columns is None or ttl == 0:
        columns = load()
        with _lock:
            _state.update(columns=columns, loaded_at=time.monotonic())
    return columns


def forget() -> None:
    with _lock:
        _state.update(columns=None, loaded_at=0.0)
