from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "prytulak.housing"
    label = "housing"
