from django_tasks import task


@task()
def proposal_task(placement_id: int) -> None:
    """Background job: tell the host about a new proposal (e-mail with their own link, and
    Telegram if linked), and the household (e-mail or SMS with theirs)."""
    from prytulak.housing.models import Placement

    from .family import household_notify
    from .services import proposal_to_host

    proposal_to_host(placement_id)
    household_id = Placement.objects.values_list("household_id", flat=True).get(pk=placement_id)
    household_notify(household_id=household_id, event="proposal", ref=placement_id)


@task()
def household_notice_task(household_id: int, event: str, ref: int, version: str = "") -> None:
    """Background job: one notice to a household (sent once per event)."""
    from .family import household_notify

    household_notify(household_id=household_id, event=event, ref=ref, version=version)


def household_notice_on_commit(household_id: int, event: str, ref: int, version: str = "") -> None:
    """Queue the notice once the current transaction has committed."""
    from django.db import transaction

    transaction.on_commit(lambda: household_notice_task.enqueue(household_id, event, ref, version))
