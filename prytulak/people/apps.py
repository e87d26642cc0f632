from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "prytulak.people"
    label = "people"
