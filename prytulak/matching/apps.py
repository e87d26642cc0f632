from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "prytulak.matching"
    label = "matching"
