"""The matching engine: arrays in, assignments with values and reasons out. No Django here.

from prytulak.matching.engine import Households, Offers, Policy, solve
result = solve(households, offers, Policy(), method="optimise")
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .candidates import Edges, candidate_edges, merge_edges
from .certificate import (
    LP_EDGES,
    _best_per_household,
    assignment_prices,
    capacity,
    certify,
    dual_prices,
    lp_prices,
    price_of_edges,
)
from .data import OPEN_END, UNMATCHED_REASONS, EngineInputError, Households, Offers, Policy, Result
from .leftovers import fill_free, reasons
from .lp import WarmLP
from .pricing import best_reduced_split, twins
from .scoring import components, edge_values
from .solver import assigned_edges, exact_milp, greedy, optimise, repair_and_fill, total_value

__all__ = [
    "OPEN_END",
    "UNMATCHED_REASONS",
    "EngineInputError",
    "Households",
    "Offers",
    "Policy",
    "Result",
    "explain",
    "solve",
    "violations",
]

ALL_PAIRS = 400_000  # households × offers up to which every pair within reach is an edge
MILP_EDGES = 60_000  # edges up to which a gap above target is closed by the exact MILP
# Candidate edges up to which the LP (HiGHS) is re-solved with column generation: 1.5 s for
# 133k edges at 10k concentrated, 93 s for 1.3M at 100k (measured, shared machine).
CG_EDGES = 400_000
# ... or when its households are of at most this many kinds (alike in every field a value
# depends on): the LP has a row per kind (the 100k demo: 39,214 households, 13,684 kinds).
CG_KINDS = 20_000
# Pricing measures distances in float32: its values differ from the edges' by up to 6e-8
# relative (measured in tests), so the bound is raised by this much to stay valid.
BOUND_NOISE = 1e-6
CG_ROUNDS = 12  # LP rounds at most
CG_SECONDS = 90.0  # no new round starts after this long
SUPPORT_MILP_S = 10.0  # time limit of the MILP over the LP's support
SUPPORT_EDGES = 300_000  # ... taken only up to this many pairs
REOPTIMISE_EDGES = 600_000  # the fast optimiser runs again over the grown edges up to here
KIND_START_EDGES = 300_000  # more candidate edges: the LP starts from each kind's nearest
# Weight of the best-bound prices in the smoothed prices, for runs starting from each kind's
# nearest offers (at 10k, where the LP starts from the optimiser's edges, smoothing slowed the
# concentrated run from 0.98 % to 1.14 %: measured once each).
SMOOTH = 0.5
KIND_COLUMNS = 2  # ... when the LP starts from each kind's nearest offers (the 100k demo in
# 98-110 s: 1 column 4.5 %, 2 columns 4.0 %, 4 columns 8.4 % gap; measured once each)
CG_COLUMNS = 4  # offers added per household and set (free, priced) per round
METHODS: dict[str, Callable[[Households, Offers, Edges, np.ndarray], np.ndarray]] = {
    "optimise": optimise,
    "greedy": greedy,
}


def solve(
    h: Households,
    o: Offers,
    policy: Policy | None = None,
    method: str = "optimise",
    edges: Edges | None = None,
) -> Result:
    """Assign households to offers. Deterministic: the same input gives the same output.

    "optimise" certifies itself: `stats["bound"]` is an upper bound on the best total over
    every feasible pair within reach and `stats["gap"]` how far the total is below it."""
    policy = policy or Policy()
    if method not in METHODS and method != "exact":
        raise EngineInputError(f"unknown method {method!r}; choose optimise, greedy or exact")
    t0 = time.perf_counter()
    e = edges if edges is not None else candidate_edges(h, o, policy)
    t1 = time.perf_counter()
    stats: dict = {"method": method, "candidates_s": t1 - t0, "proven_optimal": None}
    if method == "optimise":
        e, values, assigned = _optimise_certified(h, o, policy, e, stats, grow=edges is None)
    else:
        values = edge_values(h, o, e, policy)
        if method == "exact":
            assigned, _total, stats["proven_optimal"] = exact_milp(h, o, e, values)
        else:
            assigned = METHODS[method](h, o, e, values)
    stats["solve_s"] = time.perf_counter() - t1
    stats["edges"] = len(e)
    return _result(h, o, e, values, assigned, policy, stats)


def _optimise_certified(h, o, policy: Policy, e: Edges, stats: dict, grow: bool):
    """Small runs (up to ALL_PAIRS households × offers) look at every offer within reach: the
    LP over those edges is then itself a bound over all pairs, and its rounding (or the exact
    MILP) the assignment. Mid-size runs (up to CG_EDGES candidate edges, about 10k
    households): the LP with column generation (`_column_generation`). Larger runs: the fast
    optimiser once over candidates that cannot starve (crowds get pools), the free offers
    filled, prices read off the assignment, and the bound over every pair within reach
    computed from them. No LP over millions of pairs: a cold HiGHS solve over the 1.3M
    candidate edges at 100k took 93 s, and the column generation there more than 8 minutes
    (measured, shared machine)."""
    n = len(h)
    if grow and n * len(o) <= ALL_PAIRS:
        return _small(h, o, policy, stats)
    if grow:
        kind = twins(h, np.arange(n))  # the LP's rows, the pricing's shared values
        if len(e) <= CG_EDGES or int(kind.max(initial=-1)) + 1 <= CG_KINDS:
            return _column_generation(h, o, policy, e, stats, kind)
    t = time.perf_counter()
    e, values, assigned, total = _solve_and_fill(h, o, policy, e)
    stats["optimise_s"] = time.perf_counter() - t
    t = time.perf_counter()
    bound, rounds, priced = _bound(h, o, policy, e, values, assigned, total)
    stats["certify_s"] = time.perf_counter() - t
    stats["rounds"] = rounds
    if grow and bound - total > policy.target_gap * bound and len(priced) > len(e):
        # Column generation, once: the pairs the bound found worth more than their price
        # join the candidates and the fast optimiser runs again; the bound stays valid.
        t = time.perf_counter()
        e2, values2, assigned2, total2 = _solve_and_fill(h, o, policy, priced)
        if total2 > total:
            e, values, assigned, total = e2, values2, assigned2, total2
            again, _rounds, _priced = _bound(h, o, policy, e, values, assigned, total, rounds=1)
            bound = min(bound, again)
        stats["resolve_s"] = time.perf_counter() - t
    _certificate(stats, n, len(o), total, bound)
    return e, values, assigned


def _solve_and_fill(h, o, policy: Policy, e: Edges):
    """The fast optimiser over the edges, then every unplaced household into the nearest free
    offer within reach that passes every rule, if there is one."""
    values = edge_values(h, o, e, policy)
    assigned = optimise(h, o, e, values)
    assigned, extra = fill_free(h, o, policy, assigned)
    if len(extra):
        e = merge_edges(h, o, policy, e, extra.household, extra.offer)
        values = edge_values(h, o, e, policy)
    return e, values, assigned, total_value(h, o, e, values, assigned)


PRICE_ROUNDS = 2  # rounds of pricing; each adds the pairs the bound found to the priced graph
PRICE_STEPS = 40  # subgradient steps per round


def _bound(
    h, o, policy: Policy, e: Edges, values, assigned, total: float, rounds: int = PRICE_ROUNDS
) -> tuple[float, int, Edges]:
    """The certificate: prices read off the assignment, then refined by subgradient steps
    over the candidate edges plus, each round, every household's best pair over all pairs
    within reach at the current prices (what the bound found); the lowest bound is kept.
    Every price vector gives a valid bound, so refining can only tighten it. Returns the
    bound, the rounds used and the priced edges (the candidates and the pairs found)."""
    price = assignment_prices(h, o, e, values, assigned)
    bound, _slack, column = certify(h, o, e, values, price, policy)
    used = 1
    pe, pv = e, values
    for used in range(2, rounds + 2):  # noqa: B007 - reported
        add = np.flatnonzero(column >= 0)
        pe = merge_edges(h, o, policy, pe, add, column[add])
        pv = edge_values(h, o, pe, policy)
        price = dual_prices(h, o, pe, pv, total, PRICE_STEPS, start=price)
        trial, _slack, column = certify(h, o, e, values, price, policy)
        bound = min(bound, trial)
        if bound - total <= policy.target_gap * bound:
            break
    add = np.flatnonzero(column >= 0)
    return bound, used, merge_edges(h, o, policy, pe, add, column[add])


def _column_generation(h, o, policy: Policy, e: Edges, stats: dict, kind: np.ndarray):
    """Mid-size runs: the LP over the candidate edges (plus the fast optimiser's own pairs)
    solved by HiGHS; its prices priced exactly over every feasible pair within reach
    (pricing.best_reduced_split), which gives both a valid bound (the Lagrangian at those
    prices) and the pairs worth more than the household's dual, which join the edges; then
    again, until the LP's value is within target of the best bound or the rounds or time run
    out. The assignment: the better of the LP rounded (repaired and filled) and the fast
    optimiser over the final edges, then every free offer that still fits filled."""
    t0 = time.perf_counter()
    columns = CG_COLUMNS if len(e) <= KIND_START_EDGES else KIND_COLUMNS
    smooth = 0.0 if len(e) <= KIND_START_EDGES else SMOOTH
    own_best = len(e) <= KIND_START_EDGES  # each household's own best column too (pricing)
    if len(e) <= KIND_START_EDGES:
        e, values, assigned, total = _solve_and_fill(h, o, policy, e)
    else:
        # Many edges (crowds at crossings): the fast optimiser alone took 60 s at the 100k
        # demo. The LP starts instead from each kind's nearest offers; the pricing rounds
        # bring the rest, and the LP rounded is the assignment.
        e = _kind_edges(h, o, policy, kind)
        values = edge_values(h, o, e, policy)
        assigned = np.full(len(h), -1, np.int64)
    stats["optimise_s"] = time.perf_counter() - t0
    bound, rounds, lp_s, pricing_s, solved = np.inf, 0, 0.0, 0.0, False
    lp = WarmLP(h, o, kind)
    lp.add(e, values)
    trace: list[tuple] = []  # per round: edges, LP value, best bound, LP s, pricing s
    stats["trace"] = trace
    best_price = None
    for rounds in range(1, CG_ROUNDS + 1):  # noqa: B007 - reported
        t = time.perf_counter()
        got = lp.solve()
        lp_s += time.perf_counter() - t
        solved = got is not None
        if got is None:
            break
        lp_price, lp_value = got
        # Smoothed prices (Wentges): between the LP's and the best-bound prices so far.
        # A crowd's LP prices jump between equally optimal extremes from round to round
        # (measured at the 100k demo: the bound stalled 2 % above the LP for ten rounds).
        price = lp_price
        if best_price is not None and smooth > 0:
            price = smooth * best_price + (1 - smooth) * lp_price
        t = time.perf_counter()
        best, cols, _capped = best_reduced_split(
            h, o, policy, price, columns=columns, own=own_best, kind=kind
        )
        pricing_s += time.perf_counter() - t
        trial = float(np.maximum(best, 0).sum() + price @ capacity(o)) * (1 + BOUND_NOISE)
        if trial < bound:
            bound, best_price = trial, price
        trace.append((len(e), round(lp_value, 1), round(bound, 1), round(lp_s, 1),
                      round(pricing_s, 1)))  # fmt: skip
        if bound - lp_value <= policy.target_gap * bound:
            break
        if time.perf_counter() - t0 > CG_SECONDS:
            break
        reduced = values - price_of_edges(h, o, e, price)
        seen = np.maximum(_best_per_household(len(h), e, reduced)[0], 0.0)
        better = np.flatnonzero(best > seen + 1e-9 * np.maximum(1.0, np.abs(best)))
        if better.size == 0 and price is not lp_price:
            best_price = None  # nothing new at the smoothed prices: the LP's own next round
            continue
        if better.size == 0:
            break
        chosen = cols[better]
        keep = chosen.ravel() >= 0
        hh, oo = np.repeat(better, chosen.shape[1])[keep], chosen.ravel()[keep]
        # only the pairs worth more than the household's dual at these prices
        new = merge_edges(h, o, policy, _no_edges(e), hh, oo)
        new_values = edge_values(h, o, new, policy)
        worth = new_values - price_of_edges(h, o, new, price) > seen[new.household] + 1e-9
        e = merge_edges(h, o, policy, e, new.household[worth], new.offer[worth])
        values = edge_values(h, o, e, policy)
        lp.add(e, values)
        solved = False  # the LP's solution is over the old edges
    stats["lp_s"], stats["pricing_s"], stats["rounds"] = lp_s, pricing_s, rounds
    t = time.perf_counter()
    # the fast optimiser again over the grown edges, while that is quick (9 s at 1.3M edges
    # on 100k, 58 s at 1M edges on the 100k demo with the machine shared: measured)
    candidates = [optimise(h, o, e, values)] if len(e) <= REOPTIMISE_EDGES else []
    candidates.append(assigned)
    parts = stats["primal_parts"] = {"reoptimise": time.perf_counter() - t}
    if not solved:
        solved = lp.solve() is not None
    if not solved and not (assigned >= 0).any():  # no LP and no assignment yet
        e, values, assigned, _total = _solve_and_fill(h, o, policy, candidate_edges(h, o, policy))
        candidates.append(assigned)
    parts["lp"] = time.perf_counter() - t
    if solved:
        rounded = lp.rounded()  # households of a kind share its columns: pairs may be new
        hh = np.flatnonzero(rounded >= 0)
        e = merge_edges(h, o, policy, e, hh, rounded[hh])
        values = edge_values(h, o, e, policy)
        candidates.append(
            repair_and_fill(h, o, e, values, rounded, exact=len(e) <= REOPTIMISE_EDGES)
        )
    totals = [total_value(h, o, e, values, a) for a in candidates]
    assigned = candidates[int(np.argmax(totals))]
    parts["rounded"] = time.perf_counter() - t
    if solved:
        # The exact MILP over the LP's support and the best assignment's own pairs: small
        # (16k pairs at 10k, proven optimal in about 1 s), so it can only help.
        _placed, own = assigned_edges(e, assigned, len(o))
        keep = np.zeros(len(e), bool)
        keep[own] = True
        keep |= lp.solution(e) > 1e-6
        sel = np.flatnonzero(keep)
        # households of one kind each see all of the kind's support: capped in size
        if sel.size <= SUPPORT_EDGES:
            sub = Edges(e.household[sel], e.offer[sel], e.km[sel], e.nearby)
            exact, exact_total, _proven = exact_milp(
                h, o, sub, values[sel], time_limit=SUPPORT_MILP_S
            )
            if exact_total > max(totals) + 1e-9:
                assigned = exact
    parts["support_milp"] = time.perf_counter() - t
    best_total = total_value(h, o, e, values, assigned)
    if len(e) <= MILP_EDGES and best_total < (1 - policy.target_gap) * bound:
        # few edges: the exact MILP over all of them, as for small runs
        exact, exact_total, _proven = exact_milp(h, o, e, values, time_limit=10)
        if exact_total > best_total + 1e-9:
            assigned = exact
    parts["milp"] = time.perf_counter() - t
    assigned, extra = fill_free(h, o, policy, assigned)
    if len(extra):
        e = merge_edges(h, o, policy, e, extra.household, extra.offer)
        values = edge_values(h, o, e, policy)
    total = total_value(h, o, e, values, assigned)
    stats["primal_s"] = time.perf_counter() - t
    _certificate(stats, len(h), len(o), total, bound)
    return e, values, assigned


def _kind_edges(h, o, policy: Policy, kind: np.ndarray) -> Edges:
    """For one household of each kind, its nearest feasible offers: enough to share out
    among the kind's households (4 each, 24 to 512)."""
    _kinds, first = np.unique(kind, return_index=True)
    count = np.bincount(kind)
    k = np.zeros(len(h), np.int64)
    k[first] = np.clip(4 * count[kind[first]], 24, 512)
    return candidate_edges(h, o, policy, k, pools=False)


def _no_edges(e: Edges) -> Edges:
    empty = np.zeros(0, np.int32)
    return Edges(empty, empty, np.zeros(0, np.float32), e.nearby, e.radius, e.crowd)


def _small(h, o, policy: Policy, stats: dict):
    n = len(h)
    e = candidate_edges(h, o, policy, np.full(n, max(len(o), 1), np.int64), pools=False)
    values = edge_values(h, o, e, policy)
    bound = np.inf
    lp = lp_prices(h, o, e, values) if len(e) <= LP_EDGES else None
    assigned = optimise(h, o, e, values)
    total = total_value(h, o, e, values, assigned)
    if lp is not None:
        _price, x, bound = lp
        # Rounding the LP (nearly integral here): its whole pairs kept, the rest repaired
        # and filled; kept when it beats the optimiser.
        rounded = np.full(n, -1, np.int64)
        whole = np.flatnonzero(x > 1 - 1e-6)
        rounded[e.household[whole]] = e.offer[whole]
        rounded = repair_and_fill(h, o, e, values, rounded)
        if total_value(h, o, e, values, rounded) > total:
            assigned, total = rounded, total_value(h, o, e, values, rounded)
    else:
        price = assignment_prices(h, o, e, values, assigned)
        bound = certify(h, o, e, values, price, policy)[0]
    if len(e) <= MILP_EDGES and total < (1 - policy.target_gap) * bound:
        exact, _total, _proven = exact_milp(h, o, e, values, time_limit=10)
        if total_value(h, o, e, values, exact) > total:
            assigned, total = exact, total_value(h, o, e, values, exact)
    stats["rounds"] = 1
    _certificate(stats, n, len(o), total, bound)
    return e, values, assigned


def _certificate(stats: dict, n: int, m: int, total: float, bound: float) -> None:
    bound = max(bound, total)  # rounding noise must not report a bound below what was found
    stats["bound"] = float(bound) if n and m else total
    stats["gap"] = float(1 - total / bound) if n and m and bound > 0 else 0.0


def _result(h, o, e: Edges, values, assigned, policy, stats) -> Result:
    n = len(h)
    value = np.zeros(n)
    km = np.full(n, np.nan)
    matched, pos = assigned_edges(e, assigned, len(o))
    value[matched] = values[pos]
    km[matched] = e.km[pos]
    reason = reasons(h, o, policy, assigned)
    stats = {**stats, "matched": int(matched.size), "people_placed": int(h.size[matched].sum()),
             "total_value": float(value.sum()),
             "mean_km": float(np.nanmean(km)) if matched.size else float("nan")}  # fmt: skip
    return Result(
        offer=assigned.astype(np.int64), value=value, distance_km=km, reason=reason, stats=stats
    )


def violations(
    h: Households, o: Offers, assigned: np.ndarray, policy: Policy | None = None
) -> list[str]:
    """Every broken hard rule or capacity in an assignment (empty when it is valid)."""
    from .candidates import feasible

    policy = policy or Policy()
    problems = []
    hi = np.flatnonzero(assigned >= 0)
    oi = assigned[hi]
    bad = hi[~feasible(h, o, hi, oi, policy)]
    problems += [f"household {i} breaks a hard rule at offer {assigned[i]}" for i in bad]
    beds = np.bincount(oi, weights=h.size[hi], minlength=len(o))
    slots = np.bincount(oi, minlength=len(o))
    problems += [f"offer {j} over its beds" for j in np.flatnonzero(beds > o.beds)]
    problems += [
        f"offer {j} over its household slots" for j in np.flatnonzero(slots > o.max_households)
    ]
    return problems


def explain(h: Households, o: Offers, result: Result, i: int, policy: Policy | None = None) -> dict:
    """Why household i went where it did, as data the caller turns into words."""
    policy = policy or Policy()
    j = int(result.offer[i])
    if j < 0:
        return {"matched": False, "reason": UNMATCHED_REASONS[result.reason[i]]}
    e = Edges(np.array([i], np.int32), np.array([j], np.int32),
              np.array([result.distance_km[i]], np.float32), np.ones(len(h), bool))  # fmt: skip
    c = components(h, o, e, policy)
    return {
        "matched": True,
        "offer": j,
        "km": float(result.distance_km[i]),
        "shared_languages": int(h.languages[i] & o.languages[j]),
        "pets_ok": bool(h.pets[i] == 0 or o.pets[j]),
        "children_ok": bool(not h.children[i] or o.children[j]),
        "step_free": bool(o.step_free[j]),
        "covers_share": float(c["duration"][0]),
        "offer_start": int(o.start[j]),
        "offer_end": None if o.end[j] == OPEN_END else int(o.end[j]),
        "verification": int(o.verification[j]),
        "value": float(result.value[i]),
    }
