"""Candidate edges: the nearest offers of each household that pass every hard rule.

Nearest neighbours come from SciPy's cKDTree on 3-D unit vectors (chord distance is monotone
in great-circle distance), which is an order of magnitude faster than a haversine BallTree.
Households whose nearest offers all fail the rules get a second, wider look.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .data import Households, Offers, Policy

EARTH_KM = 6371.0088
RETRY_CHUNK = 50_000  # households per query, for bounded memory
CROWD = 32  # households sharing a point from which they count as a crowd


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def km_to_chord(km: float) -> float:
    return float(2 * np.sin(min(km / EARTH_KM, np.pi) / 2))


@dataclass
class Edges:
    """Feasible household→offer pairs, sorted by household."""

    household: np.ndarray  # int32
    offer: np.ndarray  # int32
    km: np.ndarray  # float32
    nearby: np.ndarray  # per household: any offer within max_km at all (bool)
    # Per household: every offer nearer than this (km) was looked at, so any pair not in the
    # edges is at least this far (inf: every offer within reach was looked at). None: unknown.
    radius: np.ndarray | None = None
    # Per household: the index of its shared target point when many households share it
    # (a border crossing), else -1. None: not computed.
    crowd: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.household.shape[0])


def feasible(
    h: Households, o: Offers, hi: np.ndarray, oi: np.ndarray, policy: Policy
) -> np.ndarray:
    """The hard rules, vectorised over pairs (hi[j], oi[j])."""
    size = h.size[hi]
    ok = size <= o.beds[oi]
    ok &= (h.pets[hi] == 0) | o.pets[oi]
    ok &= ~h.children[hi] | o.children[oi]
    ok &= ~h.step_free[hi] | o.step_free[oi]
    start = h.start[hi].astype(np.int64)
    nights = np.maximum(h.nights[hi], 1).astype(np.int64)
    covered = np.minimum(start + nights, o.end[oi].astype(np.int64) + 1) - np.maximum(
        start, o.start[oi]
    )
    ok &= covered >= np.ceil(policy.min_overlap * nights)
    vulnerable = h.children[hi] | h.single_woman[hi]
    guarded = o.verification[oi] >= policy.vulnerable_min_verification
    if policy.no_single_male_host_for_vulnerable:
        guarded &= ~o.single_male_host[oi]
    ok &= ~vulnerable | guarded
    return ok


def _query(tree: cKDTree, points: np.ndarray, k: int, chord: float):
    dist, idx = tree.query(points, k=k, distance_upper_bound=chord, workers=-1)
    return dist.reshape(len(points), k), idx.reshape(len(points), k)


def _empty(n: int) -> Edges:
    empty = np.zeros(0, np.int32)
    return Edges(empty, empty, np.zeros(0, np.float32), np.zeros(n, bool),
                 np.full(n, np.inf), np.full(n, -1, np.int64))  # fmt: skip


def crowds(h: Households, at_least: int) -> np.ndarray:
    """Per household, the index of its target point when at least `at_least` households share
    it (to about 100 m), else -1."""
    key = np.round(h.lat * 1000).astype(np.int64) * 1_000_000 + np.round(h.lon * 1000).astype(
        np.int64
    )
    _keys, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    big = counts >= at_least
    label = np.full(len(counts), -1, np.int64)
    label[big] = np.arange(int(big.sum()))
    return label[inverse.ravel()]


def _near(tree, points, chord, n_offers, households, k):
    """The k nearest offers of each household (within reach): pairs, chord distances, and per
    household the radius inside which everything was seen."""
    parts_h, parts_o, parts_d, radius = [], [], [], np.full(len(households), np.inf)
    for a in range(0, len(households), RETRY_CHUNK):  # bounded memory
        chunk = households[a : a + RETRY_CHUNK]
        dist, idx = _query(tree, points[chunk], k, chord)
        full = idx[:, -1] < n_offers  # k found within reach: farther ones were not seen
        radius[a : a + len(chunk)] = np.where(full, chord_to_km(dist[:, -1]), np.inf)
        keep = idx.ravel() < n_offers
        parts_h.append(np.repeat(chunk.astype(np.int32), k)[keep])
        parts_o.append(idx.ravel()[keep].astype(np.int32))
        parts_d.append(dist.ravel()[keep])
    return parts_h, parts_o, parts_d, radius


def candidate_edges(h: Households, o: Offers, policy: Policy, k: np.ndarray | None = None) -> Edges:
    """The `k` (per household; default `policy.candidates`) nearest offers within reach that
    pass the hard rules. Households sharing one target point with many others also get a
    stratified share of the point's nearest offers (as many as the crowd needs), so that they
    do not all compete for the same few."""
    n, m = len(h), len(o)
    if n == 0 or m == 0:
        return _empty(n)
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    points = unit_vectors(h.lat, h.lon)
    chord = km_to_chord(policy.max_km)
    kk = np.full(n, policy.candidates, np.int64) if k is None else np.asarray(k, np.int64)
    kk = np.clip(kk, 1, m)
    parts_h, parts_o, parts_d = [], [], []
    radius = np.full(n, np.inf)
    for size in np.unique(kk).tolist():
        who = np.flatnonzero(kk == size)
        ph, po, pd, r = _near(tree, points, chord, m, who, int(size))
        parts_h += ph
        parts_o += po
        parts_d += pd
        radius[who] = r
    nearby = np.zeros(n, bool)
    nearby[np.concatenate(parts_h)] = True
    crowd = crowds(h, CROWD)
    for label in range(int(crowd.max()) + 1 if n else 0):
        ph, po, pd = _crowd_share(h, tree, chord, m, np.flatnonzero(crowd == label), policy)
        parts_h.append(ph)
        parts_o.append(po)
        parts_d.append(pd)
    hi, oi, dd = np.concatenate(parts_h), np.concatenate(parts_o), np.concatenate(parts_d)
    ok = feasible(h, o, hi, oi, policy)
    hi, oi, dd = hi[ok], oi[ok], dd[ok]
    # One edge per pair, sorted by household then distance.
    key = hi.astype(np.int64) * m + oi
    key, first = np.unique(key, return_index=True)
    hi, oi, dd = hi[first], oi[first], dd[first]
    order = np.lexsort((dd, hi))
    hi, oi, dd = hi[order], oi[order], dd[order]
    return Edges(hi, oi, chord_to_km(dd).astype(np.float32), nearby, radius, crowd)


def _crowd_share(h, tree, chord, m, who, policy):
    """Households at one shared point: the point's nearest offers, enough for all of them
    (four per household), dealt out so that each household sees a spread of them."""
    want = int(min(m, 4 * len(who) + policy.candidates))
    point = unit_vectors(h.lat[who[:1]], h.lon[who[:1]])
    dist, idx = _query(tree, point, want, chord)
    found = idx[0] < m
    dist, idx = dist[0][found], idx[0][found]
    if idx.size == 0:
        empty = np.zeros(0, np.int32)
        return empty, empty, np.zeros(0)
    share = min(policy.candidates, idx.size)
    stride = max(1, idx.size // share)
    # Household j sees ranks j mod stride, + stride, + 2·stride, …
    ranks = (np.arange(len(who))[:, None] % stride) + stride * np.arange(share)[None, :]
    ranks = np.minimum(ranks, idx.size - 1)
    return (
        np.repeat(who.astype(np.int32), share),
        idx[ranks].ravel().astype(np.int32),
        dist[ranks].ravel(),
    )


def merge_edges(
    h: Households, o: Offers, policy: Policy, e: Edges, hi: np.ndarray, oi: np.ndarray
) -> Edges:
    """`e` with the pairs (hi, oi) added where they pass the hard rules and reach."""
    hi, oi = np.asarray(hi, np.int32), np.asarray(oi, np.int32)
    a, b = unit_vectors(h.lat[hi], h.lon[hi]), unit_vectors(o.lat[oi], o.lon[oi])
    km = chord_to_km(np.linalg.norm(a - b, axis=1))
    ok = feasible(h, o, hi, oi, policy) & (km <= policy.max_km)
    hh = np.concatenate([e.household, hi[ok]])
    oo = np.concatenate([e.offer, oi[ok]])
    kk = np.concatenate([e.km, km[ok].astype(np.float32)])
    key = hh.astype(np.int64) * max(len(o), 1) + oo
    _key, first = np.unique(key, return_index=True)
    hh, oo, kk = hh[first], oo[first], kk[first]
    order = np.lexsort((kk, hh))
    return Edges(hh[order], oo[order], kk[order], e.nearby, e.radius, e.crowd)
