from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ConsentRecord, Household, Person


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    readonly_fields = ["level", "how", "recorded_by", "organization", "recorded_at"]
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "lead_name", "status", "organization", "arrival_place", "arrival_date"]
    list_filter = ["status", "source", "organization", "share_level"]
    # Contact details are encrypted, so they cannot be searched here.
    search_fields = ["lead_name", "arrival_place"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["phone_index", "email_index", "erased_at"]
    inlines = [PersonInline, ConsentInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "name", "age_band", "sex", "household"]
    list_filter = ["age_band", "sex"]
    raw_id_fields = ["household"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["household", "level", "organization", "recorded_by", "recorded_at"]
    list_filter = ["level"]
    raw_id_fields = ["household", "recorded_by"]
