"""Jobs on Redis survive a dead worker: each job is enqueued with retries (so RQ's cleanup of
abandoned jobs puts it back), and a job can tell that it is such a retry."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from rq.job import Job

from prytulak.core import rq as prytulak_rq

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server (a private one is started)"
)


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free port, never the machine's own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


def test_every_job_is_enqueued_with_retries(monkeypatch, redis_url):
    import django_rq.settings

    monkeypatch.setitem(django_rq.settings.QUEUES, "default", {"URL": redis_url})
    backend = prytulak_rq.RetryingRQBackend("default", {"QUEUES": ["default"]})
    from prytulak.core.tasks import journeys_task

    result = backend.enqueue(journeys_task, (), {})
    job = Job.fetch(result.id, connection=redis.Redis.from_url(redis_url))
    assert job.retries_left == prytulak_rq.JOB_RETRIES
    assert job.get_status() == "queued"  # the one-field write left the job as it was


def test_a_job_knows_when_it_is_a_retry(monkeypatch):
    class FakeJob:
        retries_left = prytulak_rq.JOB_RETRIES

    job = FakeJob()
    monkeypatch.setattr(prytulak_rq, "get_current_job", lambda: job)
    assert prytulak_rq.is_retry() is False
    job.retries_left = prytulak_rq.JOB_RETRIES - 1
    assert prytulak_rq.is_retry() is True
    monkeypatch.setattr(prytulak_rq, "get_current_job", lambda: None)
    assert prytulak_rq.is_retry() is False  # the database backend: no RQ job


@pytest.mark.django_db
def test_with_redis_down_a_job_waits_in_the_database_instead_of_failing(monkeypatch, settings):
    """The public form's POST stored the household and then answered 500: its notice could
    not be queued on a stopped Redis. Now the job goes to the database queue."""
    import django_rq.settings
    from django_tasks_db.models import DBTaskResult

    from prytulak.core.tasks import journeys_task

    with socket.socket() as s:  # a port nothing listens on: Redis is down
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    settings.TASKS = {
        "default": {"BACKEND": "prytulak.core.rq.RetryingRQBackend"},
        prytulak_rq.FALLBACK: {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    monkeypatch.setitem(
        django_rq.settings.QUEUES, "default", {"URL": f"redis://127.0.0.1:{closed}/0"}
    )
    backend = prytulak_rq.RetryingRQBackend("default", {"QUEUES": ["default"]})
    started = time.monotonic()
    result = backend.enqueue(journeys_task, (), {})
    assert time.monotonic() - started < 5  # refused at once, no long retries
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.backend_name == prytulak_rq.FALLBACK
    assert stored.status == "READY"
