from django.contrib import admin

from .models import MatchingRun, Unplaced


class UnplacedInline(admin.TabularInline):
    model = Unplaced
    extra = 0
    raw_id_fields = ["household"]


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "organization", "scope", "country", "status", "progress", "created_at"]
    list_filter = ["status", "scope", "organization"]
    readonly_fields = ["summary", "error"]
    inlines = [UnplacedInline]
