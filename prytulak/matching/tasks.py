from django_tasks import task
from django_tasks.base import TASK_MAX_PRIORITY


# A coordinator watches the run's page: it goes before the queue's notices (on the database
# queue by priority; on RQ at the front). Measured at 100k: behind the 8,134 notices the
# seed had queued, queued → done took 347 s for a job of 105 s.
@task(priority=TASK_MAX_PRIORITY)
def execute_run(run_id: int) -> None:
    """Background job for a matching run; receives the primary key, never the model."""
    from prytulak.core.rq import is_retry

    from .runs import run_execute

    # A retry after the worker died takes over the run its first attempt had claimed.
    run_execute(run_id, reclaim=is_retry())
