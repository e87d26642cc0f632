from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AidRequest,
    AidRequestLine,
    Donation,
    Item,
    Pledge,
    Shipment,
    ShipmentLine,
    StockMove,
    Warehouse,
)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "category", "medical"]
    list_filter = ["category", "medical"]
    search_fields = ["name"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "organization"]
    list_filter = ["organization", "country"]


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["pk", "warehouse", "received_on"]
    raw_id_fields = ["received_by"]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["reference", "amount", "currency", "organization", "recorded_at"]


class RequestLineInline(admin.TabularInline):
    model = AidRequestLine
    extra = 0


@admin.register(AidRequest)
class AidRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "recipient", "place", "urgency", "status", "organization"]
    list_filter = ["status", "urgency", "organization"]
    search_fields = ["recipient", "place"]
    raw_id_fields = ["created_by"]
    inlines = [RequestLineInline]


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["pk", "warehouse", "destination", "status", "packed_at", "delivered_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "packed_by"]
    inlines = [ShipmentLineInline]


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    """The ledger is read-only: corrections are new moves, made through the services."""

    list_display = ["created_at", "warehouse", "item", "lot", "expiry", "quantity", "kind"]
    list_filter = ["kind", "warehouse"]
    search_fields = ["item__name", "lot"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
