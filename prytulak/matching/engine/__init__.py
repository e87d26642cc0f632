"""The matching engine: arrays in, assignments with values and reasons out. No Django here.

from prytulak.matching.engine import Households, Offers, Policy, solve
result = solve(households, offers, Policy(), method="optimise")
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .candidates import Edges, candidate_edges
from .data import OPEN_END, UNMATCHED_REASONS, EngineInputError, Households, Offers, Policy, Result
from .scoring import components, edge_values
from .solver import assigned_edges, exact_milp, greedy, optimise

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
    """Assign households to offers. Deterministic: the same input gives the same output."""
    policy = policy or Policy()
    if method not in METHODS and method != "exact":
        raise EngineInputError(f"unknown method {method!r}; choose optimise, greedy or exact")
    t0 = time.perf_counter()
    e = edges if edges is not None else candidate_edges(h, o, policy)
    t1 = time.perf_counter()
    values = edge_values(h, o, e, policy)
    if method == "exact":
        assigned, _total, proven = exact_milp(h, o, e, values)
    else:
        assigned, proven = METHODS[method](h, o, e, values), None
    t2 = time.perf_counter()
    return _result(h, o, e, values, assigned, policy, {
        "method": method, "edges": len(e), "candidates_s": t1 - t0, "solve_s": t2 - t1,
        "proven_optimal": proven,
    })  # fmt: skip


def _result(h, o, e: Edges, values, assigned, policy, stats) -> Result:
    n = len(h)
    value = np.zeros(n)
    km = np.full(n, np.nan)
    matched, pos = assigned_edges(e, assigned, len(o))
    value[matched] = values[pos]
    km[matched] = e.km[pos]
    reason = np.full(n, -1, dtype=np.int8)
    unmatched = assigned < 0
    has_edge = np.zeros(n, bool)
    has_edge[e.household] = True
    max_beds = int(o.beds.max()) if len(o) else 0
    codes = {r: i for i, r in enumerate(UNMATCHED_REASONS)}
    reason[unmatched & has_edge] = codes["capacity"]
    reason[unmatched & ~has_edge] = codes["no_offer_fits"]
    reason[unmatched & ~has_edge & ~e.nearby] = codes["no_offer_nearby"]
    reason[unmatched & (h.size > max_beds)] = codes["too_large"]
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
