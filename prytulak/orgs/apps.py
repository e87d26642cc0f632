from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "prytulak.orgs"
    label = "orgs"
