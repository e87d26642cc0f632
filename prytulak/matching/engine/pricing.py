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

from .candidates import BIGGEST, chord_to_km, feasible, gives, km_to_chord, needs, unit_vectors
from .data import Households, Offers, Policy
from .scoring import popcount, urgency

START_K = 64
MAX_K = 16_384
PRICE_BANDS = 2  # priced offers are scanned in this many bands of price
BRUTE = 8  # a scan deeper than m / BRUTE offers looks at every offer instead
BRUTE_POINTS = 64  # ... when it starts from more points than this
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
    own: bool = False,
    floor: np.ndarray | None = None,
    language: bool = True,
    twin: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Per household in `who` (default: all): the best reduced value over every feasible
    offer within reach (-inf when there is none), the offer reaching it (-1), and how many
    households were capped (their value is the ceiling, an upper bound).

    With `columns` = T > 0 the second result is an array (households × T) of offers worth
    adding as columns: households alike (same point, needs, size and languages) would all
    name the same best offers, so the r-th of N alike households takes the offers ranked
    r, r + N, r + 2N, … by its reduced value (-1 where there are not enough).

    `floor` (per household in `who`): a reduced value already known to be reachable (from
    another set of offers): the scan stops once nothing farther can beat it, and the result
    is never below it (the offer reaching it is then not among these: -1). `language`
    False promises that no offer here shares a language with any household in `who`."""
    n, m = len(h), len(o)
    who = np.arange(n) if who is None else np.asarray(who, np.int64)
    best = np.full(who.size, -np.inf) if floor is None else np.asarray(floor, np.float64).copy()
    arg = np.full(who.size, -1, np.int64)
    if who.size == 0 or m == 0:
        return best, arg, 0
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    chord = km_to_chord(policy.max_km)
    worth = (h.size * urgency(h, policy)).astype(np.float64)
    top = 1 + (policy.w_language if language else 0.0) + policy.w_duration
    # Every offer here costs a household at least this (prices are never negative), so
    # nothing beyond the scan is worth more than the ceiling minus it.
    single = o.max_households == 1
    cheapest_slot = float(price[single].min()) if single.any() else np.inf
    cheapest_bed = float(price[~single].min()) if (~single).any() else np.inf
    least_cost = np.maximum(0.0, np.minimum(cheapest_slot, cheapest_bed * h.size))
    # households at the same point share one query
    points, point_of = np.unique(
        np.column_stack([h.lat[who], h.lon[who]]), axis=0, return_inverse=True
    )
    point_of = point_of.ravel()
    vectors = unit_vectors(points[:, 0], points[:, 1])
    # Households alike in every field a reduced value depends on (twins, e.g. a family
    # arriving with others at one crossing on one day) get one row of values between them.
    twin = twins(h, who) if twin is None else twin  # per household in `who`
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
        # Deep scans from many points: the k-nearest queries cost more than looking at
        # every offer (measured: 23 of 27 s at 10k), so past m / BRUTE every offer is looked at.
        brute = k * BRUTE >= m and pts.size > BRUTE_POINTS
        if brute:
            k = m
            offer_vectors = unit_vectors(o.lat, o.lon)
        else:
            dist, idx = tree.query(vectors[pts], k=k, distance_upper_bound=chord, workers=-1)
            dist, idx = dist.reshape(len(pts), k), idx.reshape(len(pts), k)
        row_of = np.full(len(points), -1, np.int64)
        row_of[pts] = np.arange(len(pts))
        still = []
        step = max(1, PAIRS // k)
        for a in range(0, todo.size, step):
            rows = todo[a : a + step]
            _ids, first, inv = np.unique(twin[rows], return_index=True, return_inverse=True)
            rep, inv = rows[first], inv.ravel()
            if brute:
                # chord from the dot product; a hair of tolerance keeps every pair within reach
                dot = vectors[point_of[rep]] @ offer_vectors.T
                dist_b = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * dot))
                idx_b = np.where(dist_b <= chord + 1e-9, np.arange(m)[None, :], m)
            else:
                r = row_of[point_of[rep]]
                idx_b, dist_b = idx[r], dist[r]
            value = _reduced(h, o, policy, price, who[rep], idx_b, dist_b)
            j = value.argmax(axis=1)
            got = value[np.arange(rep.size), j][inv]
            better = got > best[rows]
            best[rows] = np.where(better, got, best[rows])
            if columns:
                arg[rows] = _share_out(value, idx_b, inv, rank[rows], alike[rows], columns, own)
            else:
                arg[rows] = np.where(better, idx_b[np.arange(rep.size), j][inv], arg[rows])
            # the k-th neighbour is within reach: more may lie beyond
            last = (idx_b[:, -1] < m)[inv]
            beyond_km = np.where(last, chord_to_km(np.minimum(dist_b[inv, -1], 2.0)), np.inf)
            ceiling = (
                worth[who[rows]]
                * (top + policy.w_distance * np.exp(-beyond_km / policy.distance_scale_km))
                - least_cost[who[rows]]
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


def _share_out(value, idx, inv, rank, alike, columns: int, own: bool) -> np.ndarray:
    """Per household (row inv[i] of `value` and `idx` holds its values), the offers ranked
    rank + j·alike (j < columns) by reduced value, among the feasible ones with a positive
    reduced value; with `own`, its own best first. Alike households (same point, needs, size,
    languages) may still differ in dates and urgency: without their own best, the 10k
    concentrated bound stalled 0.7 % above the LP; with it, the 100k demo's crowds named the
    same offers and needed more rounds (10.3 % against 4.3 % in as long; measured)."""
    order = np.argsort(-value, axis=1, kind="stable")
    good = (value > 0).sum(axis=1)[inv]
    pos = rank[:, None] + np.arange(columns)[None, :] * alike[:, None]
    if own:
        pos[:, 0] = 0
    ok = pos < good[:, None]
    pos = np.where(ok, pos, 0)
    chosen = idx[inv[:, None], order[inv[:, None], pos]]
    return np.where(ok, chosen, -1)


def twins(h: Households, who: np.ndarray) -> np.ndarray:
    """Per household in `who`: an id shared exactly by the households alike in every field
    a pair's feasibility and value depend on (place, size, needs, languages, dates, urgency)."""
    cols = [h.lat[who].view(np.int64), h.lon[who].view(np.int64)]
    cols += [getattr(h, f)[who].astype(np.int64) for f in TWIN_FIELDS]
    _keys, ids = np.unique(np.column_stack(cols), axis=0, return_inverse=True)
    return ids.ravel()


