"""Benchmark of the matching engine: `make bench-matching`.

For each size (households × as many offers) and scenario it prints wall time, peak memory
(the process and its children: the region workers are forked), households matched, people
placed, total value, and for the optimiser its certificate: an upper bound on the best total
over every feasible pair within reach, and the gap to it. One fresh process per measurement,
one run per row (the machine is shared; say so when quoting).

Scenarios: *ample* (about 1.5 beds per person), *scarce* (about 0.55), *concentrated* (ample
beds, 80 % of households arriving at the five busiest crossings, half of them with no
preferred place; reach 800 km as on the run form).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

SIZES = [10_000, 100_000, 1_000_000]
SCENARIOS = {
    "ample": {"beds_scale": 1.0},
    "scarce": {"beds_scale": 0.3},
    "concentrated": {"beds_scale": 1.0, "concentrated": True},
}
REACH_KM = {"concentrated": 800.0}


def one(n: int, scenario: str, method: str, seed: int) -> dict:
    """Run in a child process: build the instance, solve, report."""
    import resource

    from prytulak.matching.engine import Policy, solve, violations
    from prytulak.matching.synthetic import instance

    h, o = instance(n, n, seed=seed, **SCENARIOS[scenario])  # type: ignore[arg-type]
    policy = Policy(max_km=REACH_KM.get(scenario, Policy.max_km))
    t = time.perf_counter()
    r = solve(h, o, policy, method=method)
    wall = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "wall_s": wall,
        "candidates_s": r.stats["candidates_s"],
        # the largest child and this process can be at their peaks together: add them
        "peak_mb": own + children,
        "matched": r.matched,
        "unmatched": len(h) - r.matched,
        "people": int(h.size.sum()),
        "beds": int(o.beds.sum()),
        "placed": r.stats["people_placed"],
        "total": r.total,
        "bound": r.stats.get("bound"),
        "gap": r.stats.get("gap"),
        "edges": r.stats["edges"],
        "violations": len(violations(h, o, r.offer, policy)),
    }


def run(n: int, scenario: str, method: str, seed: int) -> dict:
    code = f"import json,sys; sys.path.insert(0,'.'); from bench.matching import one; print(json.dumps(one({n},{scenario!r},{method!r},{seed})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    args = sys.argv[1:]
    scenarios = [a for a in args if a in SCENARIOS] or list(SCENARIOS)
    sizes = [int(a) for a in args if a.isdigit()] or SIZES
    print(f"{'size':>9} {'scenario':12} {'method':8} {'wall s':>8} {'cand s':>7} {'peak MB':>8} "
          f"{'matched':>9} {'unmatched':>9} {'placed':>9} {'total':>12} {'vs greedy':>9} {'bound':>12} {'gap':>7} viol")  # fmt: skip
    for n in sizes:
        for scenario in scenarios:
            results = {m: run(n, scenario, m, seed=7) for m in ("greedy", "optimise")}
            for method, r in results.items():
                vs = (
                    r["total"] / results["greedy"]["total"] - 1 if results["greedy"]["total"] else 0
                )
                bound = f"{r['bound']:12.1f}" if method == "optimise" else f"{'':12}"
                gap = f"{100 * r['gap']:6.2f}%" if method == "optimise" else f"{'':7}"
                print(
                    f"{n:>9} {scenario:12} {method:8} {r['wall_s']:8.2f} {r['candidates_s']:7.2f} {r['peak_mb']:8.0f} "
                    f"{r['matched']:>9} {r['unmatched']:>9} {r['placed']:>9} {r['total']:12.1f} {100 * vs:8.1f}% {bound} {gap} {r['violations']}",
                    flush=True,
                )
            print(
                f"{'':>9} {scenario}: people {results['greedy']['people']}, beds {results['greedy']['beds']}, "
                f"optimiser's edges {results['optimise']['edges']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
