from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("host/", views.host_offer, name="host"),
    path("host/thanks/", views.thanks_host, name="thanks-host"),
    path("host/confirm/<str:token>/", views.host_confirm, name="host-confirm"),
    path("host/reconfirm/<str:token>/", views.host_reconfirm, name="host-reconfirm"),
    path("need/", views.need_place, name="need"),
    path("need/thanks/", views.thanks_household, name="thanks-household"),
    path("need/thanks/children/", views.thanks_children, name="thanks-children"),
]