TWIN_FIELDS = ("size", "children", "single_woman", "pets", "step_free", "languages", "start",
               "nights", "priority", "waiting_days")  # fmt: skip


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


def subset(o: Offers, which: np.ndarray) -> Offers:
    """The offers `which` (indices) as Offers of their own."""
    from dataclasses import fields

    return Offers(**{f.name: getattr(o, f.name)[which] for f in fields(o)})


def best_reduced_split(
    h: Households,
    o: Offers,
    policy: Policy,
    price: np.ndarray,
    who: np.ndarray | None = None,
    columns: int = 0,
    own: bool = False,
    kind: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """`best_reduced`, faster where most offers cost nothing: the free offers first (their
    scan ends at the first nearby offer that is as good as any can be), then the priced
    ones, which only need looking at while they could beat what the free ones gave. Exact
    all the same. With `columns` = T the second result holds up to T offers per household
    from each set (the free offers, then each band of priced ones). `kind`: per household of
    `h` its kind (`twins`), if the caller has it already."""
    n = len(h)
    who = np.arange(n) if who is None else np.asarray(who, np.int64)
    twin = twins(h, who) if kind is None else kind[who]  # once, not per call below
    # Priced offers in bands of price (cheapest first): a band whose cheapest offer costs
    # more than a household could gain is not scanned far for it.
    per_person = np.where(o.max_households == 1, price, price * 3)
    parts = [np.flatnonzero(price <= 0)]
    priced = np.flatnonzero(price > 0)
    if priced.size:
        order = priced[np.argsort(per_person[priced], kind="stable")]
        parts += [b for b in np.array_split(order, min(PRICE_BANDS, order.size)) if b.size]
    best = np.full(who.size, -np.inf)
    width = max(columns, 1) * 2 * len(parts)
    arg = np.full((who.size, width), -1, np.int64)
    capped = 0
    # Households alike in what they need (rules, beds, languages) together, each looking
    # only at offers of a kind it may use; within a part, the offers sharing one of its
    # languages first, then the others, whose scan can stop as soon as the language
    # bonus they lack is more than what distance could still add.
    wants = needs(h)[who]
    offered = gives(o, policy)
    size = np.minimum(h.size[who], BIGGEST).astype(np.int64)
    key = (h.languages[who].astype(np.int64) * 16 + wants) * (BIGGEST + 1) + size
    _keys, group = np.unique(key, return_inverse=True)
    group = group.ravel()
    for g in range(int(group.max()) + 1 if who.size else 0):
        rows = np.flatnonzero(group == g)
        mask, need = int(h.languages[who[rows[0]]]), int(wants[rows[0]])
        usable = ((offered & need) == need) & (o.beds >= h.size[who[rows]].min())
        b = np.full(rows.size, -np.inf)
        at = 0
        for whole in parts:
            part = whole[usable[whole]]
            speaks = (o.languages[part] & np.uint32(mask)) != 0
            for shared in (True, False):
                sub = part[speaks == shared]
                if sub.size == 0:
                    at += max(columns, 1)
                    continue
                got, a, c = best_reduced(h, subset(o, sub), policy, price[sub], who[rows],
                                         columns=columns, own=own, floor=b,
                                         language=shared, twin=twin[rows])  # fmt: skip
                a = a.reshape(rows.size, -1)
                a = np.where(a >= 0, sub[np.maximum(a, 0)], -1)
                if not columns:  # only where this part beat what came before
                    a[:, 0] = np.where(got > b, a[:, 0], -1)
                arg[rows, at : at + a.shape[1]] = a
                at += max(columns, 1)
                b, capped = got, capped + c
        best[rows] = b
    if columns:
        return best, arg, capped
    out = np.full(who.size, -1, np.int64)
    for j in range(arg.shape[1]):  # the last part that beat what came before holds the best
        out = np.where(arg[:, j] >= 0, arg[:, j], out)
    return best, out, capped
