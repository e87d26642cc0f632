import datetime
import re

from django.db.models import Count, Q, QuerySet, Sum

from prytulak.audit.log import log_access
from prytulak.core.privacy import name_key
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import Actor, AnyActor
from prytulak.places.geocoder import place_keys

from .models import HOLDS_BEDS, Host, HostKind, HostOffer, OfferStatus, Placement

# A record number typed in a search box: ASCII digits only ("²" is a digit to str.isdigit()
# but not to int()), and short enough to be a primary key.
RECORD_NUMBER = re.compile(r"[0-9]{1,12}")


def offer_contact_q(actor: Actor) -> Q:
    """The query twin of `capabilities.offer_contact`: whose host the actor may read."""
    if not actor.can("offer.contact"):
        return Q(pk__in=[])
    mine = Q(organization=actor.organization)
    return mine | Q(organization__isnull=True) if actor.role == Role.COORDINATOR else mine


def offer_visible_q(actor: Actor) -> Q:
    """The query twin of `capabilities.offer_visible`: drafts stay in their organisation."""
    return ~Q(status=OfferStatus.DRAFT) | Q(organization=actor.organization)


def offer_list(
    *,
    actor: Actor,
    q: str = "",
    status: str = "",
    country: str = "",
    min_beds: int | None = None,
    pets: bool | None = None,
    children: bool | None = None,
    step_free: bool | None = None,
    language: str = "",
    available_on: datetime.date | None = None,
) -> QuerySet[HostOffer]:
    """Offers are a pool shared by all organisations; drafts stay in their organisation and
    are listed only when asked for by status."""
    if not actor.can("offer.list"):
        return HostOffer.objects.none()
    qs = HostOffer.objects.select_related("host", "organization").filter(offer_visible_q(actor))
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=OfferStatus.DRAFT)
    # PostgreSQL text holds no NUL: a search for one finds nothing instead of failing.
    q = q.replace("\x00", "")
    if q:
        # Hosts' names are searched only where the actor may read them; notes are
        # encrypted and not searched. Towns and names match in any script: the town by its
        # gazetteer id, the name by its transliterated skeleton.
        names = Q(host__name__icontains=q)
        if len(key := name_key(q)) >= 2:
            names |= Q(host__name_key__contains=key)
        text = (
            Q(city__icontains=q) | Q(place_key__in=place_keys(q)) | (names & offer_contact_q(actor))
        )
        if RECORD_NUMBER.fullmatch(q):
            text |= Q(pk=int(q))
        qs = qs.filter(text)
    if country:
        qs = qs.filter(country=country)
    if min_beds:
        qs = qs.filter(beds__gte=min_beds)
    if pets is not None:
        qs = qs.filter(pets_allowed=pets)
    if children is not None:
        qs = qs.filter(children_allowed=children)
    if step_free:
        qs = qs.filter(step_free=True)
    if language:
        qs = qs.filter(languages__icontains=f'"{language}"')
    if available_on:
        qs = qs.filter(available_from__lte=available_on).filter(
            Q(available_to__isnull=True) | Q(available_to__gte=available_on)
        )
    return qs


def offer_get(*, actor: Actor, pk: int) -> HostOffer:
    if not actor.can("offer.list"):
        raise HostOffer.DoesNotExist
    return (
        HostOffer.objects.select_related("host", "organization")
        .filter(offer_visible_q(actor))
        .get(pk=pk)
    )


def offer_contact(*, actor: Actor, offer: HostOffer, reason: str) -> Host | None:
    """The host with contact details (and the offer's exact address) readable, and the access
    logged, if `actor` may read them; None otherwise."""
    if not actor.can("offer.contact", offer):
        return None
    log_access(
        actor=actor,
        obj=offer.host,
        action="host.contact_viewed",
        fields=["name", "email", "phone", "messenger", "address"],
        reason=reason,
    )
    return offer.host


def placement_contacts(
    *, actor: AnyActor, placement: Placement, reason: str
) -> tuple[Host | None, object | None]:
    """(host, household) of a placement whose contacts the actor may read, each logged."""
    host = household = None
    fields = ["name", "email", "phone", "address"]
    if actor.can("placement.host_contact", placement):
        host = placement.offer.host
        log_access(
            actor=actor, obj=host, action="host.contact_viewed", fields=fields, reason=reason
        )
    if actor.can("placement.household_contact", placement):
        household = placement.household
        log_access(
            actor=actor,
            obj=household,
            action="household.contact_viewed",
            fields=["lead_name", "phone", "email"],
            reason=reason,
        )
    return host, household


def beds_taken(
    *,
    offer: HostOffer,
    start: datetime.date,
    end: datetime.date | None,
    exclude_pk: int | None = None,
) -> int:
    """Beds held on `offer` by placements overlapping [start, end] (end None = open)."""
    qs = Placement.objects.filter(offer=offer, status__in=HOLDS_BEDS)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("beds"))["total"] or 0


def offer_room(row: dict) -> tuple[int, int]:
    """Beds and household slots still free on an offer row with `beds`, `host__kind` and
    the live placements' `claimed_beds` / `claimed_slots` (a private home takes one
    household; a collective centre one per two beds). Matching runs load offers and
    propose to them by this same count."""
    slots = 1 if row["host__kind"] == HostKind.PERSON else max(1, row["beds"] // 2)
    beds_claimed = row.get("claimed_beds") or 0
    slots_claimed = row.get("claimed_slots") or 0
    return max(row["beds"] - beds_claimed, 0), max(slots - slots_claimed, 0)


def host_response(*, host: Host) -> dict[str, int | None]:
    """How often the host answered proposals: proposals, answered, rate in percent."""
    counts = Placement.objects.filter(offer__host=host).aggregate(
        proposals=Count("pk"), answered=Count("pk", filter=Q(host_responded_at__isnull=False))
    )
    total, answered = counts["proposals"], counts["answered"]
    return {
        "proposals": total,
        "answered": answered,
        "rate": round(100 * answered / total) if total else None,
    }


def placement_list(*, actor: Actor, status: str = "") -> QuerySet[Placement]:
    """Placements are seen by the organisations on either side of them."""
    if not actor.can("placement.list"):
        return Placement.objects.none()
    org = actor.organization.pk
    qs = Placement.objects.select_related("household__organization", "offer__host").filter(
        Q(household__organization_id=org) | Q(offer__organization_id=org)
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def placement_get(*, actor: Actor, pk: int) -> Placement:
    """The placement if the actor's organisation is on either side, or (for a coordinator)
    its matching run proposed it; DoesNotExist otherwise. The view asks `placement.view`."""
    if not actor.can("placement.list"):
        raise Placement.DoesNotExist
    org = actor.organization.pk
    sides = Q(household__organization_id=org) | Q(offer__organization_id=org)
    if actor.role == Role.COORDINATOR:
        sides |= Q(run__organization_id=org)
    placement = (
        Placement.objects.select_related("household__organization", "offer__host", "run")
        .filter(sides)
        .get(pk=pk)
    )
    if not actor.can("placement.view", placement):  # e.g. the pool household is no longer shared
        raise Placement.DoesNotExist
    return placement
