"""Solvers: the spreadsheet-era greedy baseline, the optimiser, and an exact MILP for small
instances (to measure the optimiser's gap).

The problem: each household goes whole into one offer; an offer takes households up to its
beds and its household slots (1 for a private home). With one slot per offer this is a
weighted bipartite matching, solved exactly here; with collective centres it is a multiple
knapsack problem (NP-hard), where the optimiser is a heuristic and the MILP is the yardstick.
"""

from __future__ import annotations

import os
from typing import cast

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
        accept = _fits_in_order(off, size[who], beds, slots)
        held[:] = -1
        held[who[accept]] = pos[accept]
        # A rejected household moves on to its next choice after the one just refused.
        pointer[who[~accept]] = pos[~accept] + 1
    assigned = np.full(n, -1, dtype=np.int64)
    ok = held >= 0
    assigned[ok] = eo[held[ok]]
    return assigned


def _match(hh: np.ndarray, oo: np.ndarray, vv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-value matching over edges (hh[j], oo[j], vv[j]), exactly (sparse LAPJV).
    Each household also gets a private 'unmatched' column so a full matching always exists.
    Returns the matched (household, offer) pairs."""
    if hh.size == 0:
        return hh, oo
    rows_h, r = np.unique(hh, return_inverse=True)
    cols_o, c = np.unique(oo, return_inverse=True)
    top = vv.max() + 1.0
    nr, nc = len(rows_h), len(cols_o)
    # Costs must be positive: cost = top - value; the dummy column costs `top`.
    rr = np.concatenate([r, np.arange(nr)])
    cc = np.concatenate([c, nc + np.arange(nr)])
    ww = np.concatenate([top - vv, np.full(nr, top)])
    graph = sparse.csr_matrix((ww, (rr, cc)), shape=(nr, nc + nr))
    _row, col = min_weight_full_bipartite_matching(graph)
    real = col < nc
    return rows_h[real], cols_o[col[real]]


def _match_packed(args: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return _match(*args)


def exact_single_slot(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    households: np.ndarray,
    offers: np.ndarray,
) -> np.ndarray:
    """Maximum-value matching of `households` to single-slot `offers` over all their
    candidate edges, exactly. Returns the offer per household (-1 if none)."""
    sel = _select(e, households, offers, len(h), len(o))
    result = np.full(len(h), -1, dtype=np.int64)
    mh, mo = _match(e.household[sel], e.offer[sel], values[sel])
    result[mh] = mo
    return result


def _select(e: Edges, households: np.ndarray, offers: np.ndarray, n: int, m: int) -> np.ndarray:
    hmask = np.zeros(n, bool)
    hmask[households] = True
    omask = np.zeros(m, bool)
    omask[offers] = True
    return np.flatnonzero(hmask[e.household] & omask[e.offer])


def regions(lat: np.ndarray, lon: np.ndarray, per_region: int) -> np.ndarray:
    """Compact regions of about `per_region` points: strips by latitude, cut by longitude."""
    m = len(lat)
    labels = np.zeros(m, dtype=np.int64)
    count = -(-m // per_region)
    if count <= 1:
        return labels
    strips = max(1, int(round(np.sqrt(count))))
    order = np.argsort(lat, kind="stable")
    strip = np.empty(m, dtype=np.int64)
    strip[order] = np.arange(m) * strips // m
    next_label = 0
    for s in range(strips):
        idx = np.flatnonzero(strip == s)
        cells = max(1, -(-len(idx) // per_region))
        by_lon = idx[np.argsort(lon[idx], kind="stable")]
        labels[by_lon] = next_label + np.arange(len(idx)) * cells // len(idx)
        next_label += cells
    return labels


def exact_single_slot_by_region(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    households: np.ndarray,
    offers: np.ndarray,
    per_region: int,
    workers: int,
) -> np.ndarray:
    """The same matching solved region by region, in parallel. Each household belongs to the
    region of its best single-slot candidate and keeps only the candidates in that region, so
    the regions are independent; the result is exact within each region."""
    sel = _select(e, households, offers, len(h), len(o))
    region_of_offer = np.full(len(o), -1, dtype=np.int64)
    region_of_offer[offers] = regions(o.lat[offers], o.lon[offers], per_region)
    eh, eo, ev = e.household[sel], e.offer[sel], values[sel]
    result = np.full(len(h), -1, dtype=np.int64)
    if eh.size == 0:  # nobody left with a candidate among these offers
        return result
    best = np.lexsort((-ev, eh))
    first = best[np.r_[True, np.diff(eh[best]) != 0]]
    region_of_household = np.full(len(h), -1, dtype=np.int64)
    region_of_household[eh[first]] = region_of_offer[eo[first]]
    keep = region_of_household[eh] == region_of_offer[eo]
    eh, eo, ev = eh[keep], eo[keep], ev[keep]
    label = region_of_offer[eo]
    order = np.argsort(label, kind="stable")
    bounds = np.searchsorted(label[order], np.arange(label.max() + 2 if label.size else 1))
    jobs = [
        (eh[order[a:b]], eo[order[a:b]], ev[order[a:b]])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        if b > a
    ]
    if workers > 1 and len(jobs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            matches = list(pool.map(_match_packed, jobs, chunksize=4))
    else:
        matches = [_match(*job) for job in jobs]
    result = np.full(len(h), -1, dtype=np.int64)
    for mh, mo in matches:
        result[mh] = mo
    return result


# Single-slot matching is solved exactly by sparse LAPJV, whose time grows about with the
# square of the size (measured: 0.34 s at 10k households x 10k offers, 6.3 s at 40k). Larger
# problems are cut into regions of about this many offers, solved in parallel.
REGION_OFFERS = 10_000
# Swaps in collective centres are a Python loop over their candidate edges: 0.1 s at 10k.
SWAP_LIMIT = 100_000
# The collective centres' packing as a MILP (HiGHS), single-slot households fixed: 0.1-0.3 s
# at 2k households, 2.5 s at 10k (measured).
PACK_LIMIT = 10_000


def lagrangian_iterations(n: int) -> int:
    """How many priced re-solves polish the collective centres (measured on synthetic data:
    +1.8-2.0 % value at 5k-10k households for 3-11 s; too slow per region at 1M)."""
    return 40 if n <= 3_000 else 12 if n <= 10_000 else 0


def optimise(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    per_region: int = REGION_OFFERS,
    workers: int | None = None,
) -> np.ndarray:
    """Deferred acceptance for everyone; then the single-slot offers re-solved exactly (by
    region when large) among the households not placed in a collective centre; then leftover
    room in collective centres filled greedily by value; then, for up to 10k households, the
    collective centres' beds priced and the whole re-solved (`lagrangian`); then, up to 100k,
    value-raising swaps in the collective centres; then, up to 10k, the centres packed
    exactly by a MILP with the single-slot households fixed."""
    assigned = deferred_acceptance(h, o, e, values)
    single = o.max_households == 1
    into_single = single[e.offer]
    assigned = resolve_single_slots(h, o, e, values, assigned, per_region, workers)
    if (assigned < 0).any() and (~single).any():
        assigned = _fill_room(h, o, e, values, assigned, allowed=~into_single)
    # The polishing steps scale with edges too: wide candidates (column generation) skip them.
    iterations = lagrangian_iterations(len(h)) if len(e) <= 10 * PACK_LIMIT else 0
    if iterations and (~single).any():
        assigned = lagrangian(h, o, e, values, assigned, iterations)
    # The swaps are a Python loop over edges: 8 of 13 s at 30k (measured), so capped by edges.
    if len(h) <= SWAP_LIMIT and len(e) <= 3 * SWAP_LIMIT and (~single).any():
        assigned = swap_into_collectives(h, o, e, values, assigned)
    if len(h) <= PACK_LIMIT and len(e) <= 10 * PACK_LIMIT and (~single).any():
        assigned = pack_collectives_exactly(h, o, e, values, assigned)
    return assigned


def _fits_in_order(
    off: np.ndarray, sizes: np.ndarray, beds: np.ndarray, slots: np.ndarray
) -> np.ndarray:
    """For households listed offer by offer in order of preference, which ones the offer
    keeps: the longest prefix that fits its beds and its household slots."""
    group_start = np.r_[0, np.flatnonzero(np.diff(off)) + 1]
    first = np.repeat(group_start, np.diff(np.r_[group_start, len(off)]))
    csize = np.cumsum(sizes)
    within = csize - np.r_[0, csize][first]
    nth = np.arange(len(off)) - first
    return (within <= beds[off]) & (nth < slots[off])


def _fill_room(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    assigned: np.ndarray,
    allowed: np.ndarray,
) -> np.ndarray:
    """Place unplaced households over `allowed` edges into the beds and slots still free."""
    placed = assigned >= 0
    used_beds = np.bincount(assigned[placed], weights=h.size[placed], minlength=len(o))
    used_slots = np.bincount(assigned[placed], minlength=len(o))
    allowed = allowed & ~placed[e.household]
    extra = _fill(h, o, e, values, allowed, o.beds - used_beds, o.max_households - used_slots)
    assigned = assigned.copy()
    assigned[extra >= 0] = extra[extra >= 0]
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


def repair_and_fill(
    h: Households, o: Offers, e: Edges, values: np.ndarray, assigned: np.ndarray, exact: bool = True
) -> np.ndarray:
    """Make an assignment feasible (offers over their beds drop their lowest value-per-bed
    households) and then fill whatever room is left, greedily by value. With `exact`, the
    single-slot offers are first re-solved exactly among the households not in a centre
    (66 s over the 1M edges of the 100k demo: measured; so optional)."""
    assigned = assigned.copy()
    placed, pos = assigned_edges(e, assigned, len(o))
    if placed.size:
        density = values[pos] / h.size[placed]
        off = assigned[placed]
        rank = np.lexsort((-density, off))
        p, off = placed[rank], off[rank]
        assigned[p[~_fits_in_order(off, h.size[p], o.beds, o.max_households)]] = -1
    if exact:  # with the centres' households fixed, the single-slot offers re-solved
        assigned = resolve_single_slots(h, o, e, values, assigned)
    return _fill_room(h, o, e, values, assigned, allowed=np.ones(len(e), bool))


def total_value(
    h: Households, o: Offers, e: Edges, values: np.ndarray, assigned: np.ndarray
) -> float:
    return float(values[assigned_edges(e, assigned, len(o))[1]].sum())


def assigned_edges(e: Edges, assigned: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The placed households and, for each, the position of its (household, offer) edge.
    Candidate edges are unique per pair, so the lookup is exact."""
    placed = np.flatnonzero(assigned >= 0)
    key = e.household.astype(np.int64) * max(m, 1) + e.offer
    order = np.argsort(key, kind="stable")
    want = placed.astype(np.int64) * max(m, 1) + assigned[placed]
    return placed, order[np.searchsorted(key[order], want)]


def resolve_single_slots(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    assigned: np.ndarray,
    per_region: int | None = None,
    workers: int | None = None,
) -> np.ndarray:
    """Re-solve the single-slot offers exactly among the households not placed in a
    collective centre; region by region when there are more than `per_region` of them."""
    single = o.max_households == 1
    if not single.any():
        return assigned
    in_collective = (assigned >= 0) & ~single[np.maximum(assigned, 0)]
    free = np.flatnonzero(~in_collective)
    offers = np.flatnonzero(single)
    if per_region is None or len(offers) <= per_region:
        exact = exact_single_slot(h, o, e, values, free, offers)
    else:
        workers = workers or os.cpu_count() or 1
        exact = exact_single_slot_by_region(h, o, e, values, free, offers, per_region, workers)
    assigned = assigned.copy()
    assigned[free] = exact[free]
    return assigned


def lagrangian(
    h: Households, o: Offers, e: Edges, values: np.ndarray, start: np.ndarray, iterations: int = 15
) -> np.ndarray:
    """Collective centres become one column per household slot, so the whole problem is an
    assignment problem but for the centres' beds; those are priced (Lagrange multipliers,
    subgradient steps) and each priced problem is solved exactly. Every iterate is repaired
    to a feasible assignment; the best one, or `start` if none is better, is returned."""
    slots = np.where(o.max_households == 1, 1, np.minimum(o.max_households, o.beds)).astype(
        np.int64
    )
    col_start = np.r_[0, np.cumsum(slots)]
    reps = slots[e.offer]
    edge = np.repeat(np.arange(len(e)), reps)
    within = np.arange(len(edge)) - np.repeat(np.cumsum(reps) - reps, reps)
    cols = col_start[e.offer[edge]] + within
    hh, off, base = e.household[edge], e.offer[edge], values[edge]
    size = h.size[hh]
    offer_of_col = np.repeat(np.arange(len(o)), slots)
    collective = o.max_households > 1
    lam = np.zeros(len(o))
    best, best_total = start, total_value(h, o, e, values, start)
    scale = float(np.median(values / h.size[e.household])) if len(e) else 1.0
    for it in range(iterations):
        adjusted = base - lam[off] * size
        keep = adjusted > 0
        mh, mc = _match(hh[keep], cols[keep], adjusted[keep])
        assigned = np.full(len(h), -1, dtype=np.int64)
        assigned[mh] = offer_of_col[mc]
        placed = assigned >= 0
        used = np.bincount(assigned[placed], weights=h.size[placed], minlength=len(o))
        over = np.where(collective, used - o.beds, 0)
        feasible = repair_and_fill(h, o, e, values, assigned)
        total = total_value(h, o, e, values, feasible)
        if total > best_total + 1e-9:
            best, best_total = feasible, total
        if not (over > 0).any() and not (lam > 0).any():
            break  # the relaxation's solution is feasible: optimal for this column model
        lam = np.maximum(0.0, lam + scale * over / np.maximum(o.beds, 1) / (1 + it) ** 0.5)
    return best


def swap_into_collectives(
    h: Households, o: Offers, e: Edges, values: np.ndarray, assigned: np.ndarray, rounds: int = 5
) -> np.ndarray:
    """Local search for small problems: an unplaced household takes the place of a household
    in a collective centre when that raises the total value and the beds allow it; the
    household moved out then tries every room left. Repeats while it finds gains."""
    collective = o.max_households > 1
    best_total = total_value(h, o, e, values, assigned)
    for _round in range(rounds):
        improved = False
        placed = assigned >= 0
        used = np.bincount(assigned[placed], weights=h.size[placed], minlength=len(o)).astype(
            np.int64
        )
        into = np.flatnonzero(collective[e.offer] & ~placed[e.household])
        into = into[np.argsort(-values[into], kind="stable")]
        value_of = dict(
            zip(
                zip(e.household.tolist(), e.offer.tolist(), strict=True),
                values.tolist(),
                strict=True,
            )
        )
        members: dict[int, list[int]] = {}
        for hh in np.flatnonzero(placed & collective[np.maximum(assigned, 0)]).tolist():
            members.setdefault(int(assigned[hh]), []).append(hh)
        for j in into.tolist():
            u, c = int(e.household[j]), int(e.offer[j])
            if assigned[u] >= 0:
                continue
            free = int(o.beds[c] - used[c])
            best_gain, out = 1e-9, cast(tuple[int, ...], ())
            inside = members.get(c, [])
            for a, m in enumerate(inside):  # one out, or two out, for one in
                if h.size[m] + free >= h.size[u] and values[j] - value_of[(m, c)] > best_gain:
                    best_gain, out = values[j] - value_of[(m, c)], (m,)
                for m2 in inside[a + 1 :]:
                    room_left = h.size[m] + h.size[m2] + free
                    gain = values[j] - value_of[(m, c)] - value_of[(m2, c)]
                    if room_left >= h.size[u] and gain > best_gain:
                        best_gain, out = gain, (m, m2)
            if out:
                assigned[u] = c
                used[c] += h.size[u]
                for m in out:
                    assigned[m] = -1
                    used[c] -= h.size[m]
                    inside.remove(m)
                inside.append(u)
                members[c] = inside
                improved = True
        if not improved:
            break
        trial = _fill_room(h, o, e, values, assigned, allowed=np.ones(len(e), bool))
        total = total_value(h, o, e, values, trial)
        if total <= best_total + 1e-9:
            break
        assigned, best_total = trial, total
    return assigned


def pack_collectives_exactly(
    h: Households,
    o: Offers,
    e: Edges,
    values: np.ndarray,
    assigned: np.ndarray,
    time_limit: float = 10.0,
) -> np.ndarray:
    """With the single-slot offers' households fixed, fill the collective centres by a MILP
    over their candidate edges only (HiGHS): the multiple-knapsack core of the problem, small
    enough to solve exactly. Keeps `assigned` when the solver finds nothing better in time."""
    collective = o.max_households > 1
    in_single = (assigned >= 0) & ~collective[np.maximum(assigned, 0)]
    sel = np.flatnonzero(collective[e.offer] & ~in_single[e.household])
    if sel.size == 0:
        return assigned
    sub = Edges(e.household[sel], e.offer[sel], e.km[sel], e.nearby)
    packed, _total, _proven = exact_milp(h, o, sub, values[sel], time_limit=time_limit)
    trial = assigned.copy()
    trial[~in_single] = packed[~in_single]
    if total_value(h, o, e, values, trial) > total_value(h, o, e, values, assigned) + 1e-9:
        return trial
    return assigned
