"""Start the production profile on spare ports, check it through nginx, stop it.

`make prod-check` (and prytulak/core/tests/test_prod_profile.py) runs this. It checks that:
- a page comes back through nginx -> gunicorn -> PostgreSQL;
- the client's address reaches Django: a failed login sent from 127.0.0.5 (a loopback address
  other than nginx's own 127.0.0.1) with a forged X-Forwarded-For is recorded by the lockout
  under 127.0.0.5, not under nginx's address nor the forged one;
- a background job enqueued on Redis is run by an RQ worker;
- the profile stops cleanly on SIGTERM (every child gone).
Exit status 0 when all hold; each check prints one line.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUN = Path(os.environ.get("PROD_RUN_DIR", str(ROOT / "run" / "prod-check"))).resolve()


def free_port() -> str:
    """A loopback port nothing listens on now: a fixed one may be held by another check or a
    server left running on a shared machine (seen once in CI: PostgreSQL could not start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


PORTS = {
    "PROD_LISTEN": os.environ.get("PROD_LISTEN") or f"127.0.0.1:{free_port()}",
    "PROD_APP_PORT": os.environ.get("PROD_APP_PORT") or free_port(),
    "PROD_PG_PORT": os.environ.get("PROD_PG_PORT") or free_port(),
    "PROD_REDIS_PORT": os.environ.get("PROD_REDIS_PORT") or free_port(),
    "PROD_WEB_WORKERS": "2",
    "PROD_JOB_WORKERS": "1",
}
CLIENT = "127.0.0.5"
FORGED = "203.0.113.77"


def request(method: str, path: str, *, body: str = "", headers: dict | None = None):
    host, port = PORTS["PROD_LISTEN"].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(CLIENT, 0))
    conn.request(method, path, body=body.encode(), headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode(errors="replace")


def manage(environ: dict[str, str], *args: str) -> str:
    """The last line a management command prints (the shell prints notes before it)."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.strip()
    return out.splitlines()[-1] if out else ""


def checks(environ: dict[str, str]) -> list[tuple[str, bool, str]]:
    results = []
    status, headers, _ = request("GET", "/")
    results.append(("page through nginx", status in (200, 302), f"GET / -> {status}"))
    status, headers, page = request("GET", "/en/accounts/login/")
    cookie = headers.get("Set-Cookie", "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    csrf = re.search(r"csrftoken=([^;]+)", cookie)
    ok = status == 200 and token is not None and csrf is not None
    results.append(("login page", ok, f"GET /en/accounts/login/ -> {status}"))
    if not ok:
        return results
    assert token is not None and csrf is not None
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": "prod-check-nobody",
            "password": "wrong-password",
        }
    )
    status, _, _ = request(
        "POST",
        "/en/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf.group(1)}",
            "Referer": f"http://{PORTS['PROD_LISTEN']}/en/accounts/login/",
            "X-Forwarded-For": FORGED,
        },
    )
    recorded = manage(
        environ,
        "shell",
        "-c",
        "from axes.models import AccessAttempt; "
        "print(','.join(AccessAttempt.objects.filter(username='prod-check-nobody')"
        ".values_list('ip_address', flat=True)))",
    )
    results.append(
        (
            "client address reaches Django",
            recorded == CLIENT,
            f"failed login from {CLIENT} (forged X-Forwarded-For {FORGED}) -> POST {status}, "
            f"lockout recorded address {recorded or 'none'!r}",
        )
    )
    job = manage(environ, "check_journeys")
    job_id = job.rsplit(" ", 1)[-1]
    status_line = ""
    for _ in range(120):
        status_line = manage(
            environ,
            "shell",
            "-c",
            f"from prytulak.core.tasks import journeys_task; "
            f"print(journeys_task.get_result({job_id!r}).status)",
        )
        if status_line.endswith("SUCCESSFUL") or status_line.endswith("FAILED"):
            break
        time.sleep(1)
    results.append(
        ("job runs on an RQ worker", status_line.endswith("SUCCESSFUL"), f"{job} -> {status_line}")
    )
    return results


def logs_tail() -> str:
    """The last lines of each log the profile wrote, to say why it did not start."""
    parts = []
    for path in sorted(RUN.glob("*.log")) + sorted(RUN.glob("pg-socket/*.log")):
        lines = path.read_text(errors="replace").splitlines()[-15:]
        parts.append(f"--- {path.relative_to(RUN)}\n" + "\n".join(lines))
    return "\n".join(parts)


def main() -> int:
    # A fresh directory each time: nothing left by an earlier check (a cluster, a pid file).
    if (RUN / "pg" / "postmaster.pid").exists():
        pg_ctl = [
            shutil.which("pg_ctl") or "pg_ctl",
            "-D",
            str(RUN / "pg"),
            "-m",
            "immediate",
            "stop",
        ]
        if os.geteuid() == 0:
            pg_ctl = ["runuser", "-u", "postgres", "--", *pg_ctl]
        subprocess.run(pg_ctl, check=False, capture_output=True)
    shutil.rmtree(RUN, ignore_errors=True)
    environ = {**os.environ, **PORTS, "PROD_RUN_DIR": str(RUN)}
    environ.pop("PROD_DATABASE_URL", None)
    environ.pop("PROD_REDIS_URL", None)
    supervisor = subprocess.Popen(
        [PYTHON, str(ROOT / "scripts" / "prod_local.py")],
        env=environ,
        cwd=ROOT,
        stdout=sys.stdout,
        stderr=sys.stderr,
    )
    results: list[tuple[str, bool, str]] = []
    try:
        deadline = time.monotonic() + 240
        while not (RUN / "ready").exists():
            if supervisor.poll() is not None or time.monotonic() > deadline:
                print("FAIL the profile did not start")
                print(logs_tail())
                return 1
            time.sleep(0.5)
        # What the app processes see (the same variables prod_local.py gives them).
        app = {
            **environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['PROD_PG_PORT']}/prytulak",
            "REDIS_URL": f"redis://127.0.0.1:{PORTS['PROD_REDIS_PORT']}/1",
            "RQ_REDIS_URL": f"redis://127.0.0.1:{PORTS['PROD_REDIS_PORT']}/0",
            "TASKS_BACKEND": "prytulak.core.rq.RetryingRQBackend",
        }
        results = checks(app)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(90)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            results.append(("clean stop", False, "the supervisor did not stop in 90 s"))
    left = [
        name
        for name in ("gunicorn", "nginx", "redis", "worker-0")
        if (RUN / f"{name}.pid").exists() and _alive(int((RUN / f"{name}.pid").read_text()))
    ]
    postgres_up = (RUN / "pg" / "postmaster.pid").exists()
    results.append(
        (
            "clean stop",
            supervisor.returncode == 0 and not left and not postgres_up,
            f"supervisor exit {supervisor.returncode}; still running: {left or 'none'}; "
            f"PostgreSQL {'still up' if postgres_up else 'stopped'}",
        )
    )
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    return 0 if results and all(ok for _, ok, _ in results) else 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
