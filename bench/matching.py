"""Benchmark of the matching engine: `make bench-matching`.

For each size (households × as many offers) and supply scenario it prints wall time, peak
memory, households matched, people placed and total value for the optimiser and the greedy
baseline, and at ≤ 2k the gap to the exact optimum (HiGHS MILP over the same candidate edges).
Every measurement runs in a fresh process so peak memory (max RSS) is its own.
Times are medians of REPEATS runs for sizes up to 100k; 1M runs once.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

SIZES = [1_000, 2_000, 10_000, 100_000, 1_000_000]
SCENARIOS = {"ample": 1.0, "scarce": 0.3}  # beds_scale; ample ≈ 1.5 beds per person
REPEATS = 3


def one(n: int, scenario: str, method: str, seed: int) -> dict:
    """Run in a child process: build the instance, solve, report."""
    import resource

    from prytulak.matching.engine import Policy, solve, violations
    from prytulak.matching.synthetic import instance

    h, o = instance(n, n, seed=seed, beds_scale=SCENARIOS[scenario])
    t = time.perf_counter()
    r = solve(h, o, Policy(), method=method)
    wall = time.perf_counter() - t
    return {
        "wall_s": wall,
        "candidates_s": r.stats["candidates_s"],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "matched": r.matched,
        "unmatched": len(h) - r.matched,
        "people": int(h.size.sum()),
        "beds": int(o.beds.sum()),
        "placed": r.stats["people_placed"],
        "total": r.total,
        "edges": r.stats["edges"],
        "violations": len(violations(h, o, r.offer)),
        "proven": r.stats["proven_optimal"],
    }


def run(n: int, scenario: str, method: str, seed: int) -> dict:
    code = f"import json,sys; sys.path.insert(0,'.'); from bench.matching import one; print(json.dumps(one({n},{scenario!r},{method!r},{seed})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or SIZES
    print(f"{'size':>9} {'scenario':8} {'method':8} {'wall s':>8} {'cand s':>7} {'peak MB':>8} "
          f"{'matched':>9} {'unmatched':>9} {'placed':>9} {'total':>12} {'vs greedy':>9} {'gap':>7} viol")  # fmt: skip
    for n in sizes:
        for scenario in SCENARIOS:
            repeats = REPEATS if n <= 100_000 else 1
            results = {}
            methods = ["greedy", "optimise"] + (["exact"] if n <= 2_000 else [])
            for method in methods:
                runs = [
                    run(n, scenario, method, seed=7)
                    for _ in range(1 if method == "exact" else repeats)
                ]
                r = dict(runs[0])
                r["wall_s"] = statistics.median(x["wall_s"] for x in runs)
                r["candidates_s"] = statistics.median(x["candidates_s"] for x in runs)
                r["peak_mb"] = statistics.median(x["peak_mb"] for x in runs)
                results[method] = r
            for method, r in results.items():
                vs = (
                    r["total"] / results["greedy"]["total"] - 1 if results["greedy"]["total"] else 0
                )
                gap = ""
                if "exact" in results and method != "exact":
                    gap = f"{100 * (1 - r['total'] / results['exact']['total']):.2f}%"
                print(
                    f"{n:>9} {scenario:8} {method:8} {r['wall_s']:8.2f} {r['candidates_s']:7.2f} {r['peak_mb']:8.0f} "
                    f"{r['matched']:>9} {r['unmatched']:>9} {r['placed']:>9} {r['total']:12.1f} {100 * vs:8.1f}% {gap:>7} {r['violations']}"
                    + (" (optimal proven)" if r["proven"] else ""),
                    flush=True,
                )
            print(
                f"{'':>9} {scenario}: people {results['greedy']['people']}, beds {results['greedy']['beds']}, candidate edges {results['greedy']['edges']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
