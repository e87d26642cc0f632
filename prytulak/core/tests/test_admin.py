import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from prytulak.conftest import make_household, make_offer

OUR_APPS = {
    "orgs",
    "people",
    "housing",
    "matching",
    "audit",
    "accounts",
    "journeys",
    "aid",
    "assistance",
    "api",
}


def _request():
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="root")
    return request


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


def test_every_model_of_ours_is_in_the_admin_and_its_pages_load(
    superuser_client, org_a, caseworker_a
):
    make_household(org_a)
    offer = make_offer(org_a)
    models = [m for m in admin.site._registry if m._meta.app_label in OUR_APPS]
    assert {m.__name__ for m in models} >= {
        "Organization",
        "Membership",
        "Household",
        "Person",
        "Host",
        "HostOffer",
        "Placement",
        "HostVerification",
        "PlacementEvent",
        "CheckIn",
        "ProblemReport",
        "ConsentRecord",
        "AccessLog",
        "SessionRecord",
        "BorderCrossing",
        "Trip",
        "Booking",
        "Journey",
        "JourneyLeg",
        "JourneyAlert",
    }
    for model in models:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superuser_client.get(changelist).status_code == 200, changelist
        assert superuser_client.get(changelist, {"q": "x"}).status_code == 200
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        expected = 200 if admin.site._registry[model].has_add_permission(_request()) else 403
        assert superuser_client.get(add).status_code == expected, add
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert superuser_client.get(change).status_code == 200, change
    assert offer.pk
