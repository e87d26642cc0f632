from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "prytulak.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib import admin

        from . import admin_policy, checks  # noqa: F401 - checks registers the deploy checks

        # The admin's own ready() (listed before us) has imported every admin module.
        admin_policy.apply(admin.site)
