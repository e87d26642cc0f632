from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "prytulak.places"
    label = "places"
