"""Export and erasure on request, and the scheduled retention purge."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.housing.models import Host, HostOffer, OfferStatus
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household, HouseholdStatus

from .log import log_access
from .models import AccessLog
from .shredders import HostShredder, HouseholdShredder


def household_export(*, actor: Actor, household: Household) -> dict[str, Any]:
    """Everything stored about a household, for the household (a data-access request)."""
    actor.require("household.export", household)
    data = HouseholdShredder.export(household)
    log_access(
        actor=actor,
        obj=household,
        action="household.exported",
        fields=["all"],
        reason=_("Data-access request"),
    )
    return data


def household_erase(*, actor: Actor, household: Household, reason: str) -> Household:
    actor.require("household.erase", household)
    if not reason.strip():
        raise ServiceError(_("Say why the data is erased (e.g. the household asked)."))
    if household.erased_at is not None:
        raise ServiceError(_("This household's data has already been erased."), code="done")
    HouseholdShredder.erase(household)
    log_access(actor=actor, obj=household, action="household.erased", reason=reason)
    return household


def host_erase(*, actor: Actor, host: Host, reason: str) -> Host:
    """Erase a host: a coordinator of an organisation that verified one of its offers."""
    actor.require("host.erase")
    if not host.offers.filter(organization=actor.organization).exists():
        raise NotAllowed
    if not reason.strip():
        raise ServiceError(_("Say why the data is erased (e.g. the household asked)."))
    HostShredder.erase(host)
    log_access(actor=actor, obj=host, action="host.erased", reason=reason)
    return host


def retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily purge: erase what has been kept longer than RETENTION_DAYS allows."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS

    def before(kind: str) -> datetime.datetime:
        return now - datetime.timedelta(days=days[kind])

    done = {"households": 0, "hosts": 0, "access_log": 0, "history": 0}
    households = Household.objects.filter(erased_at__isnull=True).filter(
        Q(status=HouseholdStatus.CLOSED, closed_at__lt=before("closed_household"))
        | Q(organization__isnull=True, status=HouseholdStatus.NEW)
        & Q(created_at__lt=before("unclaimed_household"))
    )
    for household in households.iterator():
        HouseholdShredder.erase(household)
        log_access(actor=None, obj=household, action="household.erased", reason="retention")
        done["households"] += 1
    stale_offers = HostOffer.objects.filter(
        Q(status=OfferStatus.DRAFT, created_at__lt=before("draft_offer"))
        | Q(status=OfferStatus.WITHDRAWN, updated_at__lt=before("withdrawn_offer"))
    )
    live = HostOffer.objects.exclude(status__in=[OfferStatus.DRAFT, OfferStatus.WITHDRAWN]).values(
        "host_id"
    )
    hosts = Host.objects.filter(erased_at__isnull=True, offers__in=stale_offers).exclude(
        pk__in=live
    )
    for host in hosts.distinct().iterator():
        HostShredder.erase(host)
        log_access(actor=None, obj=host, action="host.erased", reason="retention")
        done["hosts"] += 1
    done["access_log"], _n = AccessLog.objects.filter(at__lt=before("access_log")).delete()
    cutoff = before("change_history")
    for model in (Household, Host, HostOffer):
        n, _n = model.history.filter(history_date__lt=cutoff).delete()
        done["history"] += n
    return done
