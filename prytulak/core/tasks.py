"""The daily job: follow-up and retention. Run by `manage.py run_daily` from cron or a systemd
timer (docs/deployment.md), which enqueues it for the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from prytulak.api.services import idempotency_keys_purge
from prytulak.audit.services import retention_purge
from prytulak.housing.placements import checkins_schedule
from prytulak.housing.services import offers_expire_and_remind
from prytulak.journeys.services import journeys_check_late
from prytulak.notify.services import checkins_due


def daily() -> dict[str, int]:
    expired, reminded = offers_expire_and_remind()
    purged = retention_purge()
    return {
        "offers_expired": expired,
        "reconfirm_reminders": reminded,
        "checkins_created": checkins_schedule(),
        "checkin_reminders": checkins_due(),
        "idempotency_keys_purged": idempotency_keys_purge(),
        **{f"purged_{k}": v for k, v in purged.items()},
    }


@task()
def daily_task() -> dict[str, int]:
    return daily()


@task()
def journeys_task() -> int:
    return journeys_check_late()
