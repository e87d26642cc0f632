from django_tasks import task


@task()
def process_import(job_id: int, commit: bool) -> dict[str, int]:
    """Background job: check or import a spreadsheet; receives the primary key only."""
    from .services import import_process

    return import_process(job_id, commit).counts
