"""Prototype towards a 1 % certificate (issue #15): the current engine against an auction
with column generation, both certified by exact pricing over every pair within reach.

    python bench/matching_auction.py [households] [scenario] [rounds]

Prints, per column-generation round: edges, total, the exact-pricing bound, the gap, and
the time of pricing and of the auction. With 2,000 households or fewer it also solves the LP
over every pair within reach (HiGHS) to show how far each side is from the true LP optimum.
Not used by `solve` yet: at 10k it is too slow on this machine (see docs/benchmarks.md).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from prytulak.matching.engine import Policy, solve, violations
from prytulak.matching.engine.auction import auction_priced_centres
from prytulak.matching.engine.candidates import candidate_edges, merge_edges
from prytulak.matching.engine.certificate import capacity, lp_prices
from prytulak.matching.engine.pricing import best_reduced
from prytulak.matching.engine.scoring import edge_values
from prytulak.matching.engine.solver import total_value
from prytulak.matching.synthetic import instance

SCENARIOS = {"ample": {}, "scarce": {"beds_scale": 0.3}, "concentrated": {"concentrated": True}}
COLUMNS = 4


def main(n: int, scenario: str, rounds: int) -> None:
    h, o = instance(n, n, seed=1, **SCENARIOS[scenario])  # type: ignore[arg-type]
    policy = Policy(max_km=800.0 if scenario == "concentrated" else 400.0)
    t = time.perf_counter()
    current = solve(h, o, policy)
    print(f"{n} {scenario}: current engine total {current.total:.1f}, its own bound "
          f"{current.stats['bound']:.1f} (gap {current.stats['gap']:.4f}), {time.perf_counter() - t:.1f} s")  # fmt: skip
    if n <= 2000:
        every = candidate_edges(h, o, policy, np.full(n, len(o), np.int64), pools=False)
        lp = lp_prices(h, o, every, edge_values(h, o, every, policy))
        print(
            f"LP over every pair within reach: {lp[2]:.1f} ({len(every)} pairs)"
            if lp
            else "LP failed"
        )
    start = time.perf_counter()
    e = candidate_edges(h, o, policy)
    values = edge_values(h, o, e, policy)
    for r in range(rounds):
        t = time.perf_counter()
        state = auction_priced_centres(h, o, e, values)
        t_auction = time.perf_counter() - t
        t = time.perf_counter()
        best, cols, capped = best_reduced(h, o, policy, state.price, columns=COLUMNS)
        t_pricing = time.perf_counter() - t
        bound = float(np.maximum(best, 0).sum() + state.price @ capacity(o))
        total = total_value(h, o, e, values, state.assigned)
        held = state.held_value(np.arange(n))
        better = np.flatnonzero((cols[:, 0] >= 0) & (best > held + state.eps))
        print(f"round {r}: edges {len(e)}, total {total:.1f}, bound {bound:.1f}, gap {1 - total / bound:.4f}, "
              f"auction {t_auction:.1f} s, pricing {t_pricing:.1f} s, capped {capped}, "
              f"households with a better pair outside {better.size}", flush=True)  # fmt: skip
        if better.size == 0 or 1 - total / bound <= policy.target_gap:
            break
        chosen = cols[better]
        keep = chosen.ravel() >= 0
        e = merge_edges(h, o, policy, e, np.repeat(better, COLUMNS)[keep], chosen.ravel()[keep])
        values = edge_values(h, o, e, policy)
    print(
        f"violations {len(violations(h, o, state.assigned, policy))}, "
        f"{time.perf_counter() - start:.1f} s in all"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1500,
        sys.argv[2] if len(sys.argv) > 2 else "concentrated",
        int(sys.argv[3]) if len(sys.argv) > 3 else 6,
    )
