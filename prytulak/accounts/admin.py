from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import SessionRecord
from .sessions import sessions_end


@admin.register(SessionRecord)
class SessionRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "user_agent"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "session_key", "created_at", "user_agent"]


class PrytulakUserAdmin(UserAdmin):
    actions = ["end_sessions"]

    @admin.action(description=_("End all login sessions"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = sum(sessions_end(user=user) for user in queryset)
        self.message_user(
            request,
            ngettext("%(n)d session ended.", "%(n)d sessions ended.", ended) % {"n": ended},
            messages.SUCCESS,
        )


admin.site.unregister(User)
admin.site.register(User, PrytulakUserAdmin)
