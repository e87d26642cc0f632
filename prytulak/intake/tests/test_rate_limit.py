"""The public forms' rate limit: per real client address behind the proxy, counting only
accepted submissions, and keeping what was typed when the limit is reached."""

import pytest

from prytulak.housing.models import HostOffer
from prytulak.people.models import Household

from .test_host_intake import valid_post as host_post
from .test_need_intake import valid_post as need_post


@pytest.fixture
def three_an_hour(settings):
    settings.INTAKE_RATE = "3/h"


def test_behind_the_proxy_each_client_has_its_own_limit(client, db, settings, three_an_hour):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for i in range(10):
        response = client.post(
            "/en/host/",
            host_post(email=f"h{i}@example.org"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 1}",
        )
        assert response.status_code == 302, i
    assert HostOffer.objects.count() == 10
    # One client is still held to the limit, whatever the others did.
    for i in range(3):
        client.post(
            "/en/host/", host_post(email=f"x{i}@example.org"), HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
    response = client.post(
        "/en/host/", host_post(email="x4@example.org"), HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert response.status_code == 429


def test_a_client_that_is_not_a_trusted_proxy_cannot_dodge_the_limit_with_a_header(
    client, db, three_an_hour
):
    for i in range(3):
        client.post(
            "/en/host/", host_post(email=f"h{i}@example.org"), HTTP_X_FORWARDED_FOR=f"10.9.9.{i}"
        )
    response = client.post(
        "/en/host/", host_post(email="h9@example.org"), HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert response.status_code == 429


def test_forms_sent_back_with_errors_do_not_count(client, db, three_an_hour):
    for _ in range(5):
        assert client.post("/en/host/", host_post(beds="0")).status_code == 200
        assert client.post("/en/need/", need_post(phone="call me")).status_code == 200
    for i in range(3):
        assert client.post("/en/host/", host_post(email=f"h{i}@example.org")).status_code == 302
        assert client.post("/en/need/", need_post()).status_code == 302
    assert HostOffer.objects.count() == 3
    assert Household.objects.count() == 3


def test_at_the_limit_the_host_form_comes_back_with_what_was_typed(client, db, three_an_hour):
    for i in range(3):
        client.post("/en/host/", host_post(email=f"h{i}@example.org"))
    response = client.post("/en/host/", host_post(email="late@example.org", notes="Kot w domu."))
    assert response.status_code == 429
    assert "Too many forms were sent from your connection" in response.text
    assert 'value="Agnieszka Nowak"' in response.text
    assert 'value="late@example.org"' in response.text
    assert "Kot w domu." in response.text
    assert HostOffer.objects.count() == 3


def test_at_the_limit_the_need_form_comes_back_with_what_was_typed_in_the_visitors_language(
    client, db, three_an_hour
):
    for _ in range(3):
        client.post("/uk/need/", need_post())
    response = client.post("/uk/need/", need_post(preferred_cities="Gdańsk"))
    assert response.status_code == 429
    assert "Забагато" in response.text
    assert "Оксана Шевченко" in response.text
    assert "Gdańsk" in response.text
    assert Household.objects.count() == 3


def test_the_form_accepts_submissions_while_the_cache_is_down(client, db, settings):
    """Redis unreachable: the rate limit cannot count, RATELIMIT_FAIL_OPEN lets people in, and
    the page does not fail."""
    settings.CACHES = {  # the settings fixture resets Django's cache handler on change
        "default": {
            "BACKEND": "prytulak.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",  # nothing listens there
        }
    }
    settings.RATELIMIT_FAIL_OPEN = True
    response = client.post("/uk/need/", need_post())
    assert response.status_code == 302
    assert Household.objects.count() == 1


def test_without_fail_open_the_form_waits_for_the_cache(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "prytulak.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",
        }
    }
    settings.RATELIMIT_FAIL_OPEN = False
    response = client.post("/uk/need/", need_post())
    assert response.status_code == 429
    assert Household.objects.count() == 0
