"""`make load`: the production profile under a realistic mix of requests (bench/locustfile.py).

Starts a private profile (its own PostgreSQL, Redis, gunicorn, RQ workers and nginx on
loopback ports), seeds demo data, runs locust headless for LOAD_SECONDS, prints requests/s,
p50/p95/p99 and errors per request kind, then checks that every accepted intake (form and API)
is in the database, and stops the profile.

Settings (environment): LOAD_USERS (20), LOAD_SPAWN_RATE (5), LOAD_SECONDS (60),
LOAD_SEED_SIZE (2000 households and offers), LOAD_WEB_WORKERS (3). The profile runs with
REQUIRE_2FA=false (the staff users log in with a password only) and a public-form rate limit
high enough for one loopback address to stand for many visitors.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prodprofile import PYTHON, ROOT, Profile  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "20"))
SPAWN = os.environ.get("LOAD_SPAWN_RATE", "5")
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
SEED = os.environ.get("LOAD_SEED_SIZE", "2000")

SETUP = """
from django.contrib.auth.models import User
from prytulak.api.services import token_create
from prytulak.orgs.scopes import actor_for
user = User.objects.get(username="byhelp-coordinator")
token, key = token_create(actor=actor_for(user), user=user, name="load test")
print(key)
"""


def report(stats: Path) -> None:
    rows = list(csv.DictReader(stats.open()))
    print(f"{'request kind':<28}{'count':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'p99 ms':>8}{'errors':>8}")  # fmt: skip
    for row in rows:
        print(
            f"{row['Name'][:27]:<28}{row['Request Count']:>8}{float(row['Requests/s']):>8.1f}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}{row['Failure Count']:>8}"
        )


def main() -> int:
    run_id = time.strftime("%Y%m%d%H%M%S")
    profile = Profile(
        run=ROOT / "run" / "load",
        listen=os.environ.get("LOAD_LISTEN", "127.0.0.1:18180"),
        app_port=18101,
        pg_port=55452,
        redis_port=56399,
        web_workers=int(os.environ.get("LOAD_WEB_WORKERS", "3")),
        extra={"REQUIRE_2FA": "false", "INTAKE_RATE": "100000/h"},
    )
    accepted_file = profile.run / f"accepted-{run_id}.txt"
    print(f"[load] starting the profile in {profile.run}", flush=True)
    profile.start()
    try:
        seeded = profile.manage(
            "shell",
            "-c",
            "from prytulak.orgs.models import Organization as O; print(O.objects.count())",
        )
        if seeded == "0":
            print(f"[load] seeding {SEED} households and {SEED} offers", flush=True)
            profile.manage("seed_demo", "--households", SEED, "--offers", SEED)
        key = profile.manage("shell", "-c", SETUP)
        env = {
            **profile.environ(),
            "LOAD_RUN_ID": run_id,
            "LOAD_ACCEPTED_FILE": str(accepted_file),
            "LOAD_API_KEY": key,
        }
        print(f"[load] locust: {USERS} users for {SECONDS} s against {profile.url}", flush=True)
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", SPAWN, "-t", f"{SECONDS}s", "--host", profile.url,
             "--csv", str(profile.run / f"locust-{run_id}"), "--only-summary",
             "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        print("\n[load] measured under shared load (other engineers' jobs on the same 2 cores)")
        report(profile.run / f"locust-{run_id}_stats.csv")
        lines = accepted_file.read_text(encoding="utf-8") if accepted_file.exists() else ""
        accepted = len(lines.splitlines())
        found = profile.manage(
            "shell",
            "-c",
            "from prytulak.people.models import Household as H; "
            f"print(H.objects.filter(lead_name__startswith='Load {run_id} ').count())",
        )
        ok = accepted > 0 and str(accepted) == found  # none accepted proves nothing
        print(f"[load] accepted intakes (form + API): {accepted}; in the database: {found} "
              f"-> {'ok' if ok else 'MISSING'}")  # fmt: skip
        return 0 if ok else 1
    finally:
        print("[load] stopping the profile", flush=True)
        profile.stop()


if __name__ == "__main__":
    sys.exit(main())
