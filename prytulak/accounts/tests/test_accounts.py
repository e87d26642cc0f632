"""Second login step for roles that see personal data, lockout, session limits, ending
sessions, and the security headers."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from prytulak.accounts.sessions import LOGIN_AT
from prytulak.conftest import VerifiedClient, make_household

PASSWORD = "pw-for-tests-only-1"  # noqa: S105


def _log_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def _code(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def test_a_caseworker_sets_up_an_authenticator_before_seeing_personal_data(caseworker_a, org_a):
    household = make_household(org_a)
    client = Client()
    assert _log_in(client, caseworker_a).status_code == 302
    response = client.get(reverse("household-detail", args=[household.pk]))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    setup = client.get(response["Location"])
    assert "<svg" in setup.text and "Scan this code" in setup.text
    device = TOTPDevice.objects.get(user=caseworker_a, confirmed=False)
    wrong = client.post(reverse("two-factor"), {"token": "000000"})
    assert "That code is not right" in wrong.text
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above started django-otp's back-off
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post(
        reverse("two-factor"),
        {"token": _code(device), "next": reverse("household-detail", args=[household.pk])},
    )
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    assert TOTPDevice.objects.get(user=caseworker_a).confirmed


def test_at_the_next_login_the_code_is_asked_again(caseworker_a):
    device = TOTPDevice.objects.create(user=caseworker_a, name="phone", confirmed=True)
    client = Client()
    _log_in(client, caseworker_a)
    response = client.get(reverse("household-list"))
    assert "/accounts/2fa/" in response["Location"]
    page = client.get(response["Location"])
    assert "Enter the six-digit code" in page.text and "<svg" not in page.text
    client.post(reverse("two-factor"), {"token": _code(device)})
    assert client.get(reverse("household-list")).status_code == 200


def test_a_viewer_who_sees_no_personal_data_needs_no_second_step(viewer_a):
    client = Client()
    _log_in(client, viewer_a)
    assert client.get(reverse("household-list")).status_code == 200


@override_settings(REQUIRE_2FA=False)
def test_the_second_step_can_be_switched_off(caseworker_a):
    client = Client()
    _log_in(client, caseworker_a)
    assert client.get(reverse("household-list")).status_code == 200


def test_the_admin_asks_for_the_second_step_too(db):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(root)  # a password login, no code
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_repeated_wrong_passwords_lock_the_account(caseworker_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert _log_in(client, caseworker_a, "wrong").status_code == 200
    locked = _log_in(client, caseworker_a, "wrong")
    assert locked.status_code == 429 and "Too many attempts" in locked.text
    # Even the right password is refused while the lock lasts…
    assert _log_in(Client(), caseworker_a).status_code == 429
    # …and the lockout page speaks the visitor's language.
    uk = Client().post(
        reverse("login").replace("/en/", "/uk/"),
        {"username": caseworker_a.username, "password": PASSWORD},
    )
    assert uk.status_code == 429 and "Забагато спроб" in uk.text


def test_a_session_ends_after_its_maximum_age_however_active(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get(reverse("household-list")).status_code == 200
    session = client.session
    session[LOGIN_AT] = session[LOGIN_AT] - 13 * 3600
    session.save()
    response = client.get(reverse("household-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_idle_sessions_expire_after_the_idle_limit(client, caseworker_a, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE == 60 * 60
    client.force_login(caseworker_a)
    client.get(reverse("household-list"))
    assert 3500 < client.session.get_expiry_age() <= 3600


def test_an_administrator_ends_all_sessions_of_a_user(client, caseworker_a, db):
    client.force_login(caseworker_a)
    other_device = Client()
    _log_in(other_device, caseworker_a)
    assert caseworker_a.session_records.count() == 2
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    admin = VerifiedClient()
    admin.force_login(root)
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "end_sessions", "_selected_action": [caseworker_a.pk]},
        follow=True,
    )
    assert "2 sessions ended." in response.text
    for c in (client, other_device):
        response = c.get(reverse("household-list"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url_name", ["home", "login", "intake:host"])
def test_pages_carry_the_security_headers(client, url_name, db):
    response = client.get(reverse(url_name))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_https_responses_carry_hsts_in_production(db):
    with override_settings(
        SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
    ):
        response = Client().get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
