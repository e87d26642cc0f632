from django.urls import path

from . import views

urlpatterns = [
    path("2fa/", views.two_factor, name="two-factor"),
]
