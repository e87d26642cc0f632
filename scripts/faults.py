"""`make faults`: break the production profile on purpose and show how it recovers.

Runs on a private profile (its own PostgreSQL cluster, Redis, gunicorn, one RQ worker and
nginx under run/faults), never on the machine's shared PostgreSQL or Redis. Scenarios
(arguments; all four by default):

  worker    start a matching run, SIGKILL the job worker while the run is RUNNING; the
            supervisor restarts the worker, RQ retries the abandoned job, the retry takes the
            run over and finishes it. Checks: the run ends DONE, its proposals are stored once
            (proposals == the summary's matched count), and until then it showed RUNNING.
  import    check a sheet of IMPORT_ROWS households, start its import, SIGKILL the job worker
            while the import's transaction is open; RQ retries the abandoned job, the retry
            imports the file. Checks: the job ends DONE, each row is stored once (households
            with the sheet's names == imported rows == rows of the sheet, none twice), and
            until then the job said "importing" with none of its rows visible.
  postgres  restart PostgreSQL (pg_ctl restart -m fast) while requests keep coming; the web
            processes are not restarted. Reports errors during and after the outage.
  redis     with the worker held, enqueue a job, stop Redis; pages and the public form still
            answer; start Redis again, release the worker: the queued job runs.

Prints one line per observation and a summary; exit status 0 when every check held.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from prodprofile import ROOT, Profile, free_port, fresh_run_dir  # noqa: E402

SEED = os.environ.get("FAULTS_SEED_SIZE", "3000")
IMPORT_ROWS = int(os.environ.get("FAULTS_IMPORT_ROWS", "1500"))
T0 = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - T0:7.1f}s] {message}", flush=True)


def kill_worker(pid: int) -> list[int]:
    """SIGKILL a job worker and its children (the work-horse running the job); the pids."""
    victims = [pid, *children_of(pid)]
    for victim in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
    return victims


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Traffic:
    """Requests in a loop from a few threads: (time, kind, ok) for each."""

    def __init__(self, base: str, threads: int = 3):
        self.base, self.threads = base, threads
        self.results: list[tuple[float, str, bool]] = []
        self.stop = threading.Event()

    def _loop(self) -> None:
        paths = [("page", "/en/"), ("map", "/api/map/offers/?bbox=14,49,24,55&zoom=6")]
        i = 0
        while not self.stop.is_set():
            kind, path = paths[i % len(paths)]
            i += 1
            try:
                with urllib.request.urlopen(self.base + path, timeout=10) as r:  # noqa: S310
                    ok = r.status < 500
            except urllib.error.HTTPError as e:
                ok = e.code < 500
            except Exception:  # noqa: BLE001 - a refused or dropped connection is an error
                ok = False
            self.results.append((time.monotonic(), kind, ok))
            time.sleep(0.1)

    def __enter__(self) -> Traffic:
        self.workers = [
            threading.Thread(target=self._loop, daemon=True) for _ in range(self.threads)
        ]
        for w in self.workers:
            w.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for w in self.workers:
            w.join(15)

    def errors(self, start: float, end: float) -> tuple[int, int]:
        window = [ok for t, _k, ok in self.results if start <= t < end]
        return sum(1 for ok in window if not ok), len(window)


def shell(profile: Profile, code: str) -> str:
    return profile.manage("shell", "-c", code)


def fault_worker(profile: Profile) -> bool:
    say("worker: starting a matching run for byhelp")
    run_id = shell(
        profile,
        "from django.contrib.auth.models import User; from django.db import transaction; "
        "from prytulak.matching import runs; from prytulak.orgs.scopes import actor_for; "
        "a = actor_for(User.objects.get(username='byhelp-coordinator'));\n"
        "with transaction.atomic(): r = runs.run_start(actor=a, scope='organization')\n"
        "print(r.pk)",
    )
    status_code = (
        "from prytulak.matching.models import MatchingRun as M; "
        f"r = M.objects.get(pk={run_id}); print(r.status, r.progress, r.stage)"
    )
    seen_running = False
    for _ in range(600):
        status = shell(profile, status_code)
        if status.startswith("running"):
            seen_running = True
            break
        time.sleep(0.2)
    pid = profile.pid("worker-0")
    if not seen_running or pid is None:
        say(f"worker: the run never showed RUNNING ({status}); cannot kill it mid-run")
        return False
    victims = kill_worker(pid)
    killed = time.monotonic()
    say(f"worker: run {run_id} was '{status}'; SIGKILL to worker pids {victims}")
    shown = set()
    final = ""
    while time.monotonic() - killed < 480:
        final = shell(profile, status_code)
        shown.add(final.split()[0])
        if final.startswith(("done", "failed")):
            break
        time.sleep(2)
    took = time.monotonic() - killed
    check = shell(
        profile,
        "from prytulak.matching.models import MatchingRun as M; "
        "from prytulak.housing.models import Placement; "
        f"r = M.objects.get(pk={run_id}); "
        "p = Placement.objects.filter(status='proposed', created_at__gte=r.created_at).count(); "
        "print(r.summary.get('matched'), p)",
    )
    matched, proposals = check.split()
    ok = final.startswith("done") and matched == proposals and shown <= {"running", "done"}
    say(
        f"worker: run ended '{final}' {took:.0f} s after the kill; statuses shown meanwhile "
        f"{sorted(shown)}; matched {matched}, proposals stored {proposals} -> "
        f"{'ok' if ok else 'FAIL'}"
    )
    return ok


IMPORT_SETUP = """
import csv, datetime, io, time
from django.contrib.auth.models import User
from prytulak.orgs.scopes import actor_for
from prytulak.sheets import services
from prytulak.sheets.models import ImportJob
actor = actor_for(User.objects.get(username="byhelp-coordinator"))
out = io.StringIO()
w = csv.writer(out, delimiter=";")
w.writerow(["Name", "Phone", "Email", "People", "Where they are now", "Arrival date", "Languages"])
day = datetime.date.today().isoformat()
for i in range(ROWS):
    w.writerow([f"Fault Import TAG {i}", f"+48 600 {i // 1000:03d} {i % 1000:03d}",
                f"fault-import-TAG-{i}@example.org", "2 adults, 1 child", "Przemyśl", day, "uk"])
