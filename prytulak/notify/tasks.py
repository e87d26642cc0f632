from django_tasks import task


@task()
def proposal_task(placement_id: int) -> None:
    """Background job: tell the host about a new proposal (e-mail with their own link, and
    Telegram if linked), and the household (e-mail or SMS with theirs). Kept for jobs queued
    before proposals were batched per host."""
    proposals_task.call([placement_id])


@task()
def proposals_task(placement_ids: list[int]) -> None:
    """Background job: tell each host about their new proposals, in one message per host
    with one signed link per proposal, and each household about its own (once per event)."""
    from prytulak.housing.models import Placement

    from .family import household_notify
    from .services import proposals_to_hosts

    proposals_to_hosts(placement_ids)
    for a in range(0, len(placement_ids), 2_000):
        for pk, household_id in Placement.objects.filter(
            pk__in=placement_ids[a : a + 2_000]
        ).values_list("pk", "household_id"):
            household_notify(household_id=household_id, event="proposal", ref=pk)


@task()
def household_notice_task(household_id: int, event: str, ref: int, version: str = "") -> None:
    """Background job: one notice to a household (sent once per event)."""
    from .family import household_notify

    household_notify(household_id=household_id, event=event, ref=ref, version=version)


def household_notice_on_commit(household_id: int, event: str, ref: int, version: str = "") -> None:
    """Queue the notice once the current transaction has committed."""
    from django.db import transaction

    transaction.on_commit(lambda: household_notice_task.enqueue(household_id, event, ref, version))


@task()
def host_confirmed_task(placement_id: int) -> None:
    """Background job: the household said yes after the host; the host is told, once."""
    from .services import confirmed_to_host

    confirmed_to_host(placement_id)
