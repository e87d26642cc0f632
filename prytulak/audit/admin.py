from django.contrib import admin
from django.http import HttpRequest

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is evidence, nobody edits it."""

    list_display = ["at", "user", "organization", "action", "object_type", "object_id", "reason"]
    list_filter = ["action", "object_type", "organization"]
    search_fields = ["user__username", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
