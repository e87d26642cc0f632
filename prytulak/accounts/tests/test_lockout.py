"""The login lockout behind a reverse proxy: failures lock a username from one client
address, and an address that fails on many usernames, never the whole site or a user
everywhere."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

PASSWORD = "pw-for-tests-only-1"  # noqa: S105
ATTACKER = "203.0.113.5"


@pytest.fixture
def behind_proxy(settings):
    # The test client connects from 127.0.0.1: that is our nginx here.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20


def log_in(username, password, client_address=None):
    extra = {"HTTP_X_FORWARDED_FOR": client_address} if client_address else {}
    return Client().post(reverse("login"), {"username": username, "password": password}, **extra)


def test_failures_from_one_client_lock_neither_other_clients_nor_the_user_elsewhere(
    behind_proxy, caseworker_a, viewer_a
):
    for _ in range(4):
        assert log_in(caseworker_a.username, "wrong", ATTACKER).status_code == 200
    assert log_in(caseworker_a.username, "wrong", ATTACKER).status_code == 429
    # The user is locked out from the address that guessed, even with the right password…
    assert log_in(caseworker_a.username, PASSWORD, ATTACKER).status_code == 429
    # …but another client behind the same proxy logs in…
    assert log_in(viewer_a.username, PASSWORD, "198.51.100.7").status_code == 302
    # …and so does the user from their own address.
    assert log_in(caseworker_a.username, PASSWORD, "192.0.2.9").status_code == 302


def test_an_address_that_tries_many_usernames_is_locked_out(behind_proxy, viewer_a):
    for i in range(19):
        assert log_in(f"guess{i}", "wrong", ATTACKER).status_code == 200
    assert log_in("guess-last", "wrong", ATTACKER).status_code == 429
    assert log_in(viewer_a.username, PASSWORD, ATTACKER).status_code == 429
    assert log_in(viewer_a.username, PASSWORD, "198.51.100.7").status_code == 302


def test_a_successful_login_does_not_wipe_an_addresss_other_failures(behind_proxy, viewer_a):
    # A sprayer with an account of their own cannot reset the address count by logging in.
    for i in range(19):
        log_in(f"guess{i}", "wrong", ATTACKER)
    assert log_in(viewer_a.username, PASSWORD, ATTACKER).status_code == 302
    log_in("guess-last", "wrong", ATTACKER)
    assert log_in(viewer_a.username, PASSWORD, ATTACKER).status_code == 429


def test_a_client_that_is_not_a_trusted_proxy_cannot_dodge_the_lockout_with_a_header(
    settings, caseworker_a
):
    settings.TRUSTED_PROXIES = []
    settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        log_in(caseworker_a.username, "wrong", f"198.51.100.{i}")
    assert log_in(caseworker_a.username, PASSWORD, "192.0.2.200").status_code == 429


def test_staff_unlock_a_user_with_the_management_command(behind_proxy, caseworker_a):
    from django.core.management import call_command

    for _ in range(5):
        log_in(caseworker_a.username, "wrong", ATTACKER)
    call_command("axes_reset_username", caseworker_a.username, verbosity=0)
    assert log_in(caseworker_a.username, PASSWORD, ATTACKER).status_code == 302
    assert User.objects.filter(username=caseworker_a.username).exists()
