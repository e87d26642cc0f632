from django_tasks import task


@task()
def build_snapshot_task() -> int | None:
    """Build the map's snapshot in a job worker and share it through the cache."""
    from .snapshot import build_shared

    return build_shared()
