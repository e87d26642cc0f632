"""Background jobs on Redis (django-tasks-rq), made to survive a worker that dies mid-job.

RQ notices a job whose worker stopped sending heartbeats (killed, machine lost) and, if the
job has retries left, puts it back on the queue; otherwise it only marks it failed. So:
- RetryingRQBackend gives every job JOB_RETRIES retries;
- Worker runs RQ's registry maintenance every MAINTENANCE_SECONDS instead of every 10 minutes,
  so an abandoned job is retried within about two minutes of its worker's death;
- `is_retry()` tells a job it is such a second run, so it may take over work its first run
  had claimed (matching runs store their results in one transaction, imports skip rows they
  already imported: a retry never writes anything twice).
- while Redis is unreachable, enqueue() puts the job in the database queue (the "fallback"
  backend, run by `manage.py db_worker --backend fallback`) instead of raising: a registration
  that was stored is answered as accepted, and its notice is still sent (before, the public
  form answered 500 after storing the household, and the notice was lost).
The database backend (`make demo`) keeps its own behaviour.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks_rq import RQBackend
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import get_current_job
from rq.worker import Worker as RQWorker

log = logging.getLogger(__name__)
JOB_RETRIES = 2
MAINTENANCE_SECONDS = 30
FALLBACK = "fallback"  # settings.TASKS: the database queue, for while Redis is down


class RetryingRQBackend(RQBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        try:
            result = super().enqueue(task, args, kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            log.warning("Redis unreachable (%s); job %s queued in the database", exc, task.name)
            return task.using(backend=FALLBACK).enqueue(*args, **kwargs)
        job = self._get_job(result.id)
        if job is not None:
            # One field only: the job may already be running, so never save() it whole.
            job.connection.hset(job.key, "retries_left", JOB_RETRIES)
        return result


class Worker(RQWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)


def is_retry() -> bool:
    """Is the current job running again after an earlier run of it was abandoned?"""
    job = get_current_job()
    return job is not None and job.retries_left is not None and job.retries_left < JOB_RETRIES
