from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "prytulak.core"
    label = "core"
