from django.urls import path

from . import views

# Outside the language prefix: the link is short (it goes in an SMS) and carries its language.
urlpatterns = [
    path("<str:token>/", views.link_page, name="link-page"),
    path("<str:token>/do/<slug:action>/", views.link_action, name="link-action"),
    path(
        "<str:token>/offers/<int:offer_id>/<slug:action>/",
        views.offer_action,
        name="link-offer-action",
    ),
]
