from django.contrib import admin

from .models import ApiToken, IdempotencyKey


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "organization",
        "user",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["organization"]
    readonly_fields = ["prefix", "key_hash", "created_by", "created_at", "last_used_at"]
    search_fields = ["name", "prefix"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "token", "status", "created_at"]
    readonly_fields = [
        "token",
        "key",
        "request_hash",
        "status",
        "object_type",
        "object_id",
        "created_at",
    ]
