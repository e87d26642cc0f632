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


def candidate_edges(
    h: Households, o: Offers, policy: Policy, k: np.ndarray | None = None, pools: bool = True
) -> Edges:
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
    kk = kk.copy()
    parts_h: list[np.ndarray] = [np.zeros(0, np.int32)]
    parts_o: list[np.ndarray] = [np.zeros(0, np.int32)]
    parts_d: list[np.ndarray] = [np.zeros(0)]
    radius = np.full(n, np.inf)
    crowd = crowds(h, CROWD) if pools else np.full(n, -1, np.int64)
    # Households in a crowd get their pool's share instead of the k nearest (the same for all).
    kk[crowd >= 0] = 0
    for size in np.unique(kk[kk > 0]).tolist():
        who = np.flatnonzero(kk == size)
        ph, po, pd, r = _near(tree, points, chord, m, who, int(size))
        parts_h += ph
        parts_o += po
        parts_d += pd
        radius[who] = r
    # A shared language is worth more than the nearest few km (w_language against the
    # distance term): the nearest offers speaking each language a household speaks, too.
    lonely = np.flatnonzero(kk > 0)
    for ph, po, pd in _speakers(h, o, points, chord, lonely, policy):
        parts_h.append(ph)
        parts_o.append(po)
        parts_d.append(pd)
    for label in range(int(crowd.max()) + 1 if n else 0):
        who = np.flatnonzero(crowd == label)
        ph, po, pd = _crowd_share(h, o, tree, chord, who, policy)
        parts_h.append(ph)
        parts_o.append(po)
        parts_d.append(pd)
        # Their radius: the pools skip offers, so nothing is known to have been seen.
        radius[who] = 0.0
    hi, oi, dd = np.concatenate(parts_h), np.concatenate(parts_o), np.concatenate(parts_d)
    nearby = np.zeros(n, bool)
    nearby[hi] = True
    if (crowd >= 0).any():  # a crowd whose pools are empty may still have offers nearby
        d1, _i1 = tree.query(points[crowd >= 0], k=1, distance_upper_bound=chord)
        nearby[crowd >= 0] |= np.isfinite(np.asarray(d1).ravel())
    ok = feasible(h, o, hi, oi, policy)
    hi, oi, dd = hi[ok], oi[ok], dd[ok]
    # One edge per pair, sorted by household then distance.
    key = hi.astype(np.int64) * m + oi
    key, first = np.unique(key, return_index=True)
    hi, oi, dd = hi[first], oi[first], dd[first]
    order = np.lexsort((dd, hi))
    hi, oi, dd = hi[order], oi[order], dd[order]
    return Edges(hi, oi, chord_to_km(dd).astype(np.float32), nearby, radius, crowd)


SPEAKERS = 8  # nearest offers per language a household speaks, beyond the k nearest


def _speakers(h, o, points, chord, who, policy):
    """Per language bit: the SPEAKERS nearest offers whose hosts speak it, for the households
    `who` speaking it."""
    m = len(o)
    for bit in range(32):
        mask = np.uint32(1 << bit)
        hosts = np.flatnonzero(o.languages & mask)
        guests = who[(h.languages[who] & mask) != 0]
        if hosts.size == 0 or guests.size == 0 or hosts.size == m:
            continue
        tree = cKDTree(unit_vectors(o.lat[hosts], o.lon[hosts]))
        ph, po, pd, _r = _near(tree, points, chord, hosts.size, guests, min(SPEAKERS, hosts.size))
        for a, b, c in zip(ph, po, pd, strict=True):
            yield a, hosts[b].astype(np.int32), c


def needs(h: Households) -> np.ndarray:
    """Household kind as bits: pets, children, step-free, vulnerable."""
    return (
        (h.pets > 0).astype(np.int64)
        | (h.children.astype(np.int64) << 1)
        | (h.step_free.astype(np.int64) << 2)
        | (h.vulnerable.astype(np.int64) << 3)
    )


def gives(o: Offers, policy: Policy) -> np.ndarray:
    """Offer kind as the same bits: what it allows."""
    guarded = o.verification >= policy.vulnerable_min_verification
    if policy.no_single_male_host_for_vulnerable:
        guarded &= ~o.single_male_host
    return (
        o.pets.astype(np.int64)
        | (o.children.astype(np.int64) << 1)
        | (o.step_free.astype(np.int64) << 2)
        | (guarded.astype(np.int64) << 3)
    )


POOL = 3  # a crowd's pool holds this many feasible offers per household of each kind
BIGGEST = 7  # sizes above this share one kind (the beds rule still checks each pair)


def _crowd_share(h, o, tree, chord, who, policy):
    """Households at one shared point (a border crossing): per kind of household (rules it
    needs, size), a pool of the point's nearest offers of a kind it may use, POOL times as many
    as households of that kind, dealt out at a stride so that household j sees k offers spread
    over the pool and each pool offer is seen by about k / POOL households: a sparse,
    random-like bipartite graph, which has near-perfect matchings. Without pools every one
    of them would see the same k nearest offers and most would starve."""
    point = unit_vectors(h.lat[who[:1]], h.lon[who[:1]])[0]
    near = np.asarray(tree.query_ball_point(point, chord), dtype=np.int64)
    empty = np.zeros(0, np.int32)
    if near.size == 0:
        return empty, empty, np.zeros(0)
    dist = np.linalg.norm(unit_vectors(o.lat[near], o.lon[near]) - point, axis=1)
    order = np.argsort(dist, kind="stable")
    near, dist = near[order], dist[order]
    offered, beds = gives(o, policy)[near], o.beds[near]
    size = np.minimum(h.size[who], BIGGEST)
    kind = needs(h)[who] * 16 + size
    parts_h, parts_o, parts_d = [], [], []
    for k in np.unique(kind).tolist():
        members = who[kind == k]
        need, s = k // 16, k % 16
        usable = np.flatnonzero(((offered & need) == need) & (beds >= s))
        pool = usable[: POOL * len(members) + policy.candidates]
        if pool.size == 0:
            continue
        share = min(policy.candidates, pool.size)
        stride = max(1, pool.size // share)
        # Household j sees ranks j mod stride, + stride, + 2·stride, … (rotated by j // stride
        # so that the households sharing a residue do not all see the same ranks).
        j = np.arange(len(members))[:, None]
        ranks = j % stride + stride * ((np.arange(share)[None, :] + j // stride) % share)
        ranks = np.minimum(ranks, pool.size - 1)
        parts_h.append(np.repeat(members.astype(np.int32), share))
        parts_o.append(near[pool[ranks]].ravel().astype(np.int32))
        parts_d.append(dist[pool[ranks]].ravel())
    if not parts_h:
        return empty, empty, np.zeros(0)
    return np.concatenate(parts_h), np.concatenate(parts_o), np.concatenate(parts_d)


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
