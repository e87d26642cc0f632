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
RETRY_CHUNK = 50_000  # households per wider query


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


def _query(tree: cKDTree, points: np.ndarray, k: int, chord: float, m: int):
    dist, idx = tree.query(points, k=k, distance_upper_bound=chord, workers=-1)
    return dist.reshape(len(points), k), idx.reshape(len(points), k)


def candidate_edges(h: Households, o: Offers, policy: Policy) -> Edges:
    n, m = len(h), len(o)
    if n == 0 or m == 0:
        empty = np.zeros(0, np.int32)
        return Edges(empty, empty, np.zeros(0, np.float32), np.zeros(n, bool))
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    points = unit_vectors(h.lat, h.lon)
    chord = km_to_chord(policy.max_km)
    k = min(policy.candidates, m)
    dist, idx = _query(tree, points, k, chord, m)
    nearby = idx[:, 0] < m
    hi = np.repeat(np.arange(n, dtype=np.int32), k)
    oi = idx.ravel()
    dd = dist.ravel()
    keep = oi < m
    hi, oi, dd = hi[keep], oi[keep].astype(np.int32), dd[keep]
    ok = feasible(h, o, hi, oi, policy)
    hi, oi, dd = hi[ok], oi[ok], dd[ok]

    # A wider look for households whose nearest offers all failed the rules.
    has = np.zeros(n, bool)
    has[hi] = True
    retry = np.flatnonzero(~has & nearby)
    k2 = min(policy.candidates * 4, m)
    if retry.size and k2 > k:
        parts_h, parts_o, parts_d = [hi], [oi], [dd]
        for chunk in np.array_split(retry, max(1, retry.size // RETRY_CHUNK)):  # bounded memory
            dist2, idx2 = _query(tree, points[chunk], k2, chord, m)
            hi2 = np.repeat(chunk.astype(np.int32), k2)
            oi2 = idx2.ravel()
            keep2 = oi2 < m
            hi2, oi2, dd2 = hi2[keep2], oi2[keep2].astype(np.int32), dist2.ravel()[keep2]
            ok2 = feasible(h, o, hi2, oi2, policy)
            parts_h.append(hi2[ok2])
            parts_o.append(oi2[ok2])
            parts_d.append(dd2[ok2])
        hi, oi, dd = np.concatenate(parts_h), np.concatenate(parts_o), np.concatenate(parts_d)
        order = np.argsort(hi, kind="stable")
        hi, oi, dd = hi[order], oi[order], dd[order]
    return Edges(hi, oi, chord_to_km(dd).astype(np.float32), nearby)
