from django.urls import path

from . import views

urlpatterns = [
    path("offers/", views.offers_json, name="map-offers"),
    path("offers/<int:pk>/", views.offer_json, name="map-offer"),
    path("places/", views.places_json, name="map-places"),
    path("households/", views.households_json, name="map-households"),
    path("crossings/", views.crossings_json, name="map-crossings"),
    path("trips/", views.trips_json, name="map-trips"),
    path("services/", views.services_json, name="map-services"),
    path("placements/<int:pk>/route/", views.placement_route_json, name="map-route"),
]
