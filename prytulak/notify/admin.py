from django.contrib import admin

from .models import TelegramLink


@admin.register(TelegramLink)
class TelegramLinkAdmin(admin.ModelAdmin):
    list_display = ["host", "chat_id", "language", "created_at"]
    readonly_fields = ["host", "chat_id", "language", "created_at"]
