"""Solvers: the spreadsheet-era greedy baseline, the optimiser, and an exact MILP for small
instances (to measure the optimiser's gap).

The problem: each household goes whole into one offer; an offer takes households up to its
beds and its household slots (1 for a private home). With one slot per offer this is a
weighted bipartite matching, solved exactly here; with collective centres it is a multiple
knapsack problem (NP-hard), where the optimiser is a heuristic and the MILP is the yardstick.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .candidates import Edges
from .data import Households, Offers


def _order_by_household(e: Edges, key: np.ndarray) -> np.ndarray:
    """Edge order: by household, then ascending `key`."""
    return np.lexsort((key, e.household))


def greedy(h: Households, o: Offers, e: Edges, values: np.ndarray) -> np.ndarray:
    """First come, first served: longest-waiting household first, nearest offer with room."""
    n = len(h)
    order = _order_by_household(e, e.km)
    starts = np.searchsorted(e.household[order], np.arange(n + 1))
    offers_sorted = e.offer[order].tolist()
    beds = o.beds.astype(np.int64).tolist()
    slots = o.max_households.astype(np.int64).tolist()
    size = h.size.tolist()
    starts_l = starts.tolist()
    assigned = [-1] * n
    for hh in np.lexsort((np.arange(n), -h.waiting_days)).tolist():
        s = size[hh]
        for j in range(starts_l[hh], starts_l[hh + 1]):
            oo = offers_sorted[j]
            if beds[oo] >= s and slots[oo] > 0:
                beds[oo] -= s
                slots[oo] -= 1
                assigned[hh] = oo
                break
    return np.asarray(assigned, dtype=np.int64)


def deferred_acceptance(
    h: Households, o: Offers, e: Edges, values: np.ndarray, allowed: np.ndarray | None = None
) -> np.ndarray:
    """Households propose down their list (best value first); each offer keeps the proposals
    with the highest value per bed that fit its beds and slots. Vectorised in rounds."""
    n = len(h)
    mask = np.ones(len(e), bool) if allowed is None else allowed
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((-values[idx], e.household[idx]))]
    eh, eo, ev = e.household[order], e.offer[order], values[order]
    density = ev / h.size[eh]
    starts = np.searchsorted(eh, np.arange(n + 1))
    pointer = starts[:-1].copy()
    end = starts[1:]
    held = np.full(n, -1, dtype=np.int64)  # position in the sorted edge list
    size = h.size.astype(np.int64)
    beds = o.beds.astype(np.int64)
    slots = o.max_households.astype(np.int64)
    for _round in range(10_000):
        active = np.flatnonzero((held < 0) & (pointer < end))
        if active.size == 0:
            break
        proposals = pointer[active]
        current = held[held >= 0]
        pos = np.concatenate([current, proposals])
        who = eh[pos]
        off = eo[pos]
        rank = np.lexsort((-density[pos], off))
        pos, who, off = pos[rank], who[rank], off[rank]
        group_start = np.r_[0, np.flatnonzero(np.diff(off)) + 1]
        counts = np.diff(np.r_[group_start, len(off)])
        first = np.repeat(group_start, counts)
        csize = np.cumsum(size[who])
        before = np.r_[0, csize][first]
        within = csize - before
        nth = np.arange(len(off)) - first
        accept = (within <= beds[off]) & (nth < slots[off])
        held[:] = -1
        held[who[accept]] = pos[accept]
        # A rejected household moves on to its next choice after the one just refused.
        pointer[who[~accept]] = pos[~accept] + 1
    assigned = np.full(n, -1, dtype=np.int64)
    ok = held >= 0
    assigned[ok] = eo[held[ok]]
    return assigned


def exact_single_slot(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    households: np.ndarray,
    offers: np.ndarray,
) -> np.ndarray:
    """Maximum-value matching of `households` to single-slot `offers` over the candidate
    edges, exactly (sparse LAPJV). Each household also gets a private 'unmatched' column so a
    full matching always exists. Returns the offer per household (-1 if none)."""
    n = len(h)
    result = np.full(n, -1, dtype=np.int64)
    hmask = np.zeros(n, bool)
    hmask[households] = True
    omask = np.zeros(len(o), bool)
    omask[offers] = True
    sel = np.flatnonzero(hmask[e.household] & omask[e.offer])
    if sel.size == 0:
        return result
    rows_h = np.unique(e.household[sel])
    cols_o = np.unique(e.offer[sel])
    r = np.searchsorted(rows_h, e.household[sel])
    c = np.searchsorted(cols_o, e.offer[sel])
    v = values[sel]
    top = v.max() + 1.0
    nr, nc = len(rows_h), len(cols_o)
    # Costs must be positive: cost = top - value; the dummy column costs `top`.
    rr = np.concatenate([r, np.arange(nr)])
    cc = np.concatenate([c, nc + np.arange(nr)])
    ww = np.concatenate([top - v, np.full(nr, top)])
    graph = sparse.csr_matrix((ww, (rr, cc)), shape=(nr, nc + nr))
    _row, col = min_weight_full_bipartite_matching(graph)
    real = col < nc
    result[rows_h[real]] = cols_o[col[real]]
    return result


# Above this many single-slot candidate edges the exact matching step (sparse LAPJV, measured
# 28.6 s at 100k households × 100k offers) is skipped and deferred acceptance stands alone.
EXACT_EDGE_LIMIT = 300_000


def optimise(
    h: Households, o: Offers, e: Edges, values: np.ndarray, exact_edge_limit: int = EXACT_EDGE_LIMIT
) -> np.ndarray:
    """Deferred acceptance for everyone; then the single-slot offers re-solved exactly among
    the households not placed in a collective centre (when the subproblem is small enough);
    then leftover room in collective centres filled greedily by value."""
    assigned = deferred_acceptance(h, o, e, values)
    single = o.max_households == 1
    into_single = single[e.offer]
    if single.any() and int(into_single.sum()) <= exact_edge_limit:
        in_collective = (assigned >= 0) & ~single[np.maximum(assigned, 0)]
        free = np.flatnonzero(~in_collective)
        exact = exact_single_slot(h, o, e, values, free, np.flatnonzero(single))
        assigned[free] = exact[free]
    unplaced = assigned < 0
    if unplaced.any() and (~single).any():
        placed = assigned >= 0
        used_beds = np.bincount(assigned[placed], weights=h.size[placed], minlength=len(o))
        used_slots = np.bincount(assigned[placed], minlength=len(o))
        allowed = unplaced[e.household] & ~into_single
        extra = _fill(h, o, e, values, allowed, o.beds - used_beds, o.max_households - used_slots)
        take = extra >= 0
        assigned[take] = extra[take]
    return assigned


def _fill(h, o, e, values, allowed, beds_left, slots_left) -> np.ndarray:
    """Greedy by value over the allowed edges into the room that is left."""
    n = len(h)
    idx = np.flatnonzero(allowed)
    idx = idx[np.argsort(-values[idx], kind="stable")]
    beds = beds_left.astype(np.int64).tolist()
    slots = slots_left.astype(np.int64).tolist()
    size = h.size.tolist()
    out = [-1] * n
    for j in idx.tolist():
        hh = int(e.household[j])
        if out[hh] >= 0:
            continue
        oo = int(e.offer[j])
        if beds[oo] >= size[hh] and slots[oo] > 0:
            beds[oo] -= size[hh]
            slots[oo] -= 1
            out[hh] = oo
    return np.asarray(out, dtype=np.int64)


def exact_milp(h: Households, o: Offers, e: Edges, values: np.ndarray, time_limit: float = 600):
    """The exact optimum over the candidate edges (HiGHS through SciPy). For small instances."""
    ne = len(e)
    if ne == 0:
        return np.full(len(h), -1, dtype=np.int64), 0.0, True
    cols = np.arange(ne)
    per_household = sparse.csr_matrix((np.ones(ne), (e.household, cols)), shape=(len(h), ne))
    beds = sparse.csr_matrix(
        (h.size[e.household].astype(float), (e.offer, cols)), shape=(len(o), ne)
    )
    slots = sparse.csr_matrix((np.ones(ne), (e.offer, cols)), shape=(len(o), ne))
    constraints = [
        LinearConstraint(per_household, -np.inf, 1),
        LinearConstraint(beds, -np.inf, o.beds.astype(float)),
        LinearConstraint(slots, -np.inf, o.max_households.astype(float)),
    ]
    res = milp(
        -values,
        constraints=constraints,
        integrality=np.ones(ne),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-6},
    )
    x = np.zeros(ne) if res.x is None else res.x
    assigned = np.full(len(h), -1, dtype=np.int64)
    chosen = np.flatnonzero(x > 0.5)
    assigned[e.household[chosen]] = e.offer[chosen]
    return assigned, float(values[chosen].sum()), res.status == 0
