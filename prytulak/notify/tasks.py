from django_tasks import task


@task()
def proposal_task(placement_id: int) -> None:
    """Background job: tell the host about a new proposal (e-mail, and Telegram if linked).
    Kept for jobs queued before proposals were batched per host."""
    from .services import proposals_to_hosts

    proposals_to_hosts([placement_id])


@task()
def proposals_task(placement_ids: list[int]) -> None:
    """Background job: tell each host about their new proposals, in one message per host."""
    from .services import proposals_to_hosts

    proposals_to_hosts(placement_ids)