job = services.import_upload(actor=actor, kind="households", name="fault.csv",
                             data=out.getvalue().encode())
services.import_map(actor=actor, job=job, mapping=job.mapping)
t0 = time.monotonic()
while ImportJob.objects.get(pk=job.pk).status == "checking" and time.monotonic() - t0 < 600:
    time.sleep(0.5)
job.refresh_from_db()
print(job.pk, job.status, job.counts.get("ok", 0), round(time.monotonic() - t0, 1))
"""

IMPORT_STATE = """
from prytulak.people.models import Household
from prytulak.sheets.models import ImportJob, ImportedRow
job = ImportJob.objects.get(pk=JOB)
names = Household.objects.filter(lead_name__startswith="Fault Import TAG ")
print(job.status, job.counts.get("imported", 0), names.count(),
      names.values("lead_name").distinct().count(),
      ImportedRow.objects.filter(job_id=JOB).count())
"""


def fault_import(profile: Profile) -> bool:
    tag = time.strftime("%H%M%S")
    say(f"import: uploading a sheet of {IMPORT_ROWS} households and checking it")
    setup = IMPORT_SETUP.replace("ROWS", str(IMPORT_ROWS)).replace("TAG", tag)
    job, status, ok_rows, check_seconds = shell(profile, setup).split()
    if status != "checked" or int(ok_rows) != IMPORT_ROWS:
        say(f"import: the check ended '{status}' with {ok_rows} rows ok; cannot import")
        return False
    say(f"import: job {job} checked in {check_seconds} s, {ok_rows} rows ok; starting the import")
    state = IMPORT_STATE.replace("JOB", job).replace("TAG", tag)
    shell(
        profile,
        "from django.contrib.auth.models import User; from prytulak.orgs.scopes import "
        "actor_for; from prytulak.sheets import services; from prytulak.sheets.models import "
        f"ImportJob; a = actor_for(User.objects.get(username='byhelp-coordinator')); "
        f"services.import_start(actor=a, job=ImportJob.objects.get(pk={job}))",
    )
    # The import's transaction is open once the worker's work horse holds a connection that
    # has inserted rows: wait for that in pg_stat_activity, then a little more.
    started = time.monotonic()
    busy = ""
    while time.monotonic() - started < 300:
        busy = _psql(
            profile,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND xact_start < now() - interval '1 second'",
        )
        if busy not in ("", "0"):
            break
        time.sleep(0.3)
    time.sleep(min(float(check_seconds) / 3, 10))
    before = shell(profile, state)
    pid = profile.pid("worker-0")
    if busy in ("", "0") or pid is None or not before.startswith("importing"):
        say(f"import: never caught mid-import (state: {before}); cannot kill it mid-run")
        return False
    victims = kill_worker(pid)
    killed = time.monotonic()
    say(
        f"import: {time.monotonic() - started:.1f} s into the import (status, imported, "
        f"households with the sheet's names, distinct, imported-row marks: {before}); "
        f"SIGKILL to worker pids {victims}"
    )
    shown: dict[str, int] = {}
    final = before
    while time.monotonic() - killed < 480:
        final = shell(profile, state)
        status, _imported, stored, *_ = final.split()
        # What anyone looking saw meanwhile: the status, and how many rows were visible.
        shown[status] = max(shown.get(status, 0), int(stored))
        if status in ("done", "failed"):
            break
        time.sleep(2)
    took = time.monotonic() - killed
    status, imported, stored, distinct, marks = final.split()
    ok = (
        status == "done"
        and int(imported) == IMPORT_ROWS
        and int(stored) == int(distinct) == int(marks) == IMPORT_ROWS
        and shown.get("importing", 0) == 0
        and set(shown) <= {"importing", "done"}
    )
    say(
        f"import: job ended '{status}' {took:.0f} s after the kill; shown meanwhile "
        f"{ {k: f'{v} rows visible' for k, v in shown.items()} }; imported {imported}, "
        f"households stored {stored} ({distinct} distinct names), marks {marks} of "
        f"{IMPORT_ROWS} rows -> {'ok' if ok else 'FAIL'}"
    )
    return ok


def _psql(profile: Profile, sql: str) -> str:
    url = profile.database_url or f"postgres://postgres@127.0.0.1:{profile.pg_port}/prytulak"
    return subprocess.run(
        ["psql", url, "-tAc", sql], capture_output=True, text=True, check=False
    ).stdout.strip()


def fault_postgres(profile: Profile) -> bool:
    with Traffic(profile.url) as traffic:
        time.sleep(5)
        before = time.monotonic()
        say("postgres: pg_ctl restart -m fast (web processes keep running)")
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(Path(os.environ.get("PROD_PG_BIN", "/usr/lib/postgresql/15/bin")) / "pg_ctl"),
             "-D", str(profile.run / "pg"), "-m", "fast", "-w", "restart",
             "-o", f"-p {profile.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={profile.run / 'pg-socket'}",
             "-l", str(profile.run / "pg-socket" / "postgres.log")],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        back = time.monotonic()
        time.sleep(15)
        end = time.monotonic()
    e0, n0 = traffic.errors(T0, before)
    e1, n1 = traffic.errors(before, back + 2)
    e2, n2 = traffic.errors(back + 2, end)
    say(
        f"postgres: outage {back - before:.1f} s; errors before {e0}/{n0}, during (+2 s) "
        f"{e1}/{n1}, after {e2}/{n2}"
    )
    ok = e2 == 0 and n2 > 0
    say(f"postgres: the web recovered without a restart -> {'ok' if ok else 'FAIL'}")
    return ok


def intake_post(base: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    jar = CookieJar()
    # The redirect handler is replaced, not added: an added one left urllib's own in place,
    # which followed the 302 to the thanks page, so an accepted post read as "200, the form
    # came back with no error" (the old "Open:" in docs/benchmarks.md).
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    page = opener.open(base + "/en/need/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "women": "1",
            "men": "0",
            "infants": "0",
            "children": "0",
            "teens": "0",
            "seniors": "0",
            "lead_name": "Fault Redis",
            "email": "fault@example.org",
            "languages": "uk",
            "arrival_place": "Przemyśl",
            "arrival_date": datetime.date.today().isoformat(),
            "consent": "on",
            "website": "",
            # Every field the form has (an earlier version left these out, and the form
            # came back as typed: that was the "200 with no error shown").
            "preferred_countries": "PL",
            "preferred_cities": "",
            "pets": "0",
            "pet_notes": "",
            "needs": "",
            "notes": "",
            "phone": "",
        },
        doseq=True,
    ).encode()

    try:
        response = opener.open(base + "/en/need/", data, timeout=30)
    except urllib.error.HTTPError as e:
        return e.code
    if response.status == 200:  # the form came back: say why
        errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.read().decode(), re.S)
        say(
            f"redis: the form came back with: {[re.sub(r'<[^>]+>', ' ', e).strip() for e in errors]}"
        )
    return response.status


def fault_redis(profile: Profile) -> bool:
    profile.hold("worker-0", True)
    worker = profile.pid("worker-0")
    if worker:
        os.kill(worker, signal.SIGTERM)
        time.sleep(3)
    job = profile.manage("check_journeys").rsplit(" ", 1)[-1]
    say(f"redis: worker held; job {job} queued; stopping Redis")
    profile.hold("redis", True)
    redis_pid = profile.pid("redis")
    if redis_pid:
        os.kill(redis_pid, signal.SIGTERM)
    time.sleep(2)
    codes = {}
    for name, path in [("home", "/en/"), ("map", "/api/map/offers/?bbox=14,49,24,55&zoom=6")]:
        try:
            with urllib.request.urlopen(profile.url + path, timeout=15) as r:  # noqa: S310
                codes[name] = r.status
        except urllib.error.HTTPError as e:
            codes[name] = e.code
    posted = time.monotonic()
    codes["intake post"] = intake_post(profile.url)
    took = time.monotonic() - posted
    say(
        f"redis: down; answers {codes}, the intake GET+POST in {took:.1f} s (intake: 302 = "
        "accepted, RATELIMIT_FAIL_OPEN=true)"
    )
    waiting = _psql(
        profile,
        "SELECT status || ' ' || count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE backend_name = 'fallback' GROUP BY status",
    )
    say(f"redis: jobs queued in the database meanwhile (the intake's notice): {waiting or 'none'}")
    pages_ok = (
        codes["home"] in (200, 302)
        and codes["map"] == 200
        and codes["intake post"] == 302
        and took < 10
    )
    profile.hold("redis", False)
    profile.hold("worker-0", False)
    say("redis: started again; worker released")
    status = ""
    for _ in range(120):
        status = profile.manage(
            "shell", "-c",
            f"from prytulak.core.tasks import journeys_task as t; print(t.get_result({job!r}).status)",
            check=False,
        )  # fmt: skip
        if status.endswith(("SUCCESSFUL", "FAILED")):
            break
        time.sleep(1)
    ok = pages_ok and status.endswith("SUCCESSFUL")
    say(f"redis: the queued job is {status} -> {'ok' if ok else 'FAIL'}")
    return ok


def main() -> int:
    wanted = sys.argv[1:] or ["worker", "import", "postgres", "redis"]
    # Free ports and a fresh directory each time: nothing collides with another run.
    profile = Profile(
        run=fresh_run_dir(ROOT / "run" / f"faults-{time.strftime('%Y%m%d%H%M%S')}"),
        listen=f"127.0.0.1:{free_port()}",
        app_port=free_port(),
        pg_port=free_port(),
        redis_port=free_port(),
        web_workers=2,
        job_workers=1,
        extra={"REQUIRE_2FA": "false"},
    )
    say(f"starting a private profile in {profile.run}")
    profile.start()
    results = {}
    try:
        if (
            profile.manage(
                "shell",
                "-c",
                "from prytulak.orgs.models import Organization as O; print(O.objects.count())",
            )
            == "0"
        ):
            say(f"seeding {SEED} households and offers")
            profile.manage("seed_demo", "--households", SEED, "--offers", SEED)
        for name in wanted:
            results[name] = {
                "worker": fault_worker,
                "import": fault_import,
                "postgres": fault_postgres,
                "redis": fault_redis,
            }[name](profile)
    finally:
        say("stopping the profile")
        profile.stop()
    say(
        "measured under shared load: "
        + ", ".join(f"{k} {'ok' if v else 'FAIL'}" for k, v in results.items())
    )
    return 0 if results and all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
