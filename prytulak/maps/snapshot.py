"""The map's read model: active offers as NumPy columns, loaded from the database and kept in
each web process. Aggregating a million offers from arrays takes milliseconds where a GROUP BY
over the table takes hundreds, so the map stays fast at country scale.

Several processes share one truth through the cache (Redis in production): the services that
change offers call `offers_changed()`, which after the commit bumps a version number there (and,
with MAP_SNAPSHOT_BUILD_IN_WORKER, has a job worker build the new snapshot and store it in the
cache). A web process compares its snapshot's version with the shared one at most every
MAP_VERSION_CHECK_SECONDS and reloads only when they differ, in a background thread (from the
worker's copy when it matches, else from the database) while requests keep the old one. A
snapshot older than MAP_SNAPSHOT_SECONDS is reloaded all the same, for writes that bypass the
services (the admin, SQL); 0 loads it for every request, as in tests.
"""

from __future__ import annotations

import datetime
import io
import threading
import time

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction

from prytulak.housing.models import HostKind, HostOffer, OfferStatus

from .grid import CHILDREN, COLLECTIVE, OPEN_END, PETS, STEP_FREE, Columns

EPOCH = datetime.date(1970, 1, 1)

_lock = threading.Lock()
_state: dict = {
    "columns": None,
    "loaded_at": 0.0,
    "checked_at": 0.0,
    "version": None,
    "refreshing": False,
}


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


VERSION_KEY = "maps:snapshot:version"
DATA_KEY = "maps:snapshot:data"


def shared_version() -> int | None:
    """The version of the offers in the shared cache; None when the cache cannot say."""
    value = cache.get(VERSION_KEY)
    return int(value) if value is not None else None


def version_bump() -> int | None:
    """Count one more change of the offers (called after the commit that made it)."""
    if cache.add(VERSION_KEY, 1, timeout=None):
        return 1
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # expired between add and incr, or the cache is down
        return shared_version()


def offers_changed() -> None:
    """What every service that adds, changes or removes an offer (or its beds) calls: once its
    transaction commits, the map's version moves on, and the new snapshot is built by a job
    worker when MAP_SNAPSHOT_BUILD_IN_WORKER is on (the production profile)."""

    def after_commit() -> None:
        version_bump()
        if settings.MAP_SNAPSHOT_BUILD_IN_WORKER:
            from .tasks import build_snapshot_task

            build_snapshot_task.enqueue()

    transaction.on_commit(after_commit)


def build_shared() -> int | None:
    """Build the snapshot (in a job worker) and store it in the cache under its version. The
    version is read before the offers, so the stored snapshot is at least that new; one that a
    later change overtook is simply not used."""
    version = shared_version()
    if version is None:
        version = version_bump()
    stored = cache.get(DATA_KEY)
    if version is None or (stored is not None and stored[0] == version):
        return version  # nothing new since the last build (a burst of changes, one build)
    cache.set(DATA_KEY, (version, _dumps(load())), timeout=None)
    return version


def _dumps(columns: Columns) -> bytes:
    buffer = io.BytesIO()
    arrays = {name: getattr(columns, name) for name in [*ARRAYS, "country"]}
    np.savez(buffer, countries=np.array(columns.countries, dtype=str), **arrays)
    return buffer.getvalue()


def _loads(data: bytes) -> Columns:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return Columns(
            **{name: arrays[name] for name in [*ARRAYS, "country"]},
            countries=[str(c) for c in arrays["countries"]],
        )


def _fetch(version: int | None) -> Columns:
    """The worker's copy when it has this version, otherwise the database."""
    if version is not None:
        stored = cache.get(DATA_KEY)
        if stored is not None and stored[0] == version:
            return _loads(stored[1])
    return load()


def _reload(version: int | None) -> None:
    try:
        columns = _fetch(version)
        with _lock:
            _state.update(columns=columns, loaded_at=time.monotonic(), version=version)
    finally:
        with _lock:
            _state["refreshing"] = False
        connections.close_all()  # this thread's own connection


def _start_reload(version: int | None) -> None:
    threading.Thread(target=_reload, args=(version,), name="map-snapshot", daemon=True).start()


def current() -> Columns:
    """The snapshot to answer with. Loaded in the request only the first time in a process
    (from the worker's copy when there is one); after that refreshed in the background when
    the shared version moved or the snapshot is older than MAP_SNAPSHOT_SECONDS."""
    ttl = settings.MAP_SNAPSHOT_SECONDS
    if ttl == 0:
        return load()
    now = time.monotonic()
    with _lock:
        columns = _state["columns"]
        due = now - _state["checked_at"] >= settings.MAP_VERSION_CHECK_SECONDS
    if columns is None:
        version = shared_version()
        columns = _fetch(version)
        with _lock:
            _state.update(columns=columns, loaded_at=now, checked_at=now, version=version)
        return columns
    if due:
        version = shared_version()
        with _lock:
            _state["checked_at"] = now
            moved = version is not None and version != _state["version"]
            old = now - _state["loaded_at"] > ttl
            start = (moved or old) and not _state["refreshing"]
            if start:
                _state["refreshing"] = True
        if start:
            _start_reload(version)
    return columns


def forget() -> None:
    with _lock:
        _state.update(columns=None, loaded_at=0.0, checked_at=0.0, version=None, refreshing=False)
