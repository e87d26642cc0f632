"""One pool run end to end through the real worker, on the database DATABASE_URL names.

Seed first (`manage.py seed_demo --households N --offers N` on a fresh database), then
`python bench/matching_e2e.py`: starts a pool run as byhelp-coordinator, runs `db_worker
--batch` until the queue is empty and prints queued → done, the job's own time (from the
task row) and the run's summary. Other tasks already queued (the seed's e-mails) run first,
as they would in production; the job's own time is printed apart.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    import django

    sys.path.insert(0, ".")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prytulak.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from prytulak.matching import runs
    from prytulak.orgs.scopes import actor_for

    actor = actor_for(get_user_model().objects.get(username="byhelp-coordinator"))
    assert actor is not None, "seed the demo first"
    t0 = time.perf_counter()
    run = runs.run_start(actor=actor, scope="pool")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    run.refresh_from_db()
    task = DBTaskResult.objects.filter(task_path__endswith="execute_run").latest("enqueued_at")
    job = (task.finished_at - task.started_at).total_seconds() if task.finished_at else None
    done = (run.finished_at - run.created_at).total_seconds() if run.finished_at else None
    print(f"status {run.status}, queued → done {done} s, the job itself {job} s, "
          f"wall {time.perf_counter() - t0:.1f} s {run.error}")  # fmt: skip
    print(json.dumps(run.summary))


if __name__ == "__main__":
    main()
