"""Aggregation for the map: plain NumPy over column arrays, no Django (like the matching
engine), so it can be benchmarked and tested on its own.

A request names a bounding box, a zoom level and filters; the answer is either cells (counts
and beds per grid cell, the cell's centre as its position) or, for staff looking closely,
single points snapped to a grid. Positions never carry more precision than the level allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

PETS, CHILDREN, STEP_FREE, COLLECTIVE = 1, 2, 4, 8
OPEN_END = np.iinfo(np.int32).max
MAX_CELLS = 128 * 128  # per answer; a wider box gets larger cells


@dataclass(frozen=True)
class Level:
    """What a viewer may see: the smallest cell, and whether (and how finely snapped) single
    points are shown."""

    name: str
    min_cell: float
    point_snap: float | None = None  # None: never single points
    point_limit: int = 0


PUBLIC = Level("public", min_cell=0.25)
STAFF = Level("staff", min_cell=0.05, point_snap=0.01, point_limit=1500)


@dataclass
class Columns:
    """Offers as arrays (one element per active offer)."""

    id: np.ndarray  # int64
    lat: np.ndarray  # float64
    lon: np.ndarray
    beds: np.ndarray  # int16
    flags: np.ndarray  # uint8: PETS | CHILDREN | STEP_FREE | COLLECTIVE
    start: np.ndarray  # int32 days since 1970-01-01
    end: np.ndarray  # int32, OPEN_END when open-ended
    country: np.ndarray  # uint16 index into `countries`
    countries: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def empty(cls) -> Columns:
        return cls(
            id=np.zeros(0, np.int64),
            lat=np.zeros(0),
            lon=np.zeros(0),
            beds=np.zeros(0, np.int16),
            flags=np.zeros(0, np.uint8),
            start=np.zeros(0, np.int32),
            end=np.zeros(0, np.int32),
            country=np.zeros(0, np.uint16),
        )


@dataclass(frozen=True)
class Query:
    west: float
    south: float
    east: float
    north: float
    zoom: int
    min_beds: int = 0
    pets: bool = False
    children: bool = False
    step_free: bool = False
    kind: str = ""  # "", "person" or "collective"
    country: str = ""
    day: int | None = None  # days since 1970-01-01: available on that day


def cell_size(query: Query, level: Level) -> float:
    """Cells about 1/8 of a 256-pixel tile at this zoom, never below the level's floor, and
    never so small that the box holds more than MAX_CELLS."""
    size = max(360.0 / 2**query.zoom / 8, level.min_cell)
    width, height = query.east - query.west, query.north - query.south
    while (width / size) * (height / size) > MAX_CELLS:
        size *= 2
    return size


def select(cols: Columns, q: Query) -> np.ndarray:
    """Boolean mask of the offers inside the box that pass the filters."""
    mask = (cols.lat >= q.south) & (cols.lat <= q.north)
    mask &= (cols.lon >= q.west) & (cols.lon <= q.east)
    if q.min_beds > 1:
        mask &= cols.beds >= q.min_beds
    wanted = (PETS if q.pets else 0) | (CHILDREN if q.children else 0)
    wanted |= STEP_FREE if q.step_free else 0
    if wanted:
        mask &= (cols.flags & wanted) == wanted
    if q.kind == "collective":
        mask &= (cols.flags & COLLECTIVE) != 0
    elif q.kind == "person":
        mask &= (cols.flags & COLLECTIVE) == 0
    if q.country:
        if q.country not in cols.countries:
            return np.zeros(len(cols), bool)
        mask &= cols.country == cols.countries.index(q.country)
    if q.day is not None:
        mask &= (cols.start <= q.day) & (cols.end >= q.day)
    return mask


def snap(values: np.ndarray, step: float) -> np.ndarray:
    """Round to the nearest multiple of `step` (kept to 6 decimals so JSON shows it)."""
    return np.round(np.round(values / step) * step, 6)


def aggregate(cols: Columns, q: Query, level: Level) -> dict:
    """The answer for one map request at `level`."""
    mask = select(cols, q)
    n = int(mask.sum())
    total_beds = int(cols.beds[mask].sum())
    if level.point_snap is not None and n <= level.point_limit:
        idx = np.flatnonzero(mask)
        return {
            "level": level.name,
            "kind": "points",
            "snap": level.point_snap,
            "offers": n,
            "beds": total_beds,
            "points": [
                [int(i), float(la), float(lo), int(b), int(f)]
                for i, la, lo, b, f in zip(
                    cols.id[idx],
                    snap(cols.lat[idx], level.point_snap),
                    snap(cols.lon[idx], level.point_snap),
                    cols.beds[idx],
                    cols.flags[idx],
                    strict=True,
                )
            ],
        }
    size = cell_size(q, level)
    iy = np.floor(cols.lat[mask] / size).astype(np.int64)
    ix = np.floor(cols.lon[mask] / size).astype(np.int64)
    y0, x0 = math.floor(q.south / size), math.floor(q.west / size)
    nx = math.floor(q.east / size) - x0 + 1
    ny = math.floor(q.north / size) - y0 + 1
    flat = (iy - y0) * nx + (ix - x0)
    counts = np.bincount(flat, minlength=nx * ny)
    beds = np.bincount(flat, weights=cols.beds[mask], minlength=nx * ny)
    used = np.flatnonzero(counts)
    lat = (used // nx + y0 + 0.5) * size
    lon = (used % nx + x0 + 0.5) * size
    return {
        "level": level.name,
        "kind": "cells",
        "cell": size,
        "offers": n,
        "beds": total_beds,
        "cells": [
            [round(float(la), 6), round(float(lo), 6), int(c), int(b)]
            for la, lo, c, b in zip(lat, lon, counts[used], beds[used], strict=True)
        ],
    }
