from django_tasks import task


@task()
def proposal_task(placement_id: int) -> None:
    """Background job: tell the host about a new proposal (e-mail, and Telegram if linked)."""
    from .services import proposal_to_host

    proposal_to_host(placement_id)
