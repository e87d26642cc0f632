from django.db.models import Count, Q, QuerySet

from prytulak.core.privacy import email_index, normalise_phone, phone_index
from prytulak.orgs.scopes import Actor, Scope

from .models import CHILD_BANDS, Household, ShareLevel

SHARED = [ShareLevel.SUMMARY, ShareLevel.FULL]


def household_scope_q(actor: Actor) -> Q | None:
    """The filter for households `actor` may see, or None when they may see none."""
    scope = actor.household_scope
    if scope == Scope.POOL:
        return (
            Q(organization=actor.organization)
            | Q(share_level__in=SHARED)
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
                "members", filter=Q(members__age_band__in=CHILD_BANDS), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if q:
        text = Q(lead_name__icontains=q) | Q(arrival_place__icontains=q)
        if actor.sees_personal_data:
            # Contacts are encrypted: search them by exact (normalised) value via the index.
            if "@" in q:
                text |= Q(email_index=email_index(q))
            elif len(normalise_phone(q)) >= 7:
                text |= Q(phone_index=phone_index(q))
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


def household_sees_contact(*, actor: Actor, household: Household) -> bool:
    """Contact details and notes: the household's own organisation; a coordinator for an
    unclaimed public registration; partners only when the household shared everything."""
    if not actor.sees_personal_data or household.erased_at is not None:
        return False
    if household.organization_id == actor.organization.pk:
        return True
    if household.organization_id is None:
        return actor.verifies_offers
    return household.share_level == ShareLevel.FULL and actor.household_scope == Scope.POOL


def household_duplicates(
    *, phone: str | None, email: str | None, exclude_pk: int | None = None
) -> QuerySet[Household]:
    """Households of any organisation with the same phone or e-mail (by blind index). Only
    their number and organisation are shown, so a duplicate warning leaks no contact data."""
    match = Q(pk__in=[])
    if p := phone_index(phone):
        match |= Q(phone_index=p)
    if e := email_index(email):
        match |= Q(email_index=e)
    qs = Household.objects.filter(match, erased_at__isnull=True).select_related("organization")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk")
