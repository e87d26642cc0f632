from django_tasks import task


@task()
def execute_run(run_id: int) -> None:
    """Background job for a matching run; receives the primary key, never the model."""
    from prytulak.core.rq import is_retry

    from .runs import run_execute

    # A retry after the worker died takes over the run its first attempt had claimed.
    run_execute(run_id, reclaim=is_retry())
