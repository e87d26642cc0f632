"""A pool matching run as a coordinator gets it: through the job queue and a real worker
process, against the database in DATABASE_URL (seed it first, e.g.
`manage.py seed_demo --households 100000 --offers 100000` on PostgreSQL).

Prints queued → done seconds, the worker's peak memory, what the run proposed and why the
rest stayed unplaced, and an independent check: how many unplaced households had an offer
with room left, within the run's reach, that passes every hard and safeguarding rule.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/demo100k python bench/pool_run.py [org-slug]

`--run-only` stops the worker (gracefully) once the run is done, leaving the other jobs in the
queue (the hosts' messages, and whatever the seed queued) for later: queued → done is the same,
the wall time then is not the time to drain the queue.

The run's proposals are deleted afterwards (the households go back to waiting), so the
same database can be measured again.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prytulak.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

from prytulak.housing.models import Placement  # noqa: E402
from prytulak.matching import runs  # noqa: E402
from prytulak.matching.engine import Policy  # noqa: E402
from prytulak.matching.engine.candidates import feasible, km_to_chord, unit_vectors  # noqa: E402
from prytulak.matching.models import MatchingRun, RunStatus  # noqa: E402
from prytulak.orgs.scopes import actor_for  # noqa: E402
from prytulak.people.models import Household, HouseholdStatus  # noqa: E402


def _load(run: MatchingRun):
    """What the run matched, loaded again from the database as it stood before the run: the
    households it considered and the offers with room (runs' own loaders and converters)."""
    today = timezone.localdate()
    if hasattr(runs, "_household_rows"):  # rows as columns
        households, offers = runs._household_rows(run), runs._offer_rows(run)
        h = runs.households_to_arrays(households, today)
        o = runs.offers_to_arrays(offers)
        return h, o, [r["pk"] for r in households], [r["pk"] for r in offers]
    households = list(runs._households(run))
    offer_rows = [x for x in runs._offers(run) if all(runs.room(x))]
    h = runs.households_to_arrays(households, today)
    o = runs.offers_to_arrays(offer_rows)
    return h, o, [x.pk for x in households], [x.pk for x in offer_rows]


def free_feasible_left(run: MatchingRun, max_km: float) -> tuple[int, int, int]:
    """(unplaced, unplaced with a free feasible offer within reach, offers with room left),
    measured on the state before the run's proposals, counting the proposals' beds."""
    proposed = dict(Placement.objects.filter(run=run).values_list("household_id", "offer_id"))
    # Load as the run did, with the run's own proposals not yet holding beds.
    with transaction.atomic():
        Placement.objects.filter(run=run).update(status="declined")
        Household.objects.filter(pk__in=list(proposed)).update(status=HouseholdStatus.WAITING)
        h, o, h_ids, o_ids = _load(run)
        transaction.set_rollback(True)
    offer_index = {offer_id: j for j, offer_id in enumerate(o_ids)}
    beds_left = o.beds.astype(np.int64).copy()
    slots_left = o.max_households.astype(np.int64).copy()
    for i, household_id in enumerate(h_ids):
        j = offer_index.get(proposed.get(household_id, -1))
        if j is not None:
            beds_left[j] -= h.size[i]
            slots_left[j] -= 1
    room = np.flatnonzero((beds_left > 0) & (slots_left > 0))
    unplaced = np.array([i for i, hid in enumerate(h_ids) if hid not in proposed], int)
    if len(unplaced) == 0 or len(room) == 0:
        return len(unplaced), 0, len(room)
    # Households alike in every rule and place answer alike: check one of each kind.
    vulnerable = h.children | h.single_woman
    keys = np.stack(
        [
            np.round(h.lat, 3) * 1000,
            np.round(h.lon, 3) * 1000,
            h.size,
            h.pets > 0,
            h.children,
            h.step_free,
            vulnerable,
            h.start,
            h.nights,
        ],
        axis=1,
    )[unplaced]
    kinds, first, count = np.unique(keys, axis=0, return_index=True, return_counts=True)
    tree = cKDTree(unit_vectors(o.lat[room], o.lon[room]))
    policy = Policy(max_km=max_km)
    stranded = 0
    for g in range(len(kinds)):
        i = unplaced[first[g]]
        near = tree.query_ball_point(
            unit_vectors(h.lat[i : i + 1], h.lon[i : i + 1])[0], km_to_chord(max_km)
        )
        if not near:
            continue
        oi = room[np.asarray(near)]
        oi = oi[h.size[i] <= beds_left[oi]]
        if len(oi) and feasible(h, o, np.full(len(oi), i), oi, policy).any():
            stranded += int(count[g])
    return len(unplaced), stranded, len(room)


def _report_check(run: MatchingRun) -> None:
    max_km = float(getattr(run, "max_km", None) or run.summary.get("max_km") or 800)
    unplaced, stranded, room = free_feasible_left(run, max_km)
    print(
        f"check: {unplaced} unplaced, {stranded} of them with a free feasible offer "
        f"within {max_km:.0f} km; {room} offers still have room"
    )


def _undo(run: MatchingRun) -> None:
    """Leave the database as it was for the next measurement."""
    with transaction.atomic():
        ids = list(Placement.objects.filter(run=run).values_list("household_id", flat=True))
        Placement.objects.filter(run=run).delete()
        Household.objects.filter(pk__in=ids).update(status=HouseholdStatus.WAITING)


def main() -> None:
    if sys.argv[1:2] == ["--check"]:  # check (then undo) a run measured earlier
        run = MatchingRun.objects.get(pk=int(sys.argv[2]))
        _report_check(run)
        _undo(run)
        return
    run_only = "--run-only" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--run-only"]
    slug = args[0] if args else "byhelp"
    actor = actor_for(User.objects.get(username=f"{slug}-coordinator"))
    waiting = Household.objects.filter(status=HouseholdStatus.WAITING).count()
    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite')}; waiting households: {waiting}")
    with transaction.atomic():
        run = runs.run_start(actor=actor, scope="pool")
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
    )
    while run_only and worker.poll() is None:
        time.sleep(0.5)
        if MatchingRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists():
            worker.send_signal(signal.SIGTERM)  # finishes the job it is on, then stops
            break  # a second signal would end that job midway
    worker.wait()
    run.refresh_from_db()
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queued_to_done = (run.finished_at - run.created_at).total_seconds() if run.finished_at else None
    s = run.summary
    print(f"run #{run.pk}: {run.status}; queued → done {queued_to_done} s (wall {wall:.1f} s)")
    print(f"worker peak RSS {peak_mb:.0f} MB")
    print(
        f"households {s.get('households')}, offers with room {s.get('offers')}, "
        f"proposed {s.get('matched')}, unplaced {s.get('unmatched')}, "
        f"value {s.get('total_value')}, bound {s.get('bound')}, gap {s.get('gap')}"
    )
    print(f"reasons: {s.get('reasons')}; greedy: {s.get('greedy')}")
    print(f"phases (s): {s.get('timings')}")
    if run.status == RunStatus.DONE:
        _report_check(run)
    _undo(run)


if __name__ == "__main__":
    main()
