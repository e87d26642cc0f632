"""`make load`: the production profile under a realistic mix of requests (bench/locustfile.py).

Starts a private profile (its own Redis, gunicorn, RQ workers and nginx on free loopback
ports, in a fresh run directory), runs locust headless for LOAD_SECONDS, prints requests/s,
p50/p95/p99 and errors per request kind and where the machine's CPU went (the profile's
parts, PostgreSQL, locust, everything else), then checks that every accepted intake (form
and API) is in the database, and stops the profile. `uptime` is printed before and after: the machine
is shared, and the figures mean little without the load average beside them.

The database: LOAD_DATABASE_URL names an existing PostgreSQL database (e.g. a copy of a 100k
demo database: `CREATE DATABASE load100k TEMPLATE demo100k`); it is migrated, never seeded,
and the run adds its intakes to it. Unset: a private PostgreSQL cluster in the run directory,
seeded with LOAD_SEED_SIZE demo households and offers.

Settings (environment): LOAD_USERS (20), LOAD_SPAWN_RATE (5), LOAD_SECONDS (60),
LOAD_SEED_SIZE (2000), LOAD_WEB_WORKERS (3), LOAD_DATABASE_URL (unset). The profile runs with
REQUIRE_2FA=false (the staff users log in with a password only) and a public-form rate limit
high enough for one loopback address to stand for many visitors.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prodprofile import PYTHON, ROOT, Profile, free_port, fresh_run_dir  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "20"))
SPAWN = os.environ.get("LOAD_SPAWN_RATE", "5")
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
SEED = os.environ.get("LOAD_SEED_SIZE", "2000")
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL") or None

SETUP = """
from django.contrib.auth.models import User
from prytulak.api.services import token_create
from prytulak.orgs.scopes import actor_for
user = User.objects.get(username="byhelp-coordinator")
token, key = token_create(actor=actor_for(user), user=user, name="load test")
print(key)
"""


def _proc_cpu() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command line, CPU seconds so far) for every process now; the
    seconds include its children that have ended (an RQ worker forks one per job)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (int(fields[1]), cmd, sum(map(int, fields[11:15])) / tick)
    return found


def _machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / tick, sum(values) / tick


# The profile's processes by what they run (their command lines).
PARTS = {
    "gunicorn": ("gunicorn",),
    "job workers": ("rqworker", "db_worker"),
    "nginx": ("nginx",),
    "redis": ("redis-server",),
}


def cpu_accounts(before: dict, after: dict, roots: set[int], database: str) -> dict[str, float]:
    """CPU seconds spent between two snapshots by the profile's processes (descendants of
    `roots`), by PostgreSQL backends serving `database`, and by everything else."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in after.items():
        children.setdefault(ppid, []).append(pid)
    profile, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in profile:
            profile.add(pid)
            todo.extend(children.get(pid, []))
    spent = {"profile": 0.0, "postgres": 0.0, "rest": 0.0}
    spent.update(dict.fromkeys(PARTS, 0.0))
    for pid, (_, cmd, seconds) in after.items():
        delta = seconds - (before[pid][2] if pid in before else 0.0)
        if pid in profile:
            spent["profile"] += delta
            part = next((p for p, marks in PARTS.items() if any(m in cmd for m in marks)), "")
            if part:
                spent[part] += delta
        elif cmd.startswith("postgres:") and f" {database} " in cmd:
            spent["postgres"] += delta
        else:
            spent["rest"] += delta
    return spent


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
        run=fresh_run_dir(ROOT / "run" / f"load-{run_id}"),
        listen=os.environ.get("LOAD_LISTEN") or f"127.0.0.1:{free_port()}",
        app_port=free_port(),
        pg_port=free_port(),
        redis_port=free_port(),
        database_url=DATABASE_URL,
        web_workers=int(os.environ.get("LOAD_WEB_WORKERS", "3")),
        extra={"REQUIRE_2FA": "false", "INTAKE_RATE": "100000/h"},
    )
    accepted_file = profile.run / f"accepted-{run_id}.txt"
    where = DATABASE_URL.rsplit("/", 1)[-1] if DATABASE_URL else "a private cluster"
    print(f"[load] starting the profile in {profile.run} (database: {where})", flush=True)
    profile.start()
    try:
        seeded = profile.manage(
            "shell",
            "-c",
            "from prytulak.orgs.models import Organization as O; print(O.objects.count())",
        )
        counts = profile.manage(
            "shell",
            "-c",
            "from prytulak.people.models import Household as H; "
            "from prytulak.housing.models import HostOffer as F; "
            "print(H.objects.count(), F.objects.count())",
        )
        print(f"[load] database holds {counts.split()[0]} households, {counts.split()[-1]} "
              "offers", flush=True)  # fmt: skip
        if seeded == "0" and DATABASE_URL:
            raise SystemExit("[load] LOAD_DATABASE_URL names an empty database; seed it first")
        if DATABASE_URL:
            # A copied database has no planner statistics yet; a live one has them from
            # autovacuum. Without them PostgreSQL guesses its plans.
            subprocess.run(["psql", DATABASE_URL, "-qc", "ANALYZE"], check=True)
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
        uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        print(f"[load] before: {uptime}", flush=True)
        print(f"[load] locust: {USERS} users for {SECONDS} s against {profile.url}", flush=True)
        procs_before, machine_before = _proc_cpu(), _machine_cpu()
        locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", SPAWN, "-t", f"{SECONDS}s", "--host", profile.url,
             "--csv", str(profile.run / f"locust-{run_id}"), "--only-summary",
             "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        procs_after, machine_after = _proc_cpu(), _machine_cpu()
        uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        print(f"\n[load] after: {uptime}")
        # The machine is shared and locust runs on it: where its CPU went during the run.
        locust_cpu = (locust_after.ru_utime + locust_after.ru_stime) - (
            locust_before.ru_utime + locust_before.ru_stime
        )
        assert profile.proc is not None
        database = DATABASE_URL.rsplit("/", 1)[-1] if DATABASE_URL else "prytulak"
        spent = cpu_accounts(procs_before, procs_after, {profile.proc.pid}, database)
        busy = machine_after[0] - machine_before[0]
        capacity = machine_after[1] - machine_before[1]
        parts = ", ".join(f"{part} {spent[part]:.1f}" for part in PARTS)
        rest = max(busy - spent["profile"] - spent["postgres"] - locust_cpu, 0)
        print(
            f"[load] CPU seconds during the run: machine busy {busy:.1f} of {capacity:.1f}; "
            f"profile {spent['profile']:.1f} ({parts}); PostgreSQL backends for {database} "
            f"{spent['postgres']:.1f}; locust {locust_cpu:.1f}; other processes and the "
            f"kernel {rest:.1f}"
        )
        report(profile.run / f"locust-{run_id}_stats.csv")
        lines = accepted_file.read_text(encoding="utf-8") if accepted_file.exists() else ""
        accepted = set(lines.splitlines())
        (profile.run / "accepted.json").write_text(json.dumps(sorted(accepted)))
        found = profile.manage(
            "shell",
            "-c",
            "import json; from prytulak.people.models import Household as H; "
            f"names = set(json.load(open({str(profile.run / 'accepted.json')!r}))); "
            f"stored = set(H.objects.filter(lead_name__startswith='Load {run_id} ')"
            ".values_list('lead_name', flat=True)); "
            "print(len(names & stored), len(stored - names))",
        )
        present, extra = (int(n) for n in found.split())
        # None accepted proves nothing. `extra`: posts that locust's stop cut off after the
        # server had stored them (the client never saw the answer), not a loss.
        ok = len(accepted) > 0 and present == len(accepted)
        print(f"[load] accepted intakes (form + API): {len(accepted)}; of them in the database: "
              f"{present} -> {'ok' if ok else 'MISSING'} (also stored, answer cut off by the "
              f"end of the run: {extra})")  # fmt: skip
        return 0 if ok else 1
    finally:
        print("[load] stopping the profile", flush=True)
        profile.stop()


if __name__ == "__main__":
    sys.exit(main())
