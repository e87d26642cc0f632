import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from prytulak.orgs.models import Role
from prytulak.orgs.scopes import Actor

from .models import OPEN_CASE, Case, CaseStatus, CaseType, Referral, ReferralStatus, ServiceProvider

SEES_CHILD_CASES = {Role.COORDINATOR, Role.CHILD_PROTECTION}


def cases_visible(actor: Actor) -> bool:
    return actor.sees_personal_data


def case_scope(actor: Actor) -> QuerySet[Case]:
    """Cases of the actor's organisation; a case about a child only for its assignee,
    coordinators and child-protection officers."""
    if not cases_visible(actor):
        return Case.objects.none()
    qs = Case.objects.filter(organization=actor.organization)
    if actor.role not in SEES_CHILD_CASES:
        qs = qs.filter(Q(child=False) | Q(assignee=actor.user))
    return qs.select_related("household", "person", "assignee", "provider")


def dashboard(*, actor: Actor, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    scope = case_scope(actor)
    open_cases = scope.filter(status__in=OPEN_CASE)
    counts = {
        (row["type"], row["status"]): row["n"]
        for row in scope.values("type", "status").annotate(n=Count("pk")).order_by()
    }
    table = [
        (label, [counts.get((value, status), 0) for status in CaseStatus.values])
        for value, label in CaseType.choices
    ]
    return {
        "mine": open_cases.filter(assignee=actor.user),
        "overdue": open_cases.filter(due_on__lt=today),
        "table": table,
        "statuses": CaseStatus.labels,
        "incoming": Referral.objects.filter(
            to_organization=actor.organization, status=ReferralStatus.PENDING
        ).select_related("case", "from_organization")
        if actor.verifies_offers
        else Referral.objects.none(),
    }


def providers(*, q: str = "", kind: str = "", country: str = "") -> QuerySet[ServiceProvider]:
    qs = ServiceProvider.objects.all()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country=country)
    return qs
