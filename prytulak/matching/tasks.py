from django_tasks import task


@task()
def execute_run(run_id: int) -> None:
    """Background job for a matching run; receives the primary key, never the model."""
    from .runs import run_execute

    run_execute(run_id)
