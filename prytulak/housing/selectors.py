import datetime

from django.db.models import Count, Q, QuerySet, Sum

from prytulak.orgs.scopes import Actor, Scope

from .models import HOLDS_BEDS, Host, HostOffer, OfferStatus, Placement


def offers_visible(actor: Actor) -> bool:
    return actor.household_scope != Scope.NONE


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
    """Offers are a pool shared by all organisations; drafts stay hidden until confirmed."""
    if not offers_visible(actor):
        return HostOffer.objects.none()
    qs = HostOffer.objects.select_related("host", "organization")
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=OfferStatus.DRAFT)
    if q:
        text = Q(city__icontains=q) | Q(host__name__icontains=q)
        if q.isdigit():
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
    if not offers_visible(actor):
        raise HostOffer.DoesNotExist
    return HostOffer.objects.select_related("host", "organization").get(pk=pk)


def offer_sees_contact(*, actor: Actor, offer: HostOffer) -> bool:
    """Host contact and exact address: the verifying organisation, or any coordinator
    while the offer still waits for an organisation to verify it."""
    if not actor.sees_personal_data:
        return False
    if offer.organization_id is None:
        return actor.verifies_offers
    return offer.organization_id == actor.organization.pk


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
    if not offers_visible(actor):
        return Placement.objects.none()
    org = actor.organization.pk
    qs = Placement.objects.select_related("household__organization", "offer__host").filter(
        Q(household__organization_id=org) | Q(offer__organization_id=org)
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def placement_get(*, actor: Actor, pk: int) -> Placement:
    """The placement if the actor's organisation is on either side; DoesNotExist otherwise."""
    return placement_list(actor=actor).get(pk=pk)
