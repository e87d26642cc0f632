from django.contrib import admin

from .models import Case, CaseEvent, Referral, ServiceProvider


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "country", "capacity"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city"]


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["at", "by", "what"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["pk", "type", "status", "organization", "assignee", "due_on", "child"]
    list_filter = ["type", "status", "child", "unaccompanied_minor", "organization"]
    raw_id_fields = ["household", "person", "assignee", "provider", "created_by"]
    inlines = [EventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "at", "by", "what"]
    raw_id_fields = ["case", "by"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["case", "from_organization", "to_organization", "status", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["case", "sent_by", "decided_by"]
