"""Radios start unselected, phones are real numbers, a private home has a sensible number
of beds: on the public forms, the staff form and the service they share."""

import re

import pytest
from django.utils import timezone

from prytulak.core.errors import ServiceError
from prytulak.housing import services as housing_services
from prytulak.housing.models import HostOffer
from prytulak.intake.tests.test_host_intake import valid_post as host_post
from prytulak.intake.tests.test_need_intake import valid_post as need_post
from prytulak.orgs.scopes import actor_for


def _radios(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}"[^>]*>', html)


def test_no_radio_starts_on_an_empty_or_made_up_answer(client, db):
    html = client.get("/en/host/").content.decode()
    for name in ("kind", "household_type"):
        radios = _radios(html, name)
        assert radios, name
        assert not [r for r in radios if "checked" in r], name
        assert not [r for r in radios if 'value=""' in r], name
    assert "---------" not in html


@pytest.mark.parametrize("field", ["kind", "household_type"])
def test_a_radio_left_empty_gets_a_clear_error(client, db, field):
    post = host_post()
    del post[field]
    response = client.post("/en/host/", post)
    assert response.status_code == 200
    assert field in response.context["host_form"].errors
    assert HostOffer.objects.count() == 0


@pytest.mark.parametrize("phone", ["abc", "12", "+1 000", "phone me"])
def test_a_host_phone_that_is_no_number_is_refused(client, db, phone):
    response = client.post("/en/host/", host_post(phone=phone))
    assert response.status_code == 200
    assert "phone" in response.context["host_form"].errors
    assert HostOffer.objects.count() == 0


@pytest.mark.parametrize("phone", ["abc", "1234567", "+380 00"])
def test_a_household_phone_that_is_no_number_is_refused(client, db, phone):
    response = client.post("/en/need/", need_post(phone=phone))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors


def test_real_numbers_with_their_country_code_are_accepted(client, db):
    assert client.post("/en/host/", host_post(phone="+48 601 234 567")).status_code == 302
    assert client.post("/en/need/", need_post(phone="+380 67 123 45 67")).status_code == 302


def test_a_private_person_cannot_offer_500_beds(client, db):
    response = client.post("/uk/host/", host_post(beds="500"))
    assert response.status_code == 200
    assert HostOffer.objects.count() == 0
    errors = response.context["form"].errors
    assert "beds" in errors
    assert "20" in errors["beds"][0] and "колектив" in errors["beds"][0].lower()


def test_a_collective_centre_may_offer_many_beds(client, db):
    post = host_post(kind="organization", household_type="nobody", beds="300")
    assert client.post("/en/host/", post).status_code == 302
    assert HostOffer.objects.get().beds == 300


def test_the_service_refuses_it_for_the_api_and_imports_too(coordinator_a):
    actor = actor_for(coordinator_a)
    host = {"kind": "person", "household_type": "family", "name": "Jan", "phone": "+48600100200"}
    offer = {
        "city": "Kraków",
        "country": "PL",
        "latitude": 50.06,
        "longitude": 19.94,
        "beds": 21,
        "available_from": timezone.localdate(),
        "languages": ["pl"],
    }
    with pytest.raises(ServiceError) as exc:
        housing_services.host_offer_submit(host=host, offer=offer, actor=actor)
    assert "20" in " ".join(exc.value.messages)
    offer["beds"] = 20
    assert housing_services.host_offer_submit(host=host, offer=offer, actor=actor).beds == 20


def test_a_staff_edit_cannot_raise_a_private_home_past_the_limit(coordinator_a, offer_a):
    actor = actor_for(coordinator_a)
    with pytest.raises(ServiceError):
        housing_services.offer_update(offer=offer_a, actor=actor, data={"beds": 40})
    offer_a.refresh_from_db()
    assert offer_a.beds == 3
