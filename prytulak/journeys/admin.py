from django.contrib import admin

from .models import Booking, BorderCrossing, Journey, JourneyAlert, JourneyLeg, Trip


@admin.register(BorderCrossing)
class BorderCrossingAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind", "status", "status_updated_at"]
    list_filter = ["country", "kind", "status"]
    search_fields = ["name", "name_uk", "code"]
    readonly_fields = ["status_updated_at", "status_updated_by"]


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    raw_id_fields = ["household", "requested_by", "decided_by"]


@admin.register(Trip)
class TripAdmin(admin.ModelAdmin):
    list_display = ["pk", "origin", "destination", "crossing", "depart_earliest", "seats", "status"]
    list_filter = ["status", "organization", "crossing"]
    search_fields = ["origin", "destination", "vehicle"]
    raw_id_fields = ["driver", "created_by", "verified_by"]
    inlines = [BookingInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["pk", "trip", "household", "seats", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["trip", "household", "requested_by", "decided_by"]


class LegInline(admin.TabularInline):
    model = JourneyLeg
    extra = 0
    raw_id_fields = ["booking", "crossing"]


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ["pk", "household", "status", "expected_arrival", "arrived_at"]
    list_filter = ["status"]
    raw_id_fields = ["household", "placement", "arrival_confirmed_by"]
    inlines = [LegInline]


@admin.register(JourneyLeg)
class JourneyLegAdmin(admin.ModelAdmin):
    list_display = ["journey", "order", "kind", "from_place", "to_place", "done_at"]
    raw_id_fields = ["journey", "booking", "crossing"]


@admin.register(JourneyAlert)
class JourneyAlertAdmin(admin.ModelAdmin):
    list_display = ["journey", "created_at", "resolved_at"]
    raw_id_fields = ["journey", "resolved_by"]
