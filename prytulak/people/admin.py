from django.contrib import admin

from .models import Household, Person


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["pk", "lead_name", "status", "organization", "arrival_place", "arrival_date"]
    list_filter = ["status", "source", "organization", "shared_with_pool"]
    search_fields = ["lead_name", "phone", "email", "arrival_place"]
    raw_id_fields = ["created_by"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "age_band", "sex", "household"]
    list_filter = ["age_band", "sex"]
    raw_id_fields = ["household"]
