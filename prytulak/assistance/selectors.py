import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from prytulak.orgs.capabilities import SEES_CHILD_CASES
from prytulak.orgs.scopes import Actor

from .models import OPEN_CASE, Case, CaseStatus, CaseType, Referral, ReferralStatus, ServiceProvider


def case_scope(actor: Actor) -> QuerySet[Case]:
    """Cases of the actor's organisation; a case about a child only for its assignee,
    coordinators and child-protection officers (the query twin of
    `capabilities.case_visible`)."""
    if not actor.can("case.list"):
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
        if actor.can("referral.decide")
        else Referral.objects.none(),
    }


def providers(*, q: str = "", kind: str = "", country: str = "") -> QuerySet[ServiceProvider]:
    qs = ServiceProvider.objects.all()
    # PostgreSQL text holds no NUL: a search for one finds nothing instead of failing.
    q = q.replace("\x00", "")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country=country)
    return qs
