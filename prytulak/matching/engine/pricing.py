"""Exact pricing over every feasible pair within reach: for offer prices p ≥ 0, each
household's best reduced value  max_o value_ho − p_o·use_ho  (use: one slot in a private home,
one bed per person in a collective centre), and the offer reaching it.

It is what both the certificate (the Lagrangian bound is the sum of these plus the prices
paid on every capacity) and column generation (the offer reaching it is the column to add)
need, so it must not relax anything: every rule and the dates are checked pair by pair.

How: offers are visited nearest first (cKDTree on unit vectors), k at a time, k growing ×4.
Nothing farther than the k-th offer, at distance r, can be worth more than
size·urgency·(1 + w_distance·e^(−r/scale) + w_language + w_duration) (a price is never
negative), so a household is done once its best reaches that ceiling, or once every offer
within reach has been looked at. Households sharing one point (a crowd at a crossing) share
one nearest-neighbour query. A household still open after `max_k` offers gets the ceiling
itself: still a valid bound, and counted in `capped` so the slack is never hidden.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .candidates import chord_to_km, feasible, km_to_chord, unit_vectors
from .data import Households, Offers, Policy
from .scoring import popcount, urgency

START_K = 64
MAX_K = 16_384
PAIRS = 3_000_000  # (household, offer) pairs per block, for bounded memory


def use_of(o: Offers, size: np.ndarray, offer: np.ndarray) -> np.ndarray:
    """What a household of `size` pays for at `offer`: one slot, or one bed per person."""
    return np.where(o.max_households[offer] == 1, 1.0, size.astype(np.float64))


def best_reduced(
    h: Households,
    o: Offers,
    policy: Policy,
    price: np.ndarray,
    who: np.ndarray | None = None,
    start_k: int = START_K,
    max_k: int = MAX_K,
    columns: int = 0,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Per household in `who` (default: all): the best reduced value over every feasible
    offer within reach (-inf when there is none), the offer reaching it (-1), and how many
    households were capped (their value is the ceiling, an upper bound).

    With `columns` = T > 0 the second result is an array (households × T) of offers worth
    adding as columns: households alike (same point, needs, size and languages) would all
    name the same best offers, so the r-th of N alike households takes the offers ranked
    r, r + N, r + 2N, … by its reduced value (-1 where there are not enough)."""
    n, m = len(h), len(o)
    who = np.arange(n) if who is None else np.asarray(who, np.int64)
    best = np.full(who.size, -np.inf)
    arg = np.full(who.size, -1, np.int64)
    if who.size == 0 or m == 0:
        return best, arg, 0
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    chord = km_to_chord(policy.max_km)
    worth = (h.size * urgency(h, policy)).astype(np.float64)
    top = 1 + policy.w_language + policy.w_duration
    # households at the same point share one query
    points, point_of = np.unique(
        np.column_stack([h.lat[who], h.lon[who]]), axis=0, return_inverse=True
    )
    point_of = point_of.ravel()
    vectors = unit_vectors(points[:, 0], points[:, 1])
    todo = np.arange(who.size)
    capped = 0
    k = start_k
    if columns:
        arg = np.full((who.size, columns), -1, np.int64)
        rank, alike = _alike(h, who, point_of)
        # alike households need enough offers looked at to share them out
        need_k = np.minimum(columns * alike * 2, max_k)
    else:
        need_k = np.zeros(who.size, np.int64)
    while todo.size:
        k = min(k, m)
        pts = np.unique(point_of[todo])
        dist, idx = tree.query(vectors[pts], k=k, distance_upper_bound=chord, workers=-1)
        dist, idx = dist.reshape(len(pts), k), idx.reshape(len(pts), k)
        row_of = np.full(len(points), -1, np.int64)
        row_of[pts] = np.arange(len(pts))
        still = []
        step = max(1, PAIRS // k)
        for a in range(0, todo.size, step):
            rows = todo[a : a + step]
            r = row_of[point_of[rows]]
            idx_b, dist_b = idx[r], dist[r]
            value = _reduced(h, o, policy, price, who[rows], idx_b, dist_b)
            j = value.argmax(axis=1)
            got = value[np.arange(rows.size), j]
            better = got > best[rows]
            best[rows] = np.where(better, got, best[rows])
            if columns:
                arg[rows] = _share_out(value, idx_b, rank[rows], alike[rows], columns)
            else:
                arg[rows] = np.where(better, idx_b[np.arange(rows.size), j], arg[rows])
            last = idx_b[:, -1] < m  # the k-th neighbour is within reach: more may lie beyond
            beyond_km = np.where(last, chord_to_km(np.minimum(dist_b[:, -1], 2.0)), np.inf)
            ceiling = worth[who[rows]] * (
                top + policy.w_distance * np.exp(-beyond_km / policy.distance_scale_km)
            )
            open_ = last & ((ceiling > best[rows] + 1e-12) | (need_k[rows] > k)) & (k < m)
            if k >= max_k:
                hit = last & (ceiling > best[rows] + 1e-12) & (k < m)
                best[rows[hit]] = np.maximum(best[rows[hit]], ceiling[hit])
                capped += int(hit.sum())
                open_ = np.zeros_like(open_)
            still.append(rows[open_])
        todo = np.concatenate(still) if still else todo[:0]
        k *= 4
    arg[~np.isfinite(best)] = -1
    return best, arg, capped


def _alike(h: Households, who: np.ndarray, point_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per household: its rank among the households alike to it, and how many there are."""
    needs = (
        h.children[who].astype(np.int64)
        | (h.single_woman[who].astype(np.int64) << 1)
        | ((h.pets[who] > 0).astype(np.int64) << 2)
        | (h.step_free[who].astype(np.int64) << 3)
    )
    key = ((point_of.astype(np.int64) * 16 + needs) * 64 + np.minimum(h.size[who], 63)) * (
        1 << 32
    ) + h.languages[who].astype(np.int64)
    order = np.argsort(key, kind="stable")
    sk = key[order]
    starts = np.r_[True, sk[1:] != sk[:-1]]
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    rank = np.empty(who.size, np.int64)
    rank[order] = np.arange(who.size) - first[group]
    counts = np.diff(np.r_[first, who.size])
    alike = np.empty(who.size, np.int64)
    alike[order] = counts[group]
    return rank, alike


def _share_out(value, idx, rank, alike, columns: int) -> np.ndarray:
    """Per row, the offers ranked rank + j·alike (j < columns) by reduced value, among the
    feasible ones with a positive reduced value."""
    order = np.argsort(-value, axis=1, kind="stable")
    good = (value > 0).sum(axis=1)
    pos = rank[:, None] + np.arange(columns)[None, :] * alike[:, None]
    ok = pos < good[:, None]
    pos = np.where(ok, pos, 0)
    chosen = np.take_along_axis(idx, np.take_along_axis(order, pos, axis=1), axis=1)
    return np.where(ok, chosen, -1)


def _reduced(h, o, policy: Policy, price, hh, idx, dist) -> np.ndarray:
    """Reduced values of the (household, k nearest offers) block; -inf where infeasible or
    out of reach. Same rules and formula as candidates.feasible and scoring.edge_values."""
    m = len(o)
    valid = idx < m
    oi = np.where(valid, idx, 0)
    hi = hh[:, None]
    size = h.size[hi]
    ok = valid & feasible(h, o, hi, oi, policy)  # the same rules as the candidate edges
    start = h.start[hi].astype(np.int64)
    nights = np.maximum(h.nights[hi], 1).astype(np.int64)
    covered = np.minimum(start + nights, o.end[oi].astype(np.int64) + 1) - np.maximum(
        start, o.start[oi]
    )
    km = chord_to_km(np.minimum(np.where(valid, dist, 0.0), 2.0)).astype(np.float32)
    quality = (
        policy.w_distance * np.exp(-km / policy.distance_scale_km)
        + policy.w_language * (popcount(h.languages[hi] & o.languages[oi]) > 0)
        + policy.w_duration * np.clip(covered / nights, 0, 1)
    )
    value = (size * urgency(h, policy)[hi] * (1 + quality)).astype(np.float64)
    cost = np.where(o.max_households[oi] == 1, price[oi], price[oi] * size)
    return np.where(ok, value - cost, -np.inf)
