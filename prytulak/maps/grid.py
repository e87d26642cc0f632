"""Aggregation for the map: plain NumPy over column arrays, no Django (like the matching
engine), so it can be benchmarked and tested on its own.

A request names a bounding box, a zoom level and filters; the answer is either cells (counts
and beds per grid cell, the cell's centre as its position) or, for staff looking closely,
single points snapped to a grid. Positions never carry more precision than the level allows.

How precision is bounded. Each level has a `quantum`: before the box or the filters look at
an offer, its position is reduced to the quantum it falls in (public: the 0.25° *base cell*
whose south-west corner is a multiple of 0.25°; staff: the nearest 0.01°). The box is reduced
the same way and then widened to whole cells of the answer, and answer cells are always a
power of two times the level's smallest cell, on the same origin, so the cells of every zoom
nest into each other. An answer is therefore a function of the quanta the box touches (and the
zoom and filters) alone: two boxes touching the same cells answer identically, and no
combination of boxes and zooms narrows a position below its quantum. (Filtering on exact
coordinates let someone halve the box about 50 times and read an offer's stored latitude; cells
of 45/2^zoom degrees, which do not nest with 0.25°, narrowed it too when zooms were mixed.)

Small counts on the public map are banded, never exact. A base cell holding fewer than
`Level.small` (3) offers adds nothing to the `offers` and `beds` figures of its cell or of the
totals; it is counted in `few` instead, which means "1–2 offers here". A cell therefore holds
between offers + few and offers + 2 × few offers, and at least beds + few beds. Every figure is
a sum over base cells that are either exact (3 or more) or the band, so subtracting answers
for other boxes or zooms never tells one offer from two, nor where one of them is. What this
does not cover: counts of 3 or more are exact, so two answers with *different filters* (all
kinds, then private homes only) can be subtracted to learn how many offers of a kind one base
cell holds; that is a count per 0.25° cell, never a finer position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

PETS, CHILDREN, STEP_FREE, COLLECTIVE = 1, 2, 4, 8
OPEN_END = np.iinfo(np.int32).max
MAX_CELLS = 128 * 128  # per answer; a wider box gets larger cells
DENSE_LIMIT = 4_000_000  # quanta in a widened box that are counted in one array, not sorted


@dataclass(frozen=True)
class Level:
    """What a viewer may see: the quantum positions are reduced to, the smallest cell, whether
    single points are shown, and below which count a base cell is banded."""

    name: str
    min_cell: float  # a whole number of quanta
    quantum: float
    centred: bool = False  # quanta centred on multiples of `quantum` (rounding), else from them
    point_limit: int = 0  # single points (at their quantum) when no more are in view; 0: never
    small: int = 0  # base cells with 1 to small - 1 offers are banded; 0: every count exact


PUBLIC = Level("public", min_cell=0.25, quantum=0.25, small=3)
STAFF = Level("staff", min_cell=0.05, quantum=0.01, centred=True, point_limit=1500)


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


Box = tuple[int, int, int, int]  # west, south, east, north in quanta, inclusive


def quanta(values: np.ndarray, level: Level) -> np.ndarray:
    """The quantum each position falls in (its index on the level's grid)."""
    offset = 0.5 if level.centred else 0.0
    return np.floor(values / level.quantum + offset).astype(np.int64)


def box_quanta(q: Query, level: Level) -> Box:
    """The quanta the requested box touches."""
    offset = 0.5 if level.centred else 0.0
    west, south, east, north = (
        math.floor(v / level.quantum + offset) for v in (q.west, q.south, q.east, q.north)
    )
    return west, south, east, north


def cell_quanta(q: Query, level: Level, box: Box) -> int:
    """Quanta per side of an answer cell: about 1/8 of a 256-pixel tile at this zoom, a power
    of two times the level's smallest cell (so that the cells of all zooms nest), and large
    enough that the box touches at most MAX_CELLS of them."""
    m = round(level.min_cell / level.quantum)
    wanted = 360.0 / 2**q.zoom / 8
    while m * level.quantum * math.sqrt(2) < wanted:  # the power of two nearest to it
        m *= 2
    west, south, east, north = box
    while (east // m - west // m + 1) * (north // m - south // m + 1) > MAX_CELLS:
        m *= 2
    return m


def cell_size(q: Query, level: Level) -> float:
    """The side of an answer's cells, in degrees."""
    box = box_quanta(q, level)
    return cell_quanta(q, level, box) * level.quantum


def select(cols: Columns, q: Query) -> np.ndarray:
    """Boolean mask of the offers that pass the filters (the box is applied on quanta)."""
    mask = np.ones(len(cols), bool)
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


def _inside(ux: np.ndarray, uy: np.ndarray, box: Box) -> np.ndarray:
    west, south, east, north = box
    return (ux >= west) & (ux <= east) & (uy >= south) & (uy <= north)


def _per_quantum(
    flat: np.ndarray, beds: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The occupied quanta (flat indices below `size`), with their offers and beds."""
    if size <= DENSE_LIMIT:  # the public grid over the whole world: about 2 million
        dense = np.bincount(flat, minlength=size)
        keys = np.flatnonzero(dense)
        return keys, dense[keys], np.bincount(flat, weights=beds, minlength=size)[keys]
    # Indexed rather than unpacked: mypy 1.19 crashes unpacking np.unique's result.
    found = np.unique(flat, return_inverse=True, return_counts=True)
    keys, inverse, counts = found[0], found[1], found[2]
    return keys, counts, np.bincount(inverse, weights=beds, minlength=len(keys))


def snap(values: np.ndarray, step: float) -> np.ndarray:
    """Round to the nearest multiple of `step` (kept to 6 decimals so JSON shows it)."""
    return np.round(np.round(values / step) * step, 6)


def aggregate(cols: Columns, q: Query, level: Level) -> dict:
    """The answer for one map request at `level`: a function of the quanta the box touches,
    the zoom and the filters, never of finer positions (see the module's docstring)."""
    ux, uy = quanta(cols.lon, level), quanta(cols.lat, level)
    box = box_quanta(q, level)
    chosen = select(cols, q)
    if level.point_limit:
        idx = np.flatnonzero(chosen & _inside(ux, uy, box))
        if len(idx) <= level.point_limit:
            return {
                "level": level.name,
                "kind": "points",
                "snap": level.quantum,
                "offers": len(idx),
                "beds": int(cols.beds[idx].sum()),
                "points": [
                    [int(i), round(float(y) * level.quantum, 6),
                     round(float(x) * level.quantum, 6), int(b), int(f)]
                    for i, y, x, b, f in zip(
                        cols.id[idx], uy[idx], ux[idx], cols.beds[idx], cols.flags[idx],
                        strict=True,
                    )
                ],
            }  # fmt: skip
    m = cell_quanta(q, level, box)
    # The box widened to whole answer cells, in cell indices.
    cx0, cy0, cx1, cy1 = (v // m for v in box)
    nx, ny = cx1 - cx0 + 1, cy1 - cy0 + 1
    mask = chosen & _inside(ux, uy, (cx0 * m, cy0 * m, (cx1 + 1) * m - 1, (cy1 + 1) * m - 1))
    y, x = uy[mask] - cy0 * m, ux[mask] - cx0 * m  # quanta from the widened box's corner
    if level.small:
        # Count per quantum (base cell) first, so that banding happens before adding up.
        width, height = nx * m, ny * m
        keys, counts, beds = _per_quantum(y * width + x, cols.beds[mask], width * height)
        exact = counts >= level.small
        cell = (keys // width // m) * nx + (keys % width) // m
        cell_offers = np.bincount(cell, weights=np.where(exact, counts, 0), minlength=nx * ny)
        cell_beds = np.bincount(cell, weights=np.where(exact, beds, 0), minlength=nx * ny)
        cell_few = np.bincount(cell, weights=~exact, minlength=nx * ny)
    else:
        cell = (y // m) * nx + x // m
        cell_offers = np.bincount(cell, minlength=nx * ny)
        cell_beds = np.bincount(cell, weights=cols.beds[mask], minlength=nx * ny)
        cell_few = np.zeros(nx * ny, np.int64)
    used = np.flatnonzero(cell_offers + cell_few)
    size = m * level.quantum
    lat = (used // nx + cy0 + 0.5) * size
    lon = (used % nx + cx0 + 0.5) * size
    return {
        "level": level.name,
        "kind": "cells",
        "cell": round(size, 6),
        "small": level.small,
        "offers": int(cell_offers.sum()),
        "beds": int(cell_beds.sum()),
        "few": int(cell_few.sum()),
        "cells": [
            [round(float(la), 6), round(float(lo), 6), int(c), int(b), int(f)]
            for la, lo, c, b, f in zip(
                lat, lon, cell_offers[used], cell_beds[used], cell_few[used], strict=True
            )
        ],
    }
