from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "prytulak.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin
        from django_otp.admin import OTPAdminSite

        from . import sessions  # noqa: F401 - connects the login/logout receivers

        if settings.REQUIRE_2FA:
            # django-otp's documented switch: the admin asks for the TOTP code as well.
            admin.site.__class__ = OTPAdminSite
