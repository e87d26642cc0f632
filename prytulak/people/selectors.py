import re

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from prytulak.audit.log import log_access
from prytulak.core.privacy import (
    email_index,
    messenger_index,
    name_key,
    name_tokens,
    normalise_phone,
    phone_index,
)
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import Actor, Scope
from prytulak.places.geocoder import place_keys

from .models import CHILD_BANDS, Household, Person, ShareLevel

SHARED = [ShareLevel.SUMMARY, ShareLevel.FULL]


# A record number typed in a search box: ASCII digits only ("²" and "①" are digits to
# str.isdigit() but not to int()), and short enough to be a primary key.
RECORD_NUMBER = re.compile(r"[0-9]{1,12}")


def household_scope_q(actor: Actor) -> Q | None:
    """The filter for households `actor` may see, or None when they may see none: the query
    twin of `capabilities.household_visible`."""
    if not actor.can("household.list"):
        return None
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
    # The counts are per-row subqueries, not a JOIN with GROUP BY: a page of 25 then costs 25
    # small index look-ups, where the GROUP BY aggregated every visible household first
    # (1.1 s at 100k households on PostgreSQL), and the paginator's COUNT needs no join.
    qs = (
        Household.objects.filter(scope)
        .select_related("organization")
        .annotate(
            member_count=_members_count(Q()),
            child_count=_members_count(Q(age_band__in=CHILD_BANDS)),
        )
        .order_by("-created_at", "-pk")
    )
    # PostgreSQL text holds no NUL: a search for one finds nothing instead of failing.
    q = q.replace("\x00", "")
    if q:
        # Names and contacts are searched only where the actor may read them, so a search
        # never tells that another organisation holds someone.
        personal = Q(lead_name__icontains=q) | _names_q(q)
        if actor.can("household.contact"):
            # Contacts are encrypted: search them by exact (normalised) value via the index.
            if "@" in q:
                personal |= Q(email_index=email_index(q))
            elif len(normalise_phone(q)) >= 7:
                personal |= Q(phone_index=phone_index(q))
        places = Q(arrival_place__icontains=q) | Q(arrival_place_key__in=place_keys(q))
        text = places | (personal & household_names_q(actor))
        if RECORD_NUMBER.fullmatch(q):
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


def _members_count(condition: Q) -> Coalesce:
    members = (
        Person.objects.filter(condition, household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


def _names_q(q: str) -> Q:
    """Households whose lead name or a member's name matches `q` in either script ("Olena"
    finds "Олена"): the plain lead name by its skeleton, the encrypted members' names by the
    blind indexes of their words, every word of `q` in the same person's name."""
    found = Q(pk__in=[])
    if len(key := name_key(q)) >= 2:
        found |= Q(lead_name_key__contains=key)
    if tokens := name_tokens(q):
        members = Person.objects.all()
        for token in tokens:
            members = members.filter(name_index__contains=token)
        found |= Q(pk__in=members.values("household_id"))
    return found


def household_get(*, actor: Actor, pk: int) -> Household:
    """The household if `actor` may see it; raises Household.DoesNotExist otherwise."""
    scope = household_scope_q(actor)
    if scope is None:
        raise Household.DoesNotExist
    return Household.objects.filter(scope).prefetch_related("members").get(pk=pk)


def household_contact_q(actor: Actor) -> Q:
    """The query twin of `capabilities.household_contact`: whose contacts the actor reads."""
    if not actor.can("household.contact"):
        return Q(pk__in=[])
    mine = Q(organization=actor.organization, erased_at__isnull=True)
    if actor.role != Role.COORDINATOR:
        return mine
    return mine | (
        (Q(organization__isnull=True) | Q(share_level=ShareLevel.FULL)) & Q(erased_at__isnull=True)
    )


def household_names_q(actor: Actor) -> Q:
    """Whose names the actor reads: their contacts, and their own organisation's households
    (viewers see names, never contacts); the query twin of `capabilities.household_name`."""
    return household_contact_q(actor) | Q(organization=actor.organization)


def household_contact(*, actor: Actor, household: Household, reason: str) -> Household | None:
    """The household with its contact details, names and notes readable, and the access
    logged, if `actor` may read them; None otherwise. Pages, forms, exports and the API
    reach a household's personal data only through this call."""
    if not actor.can("household.contact", household):
        return None
    log_access(
        actor=actor,
        obj=household,
        action="household.contact_viewed",
        fields=["lead_name", "phone", "email", "messenger", "needs", "notes", "members.name"],
        reason=reason,
    )
    return household


def household_duplicates(
    *,
    phone: str | None,
    email: str | None,
    messenger: str | None = None,
    exclude_pk: int | None = None,
) -> QuerySet[Household]:
    """Households of any organisation with the same phone, e-mail or messenger (by blind
    index). Show the actor only those they may see (`duplicates_for`); the rest are counted,
    not named."""
    match = Q(pk__in=[])
    if p := phone_index(phone):
        match |= Q(phone_index=p)
    if e := email_index(email):
        match |= Q(email_index=e)
    if m := messenger_index(messenger):
        match |= Q(messenger_index=m)
    qs = Household.objects.filter(match, erased_at__isnull=True).select_related("organization")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk")


def duplicates_for(
    *,
    actor: Actor,
    phone: str | None,
    email: str | None,
    messenger: str | None = None,
    exclude_pk: int | None = None,
) -> tuple[list[Household], int]:
    """Duplicates the actor may see by number, and how many others exist that they may not."""
    found = list(
        household_duplicates(phone=phone, email=email, messenger=messenger, exclude_pk=exclude_pk)
    )
    seen = [d for d in found if actor.can("household.view", d)]
    return seen, len(found) - len(seen)


def hidden_duplicates_text(hidden: int) -> str:
    """Duplicates the actor may not see are counted, never named."""
    return ngettext("%(n)d with another organisation", "%(n)d with other organisations", hidden) % {
        "n": hidden
    }
