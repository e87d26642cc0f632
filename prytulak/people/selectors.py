from django.db.models import Count, Q, QuerySet

from prytulak.orgs.scopes import Actor, Scope

from .models import Household


def household_scope_q(actor: Actor) -> Q | None:
    """The filter for households `actor` may see, or None when they may see none."""
    scope = actor.household_scope
    if scope == Scope.POOL:
        return (
            Q(organization=actor.organization)
            | Q(shared_with_pool=True)
            | Q(organization__isnull=True)
        )
    if scope == Scope.ORG:
        return Q(organization=actor.organization)
    if scope == Scope.OWN:
        return Q(created_by=actor.user)
    return None


def household_list(
    *,
    actor: Actor,
    q: str = "",
    status: str = "",
    country: str = "",
    min_size: int | None = None,
    with_children: bool | None = None,
    with_pets: bool | None = None,
) -> QuerySet[Household]:
    scope = household_scope_q(actor)
    if scope is None:
        return Household.objects.none()
    qs = (
        Household.objects.filter(scope)
        .select_related("organization")
        .annotate(
            member_count=Count("members", distinct=True),
            child_count=Count(
                "members", filter=Q(members__age_band__in=["0-4", "5-13", "14-17"]), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if q:
        text = Q(lead_name__icontains=q) | Q(arrival_place__icontains=q)
        if actor.sees_personal_data:
            text |= Q(phone__icontains=q) | Q(email__icontains=q)
        if q.isdigit():
            text |= Q(pk=int(q))
        qs = qs.filter(text)
    if status:
        qs = qs.filter(status=status)
    if country:
        # JSON text match works on SQLite and PostgreSQL alike.
        qs = qs.filter(preferred_countries__icontains=f'"{country}"')
    if min_size:
        qs = qs.filter(member_count__gte=min_size)
    if with_children is not None:
        qs = qs.filter(child_count__gt=0) if with_children else qs.filter(child_count=0)
    if with_pets is not None:
        qs = qs.filter(pets__gt=0) if with_pets else qs.filter(pets=0)
    return qs


def household_get(*, actor: Actor, pk: int) -> Household:
    """The household if `actor` may see it; raises Household.DoesNotExist otherwise."""
    scope = household_scope_q(actor)
    if scope is None:
        raise Household.DoesNotExist
    return Household.objects.filter(scope).prefetch_related("members").get(pk=pk)
