from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.orgs.scopes import actor_for

from . import services
from .models import Host, HostOffer, Placement


class OfferInline(admin.TabularInline):
    model = HostOffer
    extra = 0
    fields = ["city", "country", "beds", "status", "available_from", "available_to"]
    show_change_link = True


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "household_type", "verification", "email", "email_confirmed_at"]
    list_filter = ["kind", "household_type", "verification"]
    search_fields = ["name", "email", "phone"]
    inlines = [OfferInline]


@admin.register(HostOffer)
class HostOfferAdmin(admin.ModelAdmin):
    list_display = ["pk", "city", "country", "beds", "status", "organization", "available_from"]
    list_filter = ["status", "country", "pets_allowed", "children_allowed", "organization"]
    search_fields = ["city", "host__name", "host__email"]
    raw_id_fields = ["host"]
    actions = ["verify"]

    @admin.action(description=_("Verify the selected offers for my organisation"))
    def verify(self, request, queryset):
        actor = actor_for(request.user)
        if actor is None:
            self.message_user(
                request, _("You are not a member of an organisation."), messages.ERROR
            )
            return
        done = 0
        for offer in queryset:
            try:
                services.offer_verify(offer=offer, actor=actor)
                done += 1
            except (ServiceError, NotAllowed) as exc:
                self.message_user(request, f"#{offer.pk}: {exc}", messages.WARNING)
        self.message_user(request, _("%(n)d offers verified.") % {"n": done})


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["pk", "household", "offer", "beds", "status", "start_date", "end_date"]
    list_filter = ["status"]
    raw_id_fields = ["household", "offer", "created_by"]
