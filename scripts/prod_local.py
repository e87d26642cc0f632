"""The production profile on one machine: PostgreSQL, Redis, gunicorn, RQ job workers, nginx.

`make prod-local` runs this in the foreground; Ctrl-C or `make prod-stop` (SIGTERM to the pid
in RUN_DIR/supervisor.pid) stops every child cleanly. Children that die are restarted, as
systemd's Restart=always would (the fault scripts rely on it). Settings (environment):

  PROD_RUN_DIR      run/prod           logs, sockets, pid files, the private database and Redis
  PROD_LISTEN       127.0.0.1:8080     where nginx listens (loopback only)
  PROD_APP_PORT     8001               gunicorn, on 127.0.0.1 (nginx connects from there)
  PROD_WEB_WORKERS  3                  gunicorn worker processes
  PROD_WEB_THREADS  4                  threads in each (gthread): one waits on PostgreSQL
                                       while another runs, with few processes on 2 cores
  PROD_JOB_WORKERS  2                  `manage.py rqworker` processes
  PROD_DATABASE_URL (unset)            an existing PostgreSQL database; unset: a private cluster
  PROD_PG_PORT      55432              ... of the private cluster (initdb on first start)
  PROD_REDIS_URL    (unset)            an existing Redis; unset: a private redis-server
  PROD_REDIS_PORT   56379              ... of the private redis-server (append-only file on)

Only the standard library: it runs before the app is installed anywhere else.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


RUN = Path(env("PROD_RUN_DIR", str(ROOT / "run" / "prod"))).resolve()
LISTEN = env("PROD_LISTEN", "127.0.0.1:8080")
APP_PORT = int(env("PROD_APP_PORT", "8001"))
WEB_WORKERS = int(env("PROD_WEB_WORKERS", "3"))
WEB_THREADS = int(env("PROD_WEB_THREADS", "4"))
JOB_WORKERS = int(env("PROD_JOB_WORKERS", "2"))
PG_PORT = int(env("PROD_PG_PORT", "55432"))
REDIS_PORT = int(env("PROD_REDIS_PORT", "56379"))
PG_BIN = Path(
    env("PROD_PG_BIN", str(Path(shutil.which("pg_ctl") or "/usr/bin/pg_ctl").resolve().parent))
)


def log(message: str) -> None:
    print(f"[prod-local] {message}", flush=True)


def as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def private_postgres() -> str:
    data = RUN / "pg"
    sockets = RUN / "pg-socket"
    sockets.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(sockets, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
        log(f"initdb {data}")
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets}"
    log(f"PostgreSQL on 127.0.0.1:{PG_PORT}")
    subprocess.run(
        as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(sockets / "postgres.log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),  # fmt: skip
        check=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"postgres://postgres@127.0.0.1:{PG_PORT}"
    exists = subprocess.run(
        ["psql", f"{url}/postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname='prytulak'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{url}/postgres", "-qc", "CREATE DATABASE prytulak"], check=True)
    return f"{url}/prytulak"


def stop_private_postgres() -> None:
    if (RUN / "pg" / "postmaster.pid").exists():
        log("stopping PostgreSQL")
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(RUN / "pg"), "-m", "fast", "-w", "stop"]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
        )


def app_environment(database_url: str, redis_url: str) -> dict[str, str]:
    base = redis_url.rstrip("/").rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
    values = {
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        # db 1: the cache (rate limits, map version); db 0: the job queue.
        "REDIS_URL": f"{base}/1",
        "RQ_REDIS_URL": f"{base}/0",
        "TASKS_BACKEND": "prytulak.core.rq.RetryingRQBackend",
        "MAP_SNAPSHOT_BUILD_IN_WORKER": "true",
        # Lists' totals from the cache for 30 s (prytulak.core.counts); rows are always fresh.
        "LIST_COUNT_CACHE_SECONDS": "30",
        "TRUSTED_PROXIES": "127.0.0.1",
        "PROXY_COUNT": "1",
        "BEHIND_PROXY": "true",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://{LISTEN}",
        "MAP_TILE_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    # The caller's own settings (SECRET_KEY, FIELD_ENCRYPTION_SALT, REQUIRE_2FA, ...) pass through.
    return {**os.environ, **values}


class Child:
    """One supervised process, restarted when it dies while the profile runs."""

    def __init__(self, name: str, cmd: list[str], environ: dict[str, str], stop_signal: int):
        self.name, self.cmd, self.environ, self.stop_signal = name, cmd, environ, stop_signal
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    def start(self) -> None:
        logfile = open(RUN / f"{self.name}.log", "ab")  # noqa: SIM115 - kept for the child's life
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.environ, stdout=logfile, stderr=subprocess.STDOUT
        )
        (RUN / f"{self.name}.pid").write_text(str(self.proc.pid))

    def check(self) -> None:
        # RUN_DIR/hold-NAME keeps a stopped child down (the fault scripts' outages).
        if (RUN / f"hold-{self.name}").exists():
            return
        if self.proc is not None and self.proc.poll() is not None:
            self.restarts += 1
            log(f"{self.name} exited ({self.proc.returncode}); restarting")
            self.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)


def wait_http(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - loopback
                return response.status < 500
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    return False


def main() -> int:
    RUN.mkdir(parents=True, exist_ok=True)
    (RUN / "ready").unlink(missing_ok=True)
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    (RUN / "supervisor.pid").write_text(str(os.getpid()))

    children: list[Child] = []
    private_pg = not os.environ.get("PROD_DATABASE_URL")
    try:
        database_url = os.environ.get("PROD_DATABASE_URL") or private_postgres()
        redis_url = os.environ.get("PROD_REDIS_URL") or f"redis://127.0.0.1:{REDIS_PORT}/0"
        if not os.environ.get("PROD_REDIS_URL"):
            log(f"Redis on 127.0.0.1:{REDIS_PORT}")
            redis = Child(
                "redis",
                ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
                 "--dir", str(RUN), "--appendonly", "yes", "--save", ""],
                dict(os.environ),
                signal.SIGTERM,
            )  # fmt: skip
            redis.start()
            children.append(redis)
        environ = app_environment(database_url, redis_url)
        manage = [PYTHON, str(ROOT / "manage.py")]
        log("migrate, collectstatic")
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=environ, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "collectstatic", "--no-input", "-v0"], env=environ, check=True, cwd=ROOT
        )
        gunicorn = [
            PYTHON, "-m", "gunicorn", "prytulak.wsgi", "--workers", str(WEB_WORKERS),
            "--worker-class", "gthread", "--threads", str(WEB_THREADS),
            # The app (and its gazetteer, prytulak/wsgi.py) loads once and the workers share it.
            "--preload",
            # Longer than nginx's upstream keepalive_timeout (deploy/nginx.conf), see there.
            "--keep-alive", "75",
            "--bind", f"127.0.0.1:{APP_PORT}", "--access-logfile", "-", "--timeout", "60",
            "--graceful-timeout", "20", "--control-socket", str(RUN / "gunicorn.ctl"),
        ]  # fmt: skip
        children.append(Child("gunicorn", gunicorn, environ, signal.SIGTERM))
        for n in range(JOB_WORKERS):
            worker = [
                *manage, "rqworker", "default", "--with-scheduler",
                # django-tasks-rq's job class: it calls the Task and records its result.
                "--job-class", "django_tasks_rq.backend.Job",
                # Retries jobs whose worker died within about two minutes (prytulak/core/rq.py).
                "--worker-class", "prytulak.core.rq.Worker",
                "--name", f"prod-worker-{n}-{os.getpid()}",
            ]  # fmt: skip
            children.append(Child(f"worker-{n}", worker, environ, signal.SIGTERM))
        # Jobs enqueued while Redis was unreachable wait in the database (prytulak.core.rq).
        children.append(
            Child(
                "db-worker",
                [*manage, "db_worker", "--backend", "fallback", "--interval", "2"],
                environ,
                signal.SIGTERM,
            )
        )
        static_root = str(ROOT / "static-collected")  # settings.STATIC_ROOT
        config = (ROOT / "deploy" / "nginx.conf").read_text()
        for key, value in {
            "@RUN_DIR@": str(RUN),
            "@LISTEN@": LISTEN,
            "@APP_ADDRESS@": f"127.0.0.1:{APP_PORT}",
            "@STATIC_ROOT@": static_root,
        }.items():
            config = config.replace(key, value)
        (RUN / "nginx.conf").write_text(config)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        children.append(
            Child(
                "nginx",
                [nginx, "-c", str(RUN / "nginx.conf"), "-p", str(RUN)],
                environ,
                signal.SIGQUIT,
            )
        )
        for child in children:
            if child.proc is None:
                child.start()
        if wait_http(f"http://{LISTEN}/", 300):
            (RUN / "ready").write_text(f"http://{LISTEN}/\n")
            log(f"ready: http://{LISTEN}/  (logs in {RUN}; Ctrl-C or `make prod-stop` stops)")
        else:
            log(f"nginx/gunicorn did not answer on {LISTEN}; see the logs in {RUN}")
        while not stopping:
            for child in children:
                child.check()
            time.sleep(0.5)
    finally:
        log("stopping")
        (RUN / "ready").unlink(missing_ok=True)
        # The edge first, then the app and workers (a worker finishes its current job), Redis last.
        app = [c for c in reversed(children) if c.name != "redis"]
        for stage in (app, [c for c in children if c.name == "redis"]):
            for child in stage:
                child.stop()
            deadline = time.monotonic() + 25
            for child in stage:
                if child.proc is not None:
                    try:
                        child.proc.wait(max(deadline - time.monotonic(), 0.1))
                    except subprocess.TimeoutExpired:
                        child.proc.kill()
        if private_pg:
            stop_private_postgres()
        (RUN / "supervisor.pid").unlink(missing_ok=True)
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
