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

from .candidates import Edges, chord_to_km, km_to_chord, unit_vectors
from .data import Households, Offers, Policy
from .scoring import urgency


def price_of_edges(h: Households, o: Offers, e: Edges, price: np.ndarray) -> np.ndarray:
    single = o.max_households[e.offer] == 1
    p = price[e.offer]
    return np.where(single, p, p * h.size[e.household])


def capacity(o: Offers) -> np.ndarray:
    """What a price is paid on: one slot in a private home, each bed in a collective centre."""
    return np.where(o.max_households == 1, 1, o.beds).astype(np.float64)


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


def _needs(h: Households) -> np.ndarray:
    """Household kind as bits: pets, children, step-free, vulnerable."""
    return (
        (h.pets > 0).astype(np.int64)
        | (h.children.astype(np.int64) << 1)
        | (h.step_free.astype(np.int64) << 2)
        | (h.vulnerable.astype(np.int64) << 3)
    )


def _gives(o: Offers, policy: Policy) -> np.ndarray:
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


SIZE_STEPS = (1, 3, 5)  # households of at least this size need offers with at least these beds
PRICE_STEPS = 24  # price bands for the offers with a price


def _nearest(points: np.ndarray, where: np.ndarray, o: Offers, chord: float) -> np.ndarray:
    """Distance (km) from each point to the nearest of the offers `where` within reach (inf)."""
    if where.size == 0 or points.shape[0] == 0:
        return np.full(points.shape[0], np.inf)
    tree = cKDTree(unit_vectors(o.lat[where], o.lon[where]))
    dist, _idx = tree.query(points, k=1, distance_upper_bound=chord, workers=-1)
    return np.where(np.isfinite(dist), chord_to_km(np.minimum(dist, 2.0)), np.inf)


def _unseen(h, o, policy: Policy, price, radius, who, u) -> np.ndarray:
    """For households `who`, an upper bound on the reduced value of any offer farther than
    their radius. Free offers: by kind (rules the household needs, beds, a shared language),
    the nearest one; priced offers: by price band, the nearest one at the band's lowest price.
    Dates are relaxed (a stay counts as fully covered)."""
    out = np.full(len(who), -np.inf)
    if who.size == 0 or len(o) == 0:
        return out
    chord = km_to_chord(policy.max_km)
    points = unit_vectors(h.lat[who], h.lon[who])
    su = (h.size * u)[who]
    r = radius[who]
    top = 1 + policy.w_duration

    def value(d: np.ndarray, language: bool, rows=slice(None)) -> np.ndarray:
        near = np.exp(-np.maximum(r[rows], d) / policy.distance_scale_km)
        v = su[rows] * (top + policy.w_distance * near + (policy.w_language if language else 0))
        return np.where(np.isfinite(d), v, -np.inf)

    gives = _gives(o, policy)
    free = price <= 0
    step = np.searchsorted(SIZE_STEPS, h.size[who], side="right") - 1
    key = (_needs(h)[who] * 8 + step) * (1 << 32) + h.languages[who].astype(np.int64)
    kinds, kind_of = np.unique(key, return_inverse=True)
    kind_of = kind_of.ravel()
    for t, k in enumerate(kinds.tolist()):
        lang, rest = np.uint32(k & 0xFFFFFFFF), k >> 32
        need, beds = rest // 8, SIZE_STEPS[rest % 8]
        rows = np.flatnonzero(kind_of == t)
        usable = free & ((gives & need) == need) & (o.beds >= beds)
        shares = usable & ((o.languages & lang) != 0)
        d_all = _nearest(points[rows], np.flatnonzero(usable), o, chord)
        d_lang = _nearest(points[rows], np.flatnonzero(shares), o, chord)
        out[rows] = np.maximum(value(d_all, False, rows), value(d_lang, True, rows))
    positive = np.sort(price[~free])
    if positive.size:
        cuts = np.unique(np.quantile(positive, np.linspace(0, 1, PRICE_STEPS + 1)[:-1]))
        band = np.searchsorted(cuts, price, side="right") - 1
        for b, low in enumerate(cuts.tolist()):
            d = _nearest(points, np.flatnonzero(~free & (band == b)), o, chord)
            out = np.maximum(out, value(d, True) - low)
    return out


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
    gives = _gives(o, policy)
    single = o.max_households == 1
    needs = _needs(h)
    for label in range(int(crowd.max()) + 1):
        who = np.flatnonzero(crowd == label)
        p = unit_vectors(h.lat[who[:1]], h.lon[who[:1]])
        near = np.asarray(tree.query_ball_point(p[0], chord), dtype=np.int64)
        if near.size == 0:
            continue
        chordd = np.linalg.norm(unit_vectors(o.lat[near], o.lon[near]) - p[0], axis=1)
        km = 2 * 6371.0088 * np.arcsin(np.clip(chordd / 2, 0, 1))
        base = 1 + policy.w_distance * np.exp(-km / policy.distance_scale_km) + policy.w_duration
        key = (needs[who] * (1 << 32) + h.languages[who].astype(np.int64)) * 1024 + h.size[who]
        kinds, kind_of = np.unique(key, return_inverse=True)
        kind_of = kind_of.ravel()
        for t, k in enumerate(kinds.tolist()):
            s, rest = k % 1024, k // 1024
            need, lang = rest >> 32, np.uint32(rest & 0xFFFFFFFF)
            ok = ((gives[near] & need) == need) & (o.beds[near] >= s)
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
        unseen[lonely] = _unseen(h, o, policy, price, radius, np.flatnonzero(lonely), u)
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
