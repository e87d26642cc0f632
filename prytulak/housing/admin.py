from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CheckIn,
    Host,
    HostOffer,
    HostVerification,
    Placement,
    PlacementEvent,
    ProblemReport,
)


class OfferInline(admin.TabularInline):
    model = HostOffer
    extra = 0
    fields = ["city", "country", "beds", "status", "available_from", "available_to"]
    show_change_link = True


class VerificationInline(admin.TabularInline):
    model = HostVerification
    extra = 0
    fields = ["level", "organization", "checked_by", "checked_at", "document_type"]
    readonly_fields = ["level", "organization", "checked_by", "checked_at", "document_type"]
    can_delete = False


@admin.register(Host)
class HostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "household_type", "verification", "email_confirmed_at"]
    list_filter = ["kind", "household_type", "verification"]
    search_fields = ["name"]  # e-mail and phone are encrypted
    readonly_fields = ["email_index", "phone_index", "erased_at"]
    inlines = [VerificationInline, OfferInline]


@admin.register(HostOffer)
class HostOfferAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "city", "country", "beds", "status", "organization", "available_from"]
    list_filter = ["status", "country", "pets_allowed", "children_allowed", "organization"]
    search_fields = ["city", "host__name"]
    raw_id_fields = ["host"]


class EventInline(admin.TabularInline):
    model = PlacementEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]
    can_delete = False


@admin.register(Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "household", "offer", "beds", "status", "start_date", "end_date"]
    list_filter = ["status"]
    raw_id_fields = ["household", "offer", "created_by", "run"]
    inlines = [EventInline]


@admin.register(HostVerification)
class HostVerificationAdmin(admin.ModelAdmin):
    list_display = ["host", "level", "organization", "checked_by", "checked_at", "document_type"]
    list_filter = ["level", "document_type"]
    raw_id_fields = ["host", "checked_by"]


@admin.register(PlacementEvent)
class PlacementEventAdmin(admin.ModelAdmin):
    list_display = ["placement", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    raw_id_fields = ["placement", "by"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["placement", "due_on", "done_at", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["placement", "done_by"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["placement", "side", "created_at", "resolved_at"]
    list_filter = ["side"]
    raw_id_fields = ["placement", "recorded_by"]
