"""The production profile starts here as documented and the client's address reaches Django
through nginx (scripts/prod_check.py: PostgreSQL, Redis, gunicorn, RQ workers, nginx)."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MISSING = [
    name
    for name in ("nginx", "redis-server", "pg_ctl", "initdb", "psql")
    if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()
] + [name for name in ("gunicorn", "django_tasks_rq") if importlib.util.find_spec(name) is None]


@pytest.mark.skipif(bool(MISSING), reason=f"the production profile needs {', '.join(MISSING)}")
def test_the_profile_serves_through_nginx_and_sees_the_client_address():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "prod_check.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line[:4] in ("ok  ", "FAIL")]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert any("client address reaches Django" in line for line in lines)
    assert all(line.startswith("ok") for line in lines)
