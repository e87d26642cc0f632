"""Prices on offers, and from them a certificate: an upper bound on the best possible total
over **every** feasible pair within reach, not only the candidate edges the solver saw.

For prices P_o(s) = bed_o·s + slot_o ≥ 0 (a slot price on private homes, a bed price on
collective centres) the Lagrangian bound

    Σ_o (bed_o·beds_o + slot_o·[private home]) + Σ_h max(0, max_o value_ho − P_o(size_h))

is ≥ the optimum for any prices (a household takes at most one offer; the relaxed capacities
are paid for). The inner max runs over all feasible offers within reach, in three parts:
- the candidate edges, exactly;
- households in a crowd (many sharing one target point): one scan per point over every offer
  within reach, per kind of household, keeping only the offers no other offer beats on both
  value and price; the best of them is also a new column for the solver;
- everyone else: offers not seen lie beyond the household's candidate radius, so their value
  is at most people·urgency·(1 + distance term at that radius + language + full stay) minus
  the cheapest price among offers of a kind the household may use.
Dates are relaxed in the last two (a stay counts as fully covered), which keeps the bound
valid and cheap. The solver widens the candidates where this bound is not yet tight.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .candidates import Edges, chord_to_km, gives, km_to_chord, needs, unit_vectors
from .data import Households, Offers, Policy
from .scoring import urgency


def price_of_edges(h: Households, o: Offers, e: Edges, price: np.ndarray) -> np.ndarray:
    single = o.max_households[e.offer] == 1
    p = price[e.offer]
    return np.where(single, p, p * h.size[e.household])


def capacity(o: Offers) -> np.ndarray:
    """What a price is paid on: one slot in a private home, each bed in a collective centre."""
    return np.where(o.max_households == 1, 1, o.beds).astype(np.float64)


def assignment_prices(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    assigned: np.ndarray,
    iterations: int = 30,
) -> np.ndarray:
    """Prices read off an assignment, no LP: each household's share u is the best it could
    get elsewhere at current prices (0 at least); an offer's price is what its household's
    value leaves after that share (private home: per slot; collective centre: the least per
    bed among its households); free offers cost 0. Starting from "the whole value", these
    rounds only lower prices (Bellman-Ford on the assignment's exchange graph): for an optimal
    assignment they end at the smallest prices that support it, so the bound is tight where
    the assignment is optimal and loose only by what could still be gained."""
    from .solver import assigned_edges

    n, m = len(h), len(o)
    price = np.zeros(m)
    placed, pos = assigned_edges(e, assigned, m)
    if placed.size == 0:
        return price
    off = assigned[placed]
    single = o.max_households[off] == 1
    own = values[pos]
    size = h.size[placed].astype(np.float64)
    beds, slots = _room(h, o, assigned)
    # A centre with room left takes more households at no cost: price 0 there.
    full = np.where(o.max_households == 1, True, (beds <= 0) | (slots <= 0))
    u = np.zeros(n)
    for _ in range(iterations):
        per = np.where(single, own - u[placed], (own - u[placed]) / size)
        new = np.full(m, np.inf)
        np.minimum.at(new, off, per)
        new = np.where(np.isfinite(new) & full, np.maximum(new, 0.0), 0.0)
        if np.allclose(new, price, rtol=0, atol=1e-9) and _ > 0:
            break
        price = new
        reduced = values - price_of_edges(h, o, e, price)
        best, _pos = _best_per_household(n, e, reduced)
        u = np.maximum(best, 0.0)
    return price


def _room(h: Households, o: Offers, assigned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    placed = assigned >= 0
    beds = o.beds - np.bincount(assigned[placed], weights=h.size[placed], minlength=len(o))
    slots = o.max_households - np.bincount(assigned[placed], minlength=len(o))
    return beds, slots


def _best_per_household(n: int, e: Edges, reduced: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per household, the largest reduced value over its edges (-inf without edges) and the
    position of an edge reaching it (-1 without edges). Edges are sorted by household."""
    best = np.full(n, -np.inf)
    pos = np.full(n, -1, np.int64)
    if len(e) == 0:
        return best, pos
    starts = np.flatnonzero(np.r_[True, np.diff(e.household) != 0])
    who = e.household[starts]
    best[who] = np.maximum.reduceat(reduced, starts)
    hit = np.flatnonzero(reduced >= best[e.household])
    first = np.r_[True, np.diff(e.household[hit]) != 0]
    pos[e.household[hit[first]]] = hit[first]
    return best, pos


def dual_prices(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    lower: float,
    iterations: int,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Prices minimising the Lagrangian bound over the candidate edges: projected subgradient
    steps (Polyak's rule towards the solver's total `lower`). Returns the best prices seen."""
    n, m = len(h), len(o)
    cap = capacity(o)
    single = o.max_households == 1
    size = h.size[e.household].astype(np.float64)
    price = np.zeros(m) if start is None else start.copy()
    best_bound, best_price = np.inf, price.copy()
    theta, stall = 1.0, 0
    for _ in range(iterations):
        reduced = values - price_of_edges(h, o, e, price)
        best, pos = _best_per_household(n, e, reduced)
        bound = float(np.maximum(best, 0).sum() + price @ cap)
        if bound < best_bound - 1e-9:
            best_bound, best_price, stall = bound, price.copy(), 0
        else:
            stall += 1
            if stall >= 3:
                theta, stall = theta / 2, 0
        chosen = pos[(best > 0) & (pos >= 0)]
        use = np.bincount(
            e.offer[chosen],
            weights=np.where(single[e.offer[chosen]], 1.0, size[chosen]),
            minlength=m,
        )
        g = use - cap
        g[(price <= 0) & (g < 0)] = 0
        norm = float(g @ g)
        if norm == 0 or bound - lower <= 1e-9 * max(1.0, abs(lower)):
            break
        price = np.maximum(0.0, price + theta * (bound - lower) / norm * g)
    return best_price


SIZE_STEPS = (1, 3, 5)  # households of at least this size need offers with at least these beds
PRICE_STEPS = 24  # price bands for the offers with a price


def _nearest(points: np.ndarray, where: np.ndarray, o: Offers, chord: float) -> np.ndarray:
    """Distance (km) from each point to the nearest of the offers `where` within reach (inf)."""
    if where.size == 0 or points.shape[0] == 0:
        return np.full(points.shape[0], np.inf)
    tree = cKDTree(unit_vectors(o.lat[where], o.lon[where]))
    dist, _idx = tree.query(points, k=1, distance_upper_bound=chord, workers=-1)
    return np.where(np.isfinite(dist), chord_to_km(np.minimum(dist, 2.0)), np.inf)


WEEK = 7


def _nearest_by_dates(h, o, policy: Policy, points, who, free, chord) -> np.ndarray:
    """Per household, the distance to the nearest free offer whose stay could cover enough of
    the nights for some household of its group (same nights, start in the same week): an
    upper bound on the nights covered, so the set holds every offer whose dates fit."""
    out = np.full(len(who), np.inf)
    nights = np.maximum(h.nights[who], 1).astype(np.int64)
    s0 = (h.start[who].astype(np.int64) // WEEK) * WEEK
    group = nights * (1 << 32) + (s0 - s0.min() if s0.size else s0)
    start, end = o.start.astype(np.int64), o.end.astype(np.int64) + 1
    for g in np.unique(group).tolist():
        rows = np.flatnonzero(group == g)
        n_, a = int(nights[rows[0]]), int(s0[rows[0]])
        b = a + WEEK - 1
        covered = np.minimum(np.minimum(n_, end - np.maximum(a, start)), b + n_ - start)
        fits = free & (covered >= np.ceil(policy.min_overlap * n_))
        out[rows] = _nearest(points[rows], np.flatnonzero(fits), o, chord)
    return out


def _unseen(h, o, policy: Policy, price, who, u):
    """For households `who`, a function of a radius r (per household) bounding the reduced
    value of any offer farther than r. Free offers: by kind (rules the household needs, beds,
    a language it speaks), the nearest one; priced offers: by price band, the nearest one at
    the band's lowest price. Dates are relaxed (a stay counts as fully covered). The nearest
    distances are found once; the bound is then cheap for any radius."""
    chord = km_to_chord(policy.max_km)
    points = unit_vectors(h.lat[who], h.lon[who])
    su = (h.size * u)[who]
    top = 1 + policy.w_duration
    offered = gives(o, policy)
    free = price <= 0
    step = np.searchsorted(SIZE_STEPS, h.size[who], side="right") - 1
    kind = needs(h)[who] * 8 + step
    d_all = np.full(len(who), np.inf)
    d_lang = np.full(len(who), np.inf)
    langs = h.languages[who]
    for k in np.unique(kind).tolist():
        need, beds = k // 8, SIZE_STEPS[k % 8]
        rows = np.flatnonzero(kind == k)
        usable = free & ((offered & need) == need) & (o.beds >= beds)
        d_all[rows] = _nearest(points[rows], np.flatnonzero(usable), o, chord)
        for bit in range(32):  # a shared language: the nearest offer speaking any of theirs
            speaks = rows[(langs[rows] >> np.uint32(bit)) & 1 == 1]
            if speaks.size:
                shares = usable & ((o.languages >> np.uint32(bit)) & 1 == 1)
                near = _nearest(points[speaks], np.flatnonzero(shares), o, chord)
                d_lang[speaks] = np.minimum(d_lang[speaks], near)
    # Dates: the nearest free offer whose dates could fit anyone of the household's group
    # (same nights, start in the same week) is no nearer than the nearest that fits them;
    # an offer in both sets is at least as far as the farther of the two nearest.
    d_dates = _nearest_by_dates(h, o, policy, points, who, free, chord)
    d_all = np.maximum(d_all, d_dates)
    d_lang = np.maximum(d_lang, d_dates)
    bands: list[tuple[float, np.ndarray]] = []
    positive = np.sort(price[~free])
    if positive.size:
        cuts = np.unique(np.quantile(positive, np.linspace(0, 1, PRICE_STEPS + 1)[:-1]))
        band = np.searchsorted(cuts, price, side="right") - 1
        for b, low in enumerate(cuts.tolist()):
            d = _nearest(points, np.flatnonzero(~free & (band == b)), o, chord)
            bands.append((low, d.astype(np.float32)))

    def beyond(r: np.ndarray, rows: np.ndarray) -> np.ndarray:
        def value(d: np.ndarray, language: bool) -> np.ndarray:
            near = np.exp(-np.maximum(r, d) / policy.distance_scale_km)
            v = su[rows] * (top + policy.w_distance * near + (policy.w_language if language else 0))
            return np.where(np.isfinite(d), v, -np.inf)

        out = np.maximum(value(d_all[rows], False), value(d_lang[rows], True))
        for low, d in bands:
            out = np.maximum(out, value(d[rows].astype(np.float64), True) - low)
        return np.where(np.isfinite(r), out, -np.inf)  # infinite radius: everything was seen

    return beyond


SCAN = 32  # offers looked at first per household when certifying; grows ×4 where needed
SCAN_MAX = 512
SCAN_PAIRS = 4_000_000  # pairs per block, for bounded memory


def _scan(h, o, policy: Policy, price, who, u) -> tuple[np.ndarray, np.ndarray]:
    """Households not in a crowd: the exact best reduced value over their nearest offers
    (every rule, dates included), looking farther (×4) while the bound beyond what was seen
    could still beat it; the rest of the way bounded by `_unseen`. Also returns, per
    household, the offer reaching the best (a column for the solver) or -1."""
    from .scoring import edge_values

    out = np.full(len(who), -np.inf)
    column = np.full(len(who), -1, np.int64)
    if who.size == 0 or len(o) == 0:
        return out, column
    beyond = _unseen(h, o, policy, price, who, u)
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    chord = km_to_chord(policy.max_km)
    m = len(o)
    todo = np.arange(len(who))
    k = SCAN
    while todo.size:
        k = min(k, m)
        step = max(1, SCAN_PAIRS // k)
        still = []
        for a in range(0, todo.size, step):
            rows = todo[a : a + step]
            hh = who[rows]
            dist, idx = tree.query(
                unit_vectors(h.lat[hh], h.lon[hh]), k=k, distance_upper_bound=chord, workers=-1
            )
            dist, idx = dist.reshape(len(rows), k), idx.reshape(len(rows), k)
            valid = idx.ravel() < m
            hi = np.repeat(hh, k)[valid]
            oi = idx.ravel()[valid]
            km = chord_to_km(dist.ravel()[valid])
            from .candidates import feasible

            ok = feasible(h, o, hi, oi, policy)
            e = Edges(hi[ok].astype(np.int32), oi[ok].astype(np.int32), km[ok].astype(np.float32),
                      np.ones(len(h), bool))  # fmt: skip
            red = edge_values(h, o, e, policy) - price_of_edges(h, o, e, price)
            # per household (rows are in household order within the block), the best edge
            order = np.lexsort((-red, e.household))
            first = order[np.r_[True, np.diff(e.household[order]) != 0]] if len(e) else order
            best = np.full(len(h), -np.inf)
            arg = np.full(len(h), -1, np.int64)
            best[e.household[first]] = red[first]
            arg[e.household[first]] = e.offer[first]
            better = best[hh] > out[rows]
            column[rows[better]] = arg[hh][better]
            best = np.maximum(best[hh], out[rows])
            r = np.where(idx[:, -1] < m, chord_to_km(dist[:, -1]), np.inf)
            if k >= m:
                r[:] = np.inf
            rest = beyond(r, rows)
            done = (rest <= best) | (k >= SCAN_MAX) | (k >= m)
            out[rows] = np.where(done, np.maximum(best, rest), best)
            still.append(rows[~done])
        todo = np.concatenate(still) if still else todo[:0]
        k *= 4
    return out, column


def _crowd_scan(h, o, policy, price, crowd, u):
    """Households in crowds: the bound over every offer within reach of their point, and the
    offer reaching it (a new column). Dates relaxed: a stay counts as fully covered."""
    n = len(h)
    out = np.full(n, -np.inf)
    column = np.full(n, -1, np.int64)
    if crowd is None or crowd.max(initial=-1) < 0 or len(o) == 0:
        return out, column
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    chord = km_to_chord(policy.max_km)
    offered = gives(o, policy)
    single = o.max_households == 1
    wants = needs(h)
    for label in range(int(crowd.max()) + 1):
        who = np.flatnonzero(crowd == label)
        p = unit_vectors(h.lat[who[:1]], h.lon[who[:1]])
        near = np.asarray(tree.query_ball_point(p[0], chord), dtype=np.int64)
        if near.size == 0:
            continue
        chordd = np.linalg.norm(unit_vectors(o.lat[near], o.lon[near]) - p[0], axis=1)
        km = 2 * 6371.0088 * np.arcsin(np.clip(chordd / 2, 0, 1))
        base = 1 + policy.w_distance * np.exp(-km / policy.distance_scale_km) + policy.w_duration
        key = (wants[who] * (1 << 32) + h.languages[who].astype(np.int64)) * 1024 + h.size[who]
        kinds, kind_of = np.unique(key, return_inverse=True)
        kind_of = kind_of.ravel()
        for t, k in enumerate(kinds.tolist()):
            s, rest = k % 1024, k // 1024
            need, lang = rest >> 32, np.uint32(rest & 0xFFFFFFFF)
            ok = ((offered[near] & need) == need) & (o.beds[near] >= s)
            if not ok.any():
                continue
            cand = near[ok]
            a = base[ok] + policy.w_language * ((o.languages[cand] & lang) != 0)
            cost = np.where(single[cand], price[cand], price[cand] * s)
            # keep offers that no other offer beats on both value and price
            order = np.lexsort((cost, -a))
            a, cost, cand = a[order], cost[order], cand[order]
            front = cost < np.minimum.accumulate(np.r_[np.inf, cost[:-1]])
            a, cost, cand = a[front], cost[front], cand[front]
            members = who[kind_of == t]
            for c0 in range(0, len(members), 4096):
                mm = members[c0 : c0 + 4096]
                r = (s * u[mm])[:, None] * a[None, :] - cost[None, :]
                arg = r.argmax(axis=1)
                out[mm] = r[np.arange(len(mm)), arg]
                column[mm] = cand[arg]
    return out, column


def certify(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    price: np.ndarray,
    policy: Policy,
) -> tuple[float, np.ndarray, np.ndarray]:
    """The Lagrangian bound over every feasible pair within reach for these prices.
    Returns (bound, per household how much more than its candidate edges the bound allows
    (0 when the candidates already reach it), per household a column worth adding or -1)."""
    n = len(h)
    u = urgency(h, policy)
    reduced = values - price_of_edges(h, o, e, price)
    seen, _pos = _best_per_household(n, e, reduced)
    crowd_best, column = _crowd_scan(h, o, policy, price, e.crowd, u)
    in_crowd = np.zeros(n, bool) if e.crowd is None else e.crowd >= 0
    unseen = np.full(n, -np.inf)
    radius = np.zeros(n) if e.radius is None else e.radius  # unknown radius: assume nothing seen
    lonely = ~in_crowd & np.isfinite(radius)
    if lonely.any():
        unseen[lonely], column[lonely] = _scan(h, o, policy, price, np.flatnonzero(lonely), u)
    top = np.maximum(np.maximum(seen, 0), np.maximum(crowd_best, unseen))
    bound = float(top.sum() + price @ capacity(o))
    return bound, top - np.maximum(seen, 0), column


LP_EDGES = 3_000_000  # up to here the prices come from the exact LP over the edges (HiGHS)


def lp_prices(
    h: Households, o: Offers, e: Edges, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The LP relaxation over the edges (private homes: one household; centres: their beds),
    solved by HiGHS: the optimal prices, and the fractional solution for rounding."""
    from scipy import sparse
    from scipy.optimize import linprog

    ne = len(e)
    if ne == 0:
        return None
    cols = np.arange(ne)
    single = o.max_households == 1
    weight = np.where(single[e.offer], 1.0, h.size[e.household])
    a = sparse.vstack([
        sparse.csr_matrix((np.ones(ne), (e.household, cols)), shape=(len(h), ne)),
        sparse.csr_matrix((weight, (e.offer, cols)), shape=(len(o), ne)),
    ]).tocsr()  # fmt: skip
    b = np.r_[np.ones(len(h)), capacity(o)]
    res = linprog(-values, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    if res.status != 0:
        return None
    return np.maximum(0.0, -res.ineqlin.marginals[len(h) :]), res.x, float(-res.fun)
