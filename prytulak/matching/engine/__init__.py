"""The matching engine: arrays in, assignments with values and reasons out. No Django here.

from prytulak.matching.engine import Households, Offers, Policy, solve
result = solve(households, offers, Policy(), method="optimise")
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .candidates import Edges, candidate_edges, merge_edges
from .certificate import LP_EDGES, certify, dual_prices, lp_prices
from .data import OPEN_END, UNMATCHED_REASONS, EngineInputError, Households, Offers, Policy, Result
from .leftovers import fill_free, reasons
from .scoring import components, edge_values, urgency
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
    """Column generation: solve over the candidate edges, price the offers, bound the optimum
    over all pairs within reach; where the bound says unseen pairs may do better, widen those
    households' candidates (or add the pair the bound found) and solve again."""
    n = len(h)
    k = np.full(n, policy.candidates, np.int64)
    # Small runs look at every offer within reach: the LP over those edges is then itself
    # a bound over all pairs, and the exact MILP can finish the job.
    complete = grow and n * len(o) <= ALL_PAIRS
    if complete:
        k[:] = max(len(o), 1)
        e = candidate_edges(h, o, policy, k)
    price: np.ndarray | None = None
    best_bound = np.inf
    for rounds in range(1, policy.max_rounds + 1):
        values = edge_values(h, o, e, policy)
        lp = lp_prices(h, o, e, values) if len(e) <= LP_EDGES else None
        if lp is not None:
            price, x, relaxed = lp
            if complete:
                best_bound = min(best_bound, relaxed)
            # Rounding the LP (nearly integral here): its whole pairs kept, the rest repaired
            # and filled. The slower optimiser runs once, on the first round's edges.
            assigned = np.full(n, -1, np.int64)
            whole = np.flatnonzero(x > 1 - 1e-6)
            assigned[e.household[whole]] = e.offer[whole]
            assigned = repair_and_fill(h, o, e, values, assigned)
            total = total_value(h, o, e, values, assigned)
            if rounds == 1:
                heuristic = optimise(h, o, e, values)
                if total_value(h, o, e, values, heuristic) > total:
                    assigned, total = heuristic, total_value(h, o, e, values, heuristic)
        else:
            assigned = optimise(h, o, e, values)
            total = total_value(h, o, e, values, assigned)
            iterations = 80 if len(e) <= 2 * LP_EDGES else 30
            price = dual_prices(h, o, e, values, total, iterations, start=price)
        bound, slack, column = certify(h, o, e, values, price, policy)
        best_bound = min(best_bound, bound)
        stats["rounds"] = rounds
        if not grow or best_bound - total <= policy.target_gap * best_bound:
            break
        if rounds == policy.max_rounds:
            break
        scale = h.size * urgency(h, policy)
        short = slack > policy.target_gap * scale
        if not short.any():
            break
        lonely = short & (e.crowd < 0) if e.crowd is not None else short
        k[lonely] = np.minimum(k[lonely] * 4, 64 * policy.candidates)
        wider = candidate_edges(h, o, policy, k) if lonely.any() else e
        add = np.flatnonzero(short & (column >= 0))
        # Keep every pair seen so far: the new candidates are a superset only of the nearest.
        hi = np.concatenate([e.household, add.astype(np.int32)])
        oi = np.concatenate([e.offer, column[add].astype(np.int32)])
        e = merge_edges(h, o, policy, wider, hi, oi)
    if complete and len(e) <= MILP_EDGES and total < (1 - policy.target_gap) * best_bound:
        exact, _total, _proven = exact_milp(h, o, e, values, time_limit=10)
        if total_value(h, o, e, values, exact) > total:
            assigned = exact
    assigned, extra = fill_free(h, o, policy, assigned)
    if len(extra):
        e = merge_edges(h, o, policy, e, extra.household, extra.offer)
        values = edge_values(h, o, e, policy)
    total = total_value(h, o, e, values, assigned)
    stats["bound"] = float(best_bound) if n and len(o) else total
    stats["gap"] = float(1 - total / best_bound) if n and len(o) and best_bound > 0 else 0.0
    return e, values, assigned


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
