from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "prytulak.intake"
    label = "intake"
