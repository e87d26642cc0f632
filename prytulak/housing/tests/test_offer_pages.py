import datetime

from django.urls import reverse
from django.utils import timezone

from prytulak.conftest import make_offer
from prytulak.housing.models import HostOffer, OfferStatus


def test_staff_add_an_offer_which_then_waits_for_verification(client, caseworker_a):
    client.force_login(caseworker_a)
    start = timezone.localdate()
    response = client.post(
        reverse("offer-create"),
        {
            "kind": "organization",
            "household_type": "nobody",
            "name": "Parafia św. Jana",
            "email": "parafia@example.org",
            "phone": "",
            "city": "Gdańsk",
            "country": "PL",
            "beds": "20",
            "available_from": (start - datetime.timedelta(days=10)).isoformat(),
            "available_to": "",
            "children_allowed": "on",
            "languages": ["pl"],
            "is_free": "on",
        },
    )
    offer = HostOffer.objects.get()
    assert response.status_code == 302
    assert offer.status == OfferStatus.AWAITING
    assert offer.latitude > 54


def test_the_offer_list_filters_by_country_and_beds(client, caseworker_a, org_a):
    make_offer(org_a, city="Kraków", beds=2)
    make_offer(org_a, city="Berlin", country="DE", beds=6)
    client.force_login(caseworker_a)
    text = client.get(reverse("offer-list"), {"country": "DE"}).text
    assert "Berlin" in text and "Kraków" not in text
    text = client.get(reverse("offer-list"), {"min_beds": "5"}).text
    assert "Berlin" in text and "Kraków" not in text


def test_drafts_are_not_listed(client, caseworker_a, org_a):
    make_offer(None, city="Poznań", status=OfferStatus.DRAFT)
    client.force_login(caseworker_a)
    assert "Poznań" not in client.get(reverse("offer-list")).text


def test_a_coordinator_verifies_from_the_offer_page(client, coordinator_a, org_a):
    offer = make_offer(None, status=OfferStatus.AWAITING)
    client.force_login(coordinator_a)
    page = client.get(offer.get_absolute_url())
    assert offer.host.email in page.text  # coordinators check unverified hosts
    refused = client.post(reverse("offer-verify", args=[offer.pk]), follow=True)
    assert "Say which document you checked." in refused.text
    response = client.post(
        reverse("offer-verify", args=[offer.pk]), {"document_type": "passport"}, follow=True
    )
    assert "Offer verified and active." in response.text
    check = offer.host.verifications.get()
    assert (check.checked_by, check.document_type) == (coordinator_a, "passport")
    offer.refresh_from_db()
    assert offer.organization == org_a


def test_a_caseworker_proposes_an_offer_for_a_waiting_household(client, caseworker_a, org_a):
    from prytulak.conftest import make_household
    from prytulak.housing.models import Placement

    offer = make_offer(org_a, beds=3)
    household = make_household(org_a, name="Waiting Family", people=2)
    client.force_login(caseworker_a)
    page = client.get(offer.get_absolute_url())
    assert "Waiting Family" in page.text  # offered in the household choice
    response = client.post(reverse("offer-propose", args=[offer.pk]), {"household": household.pk})
    placement = Placement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/placements/{placement.pk}/"
    )
    assert (placement.household, placement.offer) == (household, offer)
    refused = client.post(
        reverse("offer-propose", args=[offer.pk]), {"household": 999999}, follow=True
    )
    assert "Choose a waiting household of your organisation." in refused.text
