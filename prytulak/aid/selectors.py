import datetime

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from prytulak.orgs.scopes import Actor

from .models import AidRequest, RequestStatus, Shipment, ShipmentStatus, StockMove, Warehouse

EXPIRING_DAYS = 60


def aid_visible(actor: Actor) -> bool:
    return actor.can("aid.view")


def stock_rows(*, actor: Actor) -> list[dict]:
    """Stock on hand per warehouse, item, lot and expiry for the actor's organisation, with
    whether the lot has expired or expires within EXPIRING_DAYS."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_DAYS)
    rows = (
        StockMove.objects.filter(warehouse__organization=actor.organization)
        .values("warehouse__name", "warehouse__city", "item__name", "item__unit", "lot", "expiry")
        .annotate(quantity=Sum("quantity"))
        .filter(quantity__gt=0)
        .order_by("warehouse__name", "item__name", "expiry", "lot")
    )
    for row in rows:
        expiry = row["expiry"]
        row["expired"] = expiry is not None and expiry < today
        row["expiring"] = expiry is not None and today <= expiry <= soon
    return list(rows)


def warehouses(*, actor: Actor) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(organization=actor.organization)


def requests(*, actor: Actor) -> QuerySet[AidRequest]:
    return (
        AidRequest.objects.filter(organization=actor.organization)
        .prefetch_related("lines__item")
        .order_by("-urgency", "created_at")
    )


def shipments(*, actor: Actor) -> QuerySet[Shipment]:
    return Shipment.objects.filter(warehouse__organization=actor.organization).select_related(
        "warehouse", "request"
    )


def request_counts(*, actor: Actor) -> dict[str, int]:
    """Requests by status (its label in the reader's language): open vs fulfilled."""
    rows = (
        AidRequest.objects.filter(organization=actor.organization)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {str(RequestStatus(status).label): n for status, n in rows}


def shipment_counts(*, actor: Actor) -> dict[str, int]:
    rows = (
        Shipment.objects.filter(warehouse__organization=actor.organization)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {str(ShipmentStatus(status).label): n for status, n in rows}
