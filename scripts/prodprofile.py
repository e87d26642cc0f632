"""Start and stop a private copy of the production profile (scripts/prod_local.py) on its own
ports and run directory, for the load and fault scripts. Standard library only."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    """A loopback port nothing listens on now, so two runs on one machine never collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_run_dir(run: Path) -> Path:
    """An empty run directory: stop a private cluster an earlier run left there, remove it."""
    if (run / "pg" / "postmaster.pid").exists():
        pg_ctl = [shutil.which("pg_ctl") or "pg_ctl", "-D", str(run / "pg"), "-m", "immediate"]
        if os.geteuid() == 0:
            pg_ctl = ["runuser", "-u", "postgres", "--", *pg_ctl]
        subprocess.run([*pg_ctl, "stop"], check=False, capture_output=True)
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    return run


@dataclass
class Profile:
    run: Path
    listen: str
    app_port: int
    pg_port: int
    redis_port: int
    web_workers: int = 3
    job_workers: int = 2
    extra: dict[str, str] | None = None
    # An existing PostgreSQL database (migrated, never seeded); None: a private cluster.
    database_url: str | None = None
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.listen}"

    def environ(self) -> dict[str, str]:
        """What prod_local.py needs, and what the app's own processes see."""
        values = {
            "PROD_RUN_DIR": str(self.run),
            "PROD_LISTEN": self.listen,
            "PROD_APP_PORT": str(self.app_port),
            "PROD_PG_PORT": str(self.pg_port),
            "PROD_REDIS_PORT": str(self.redis_port),
            "PROD_WEB_WORKERS": str(self.web_workers),
            "PROD_JOB_WORKERS": str(self.job_workers),
            "DATABASE_URL": self.database_url
            or f"postgres://postgres@127.0.0.1:{self.pg_port}/prytulak",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "RQ_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "TASKS_BACKEND": "prytulak.core.rq.RetryingRQBackend",
            "MAP_SNAPSHOT_BUILD_IN_WORKER": "true",
            **(self.extra or {}),
        }
        environ = {**os.environ, **values}
        environ.pop("PROD_DATABASE_URL", None)
        environ.pop("PROD_REDIS_URL", None)
        if self.database_url:
            environ["PROD_DATABASE_URL"] = self.database_url
        return environ

    def start(self, timeout: float = 600) -> None:
        self.run.mkdir(parents=True, exist_ok=True)
        log = open(self.run / "supervisor.log", "ab")  # noqa: SIM115 - the supervisor's life
        self.proc = subprocess.Popen(
            [PYTHON, str(ROOT / "scripts" / "prod_local.py")],
            env=self.environ(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not (self.run / "ready").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()  # never leave a half-started profile behind
                raise RuntimeError(f"the profile did not start; see {self.run}/supervisor.log")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def manage(self, *args: str, check: bool = True) -> str:
        """A management command against this profile; its last line of output."""
        out = subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *args],
            env=self.environ(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=900,
        ).stdout.strip()
        return out.splitlines()[-1] if out else ""

    def pid(self, child: str) -> int | None:
        path = self.run / f"{child}.pid"
        return int(path.read_text()) if path.exists() else None

    def hold(self, child: str, held: bool) -> None:
        """Keep a child down after it stops (the supervisor restarts it otherwise)."""
        path = self.run / f"hold-{child}"
        if held:
            path.write_text("held\n")
        else:
            path.unlink(missing_ok=True)
