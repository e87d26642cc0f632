"""The public "I can host" form: valid, invalid, spam and the e-mail confirmation."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from prytulak.housing.models import Host, HostOffer, OfferStatus
from prytulak.intake.forms import PublicOfferForm


def valid_post(**overrides):
    start = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "kind": "person",
        "household_type": "family",
        "name": "Agnieszka Nowak",
        "email": "agnieszka@example.org",
        "phone": "+48 601 234 567",
        "city": "Варшава",
        "country": "",
        "address": "ul. Marszałkowska 10/5",
        "beds": "3",
        "available_from": start.isoformat(),
        "available_to": (start + datetime.timedelta(days=90)).isoformat(),
        "pets_allowed": "on",
        "children_allowed": "on",
        "languages": ["pl", "uk"],
        "is_free": "on",
        "notes": "Kot w domu.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_valid_offer_is_saved_as_a_draft_with_the_town_resolved(client, db):
    response = client.post("/en" + reverse("intake:host")[3:], valid_post())
    assert response.status_code == 302
    offer = HostOffer.objects.get()
    assert offer.status == OfferStatus.DRAFT
    assert (offer.city, offer.country) == ("Варшава", "PL")
    assert offer.latitude == pytest.approx(52.23, abs=0.05)
    assert offer.languages == ["pl", "uk"]
    assert offer.host.email_confirmed_at is None


MARKUP = 'Kraków, <img src=x onerror="window.__pwned=1"><meta http-equiv="refresh" content="0">'


def test_a_town_with_markup_after_the_name_is_refused_with_a_clear_error(client, db):
    response = client.post("/en" + reverse("intake:host")[3:], valid_post(city=MARKUP))
    assert response.status_code == 200
    assert "A town name cannot contain “&lt;” or “&gt;”." in response.text
    assert not HostOffer.objects.exists() and not Host.objects.exists()


def test_the_refusal_speaks_the_visitors_language(client, db):
    response = client.post("/uk/host/", valid_post(city="Варшава <b>"))
    assert "не може містити" in response.text
    assert not HostOffer.objects.exists()


@pytest.mark.parametrize("city", ["Kraków <b>", "Kraków >", "<Kraków", MARKUP])
def test_the_offer_form_refuses_angle_brackets_in_the_town(db, city):
    form = PublicOfferForm(valid_post(city=city))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["city"]] == ["markup"]
    assert form.place is None


def test_a_town_with_its_country_after_a_comma_is_still_fine(db):
    form = PublicOfferForm(valid_post(city="Kraków, Poland"))
    assert form.is_valid(), form.errors
    assert form.offer_data()["city"] == "Kraków, Poland" and form.place.country == "PL"


def post_and_send(client, capture, url, data):
    """Submit the form; the e-mail goes out only after the transaction commits."""
    with capture(execute=True):
        return client.post(url, data)


def test_the_confirmation_email_is_in_the_visitors_language_and_its_link_activates_the_offer(
    client, db, django_capture_on_commit_callbacks
):
    post_and_send(client, django_capture_on_commit_callbacks, "/uk/host/", valid_post())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agnieszka@example.org"]
    assert "підтвердіть" in message.subject
    # The link names the host the form was posted to (the test client's "testserver").
    link = re.search(r"http://testserver(/\S+/host/confirm/\S+/)", message.body).group(1)
    response = client.get(link)
    assert response.status_code == 200
    offer = HostOffer.objects.get()
    assert offer.status == OfferStatus.AWAITING
    assert offer.host.email_confirmed_at is not None
    # following the link twice is harmless
    assert client.get(link).status_code == 200


def test_a_tampered_confirmation_link_is_refused(client, db, django_capture_on_commit_callbacks):
    post_and_send(client, django_capture_on_commit_callbacks, "/en/host/", valid_post())
    link = re.search(r"/en/host/confirm/(\S+)/", mail.outbox[0].body).group(1)
    response = client.get(f"/en/host/confirm/{link[:-2]}xx/")
    assert response.status_code == 400
    assert "This link is not valid." in response.text
    assert HostOffer.objects.get().status == OfferStatus.DRAFT


def test_an_expired_confirmation_link_is_refused(
    client, db, settings, django_capture_on_commit_callbacks
):
    post_and_send(client, django_capture_on_commit_callbacks, "/en/host/", valid_post())
    link = re.search(r"/en/host/confirm/\S+/", mail.outbox[0].body).group(0)
    settings.INTAKE_CONFIRM_MAX_AGE_DAYS = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("city", "Xyzzyqville", "We could not find"),
        ("beds", "0", "greater than or equal to 1"),
        ("beds", "many", "Enter a whole number"),
        ("email", "not-an-email", "Enter a valid email address"),
        ("available_from", "2020-01-01", "This date is in the past."),
        ("available_to", "2000-01-01", "The end date must be after the start date."),
        ("consent", "", "We can only help if you agree to this."),
        ("languages", ["xx"], "Select a valid choice"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message_and_the_rest_is_kept(
    client, db, field, value, message
):
    response = client.post("/en/host/", valid_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Agnieszka Nowak"' in response.text  # what the user typed is still there
    assert HostOffer.objects.count() == 0
    assert len(mail.outbox) == 0


def test_errors_are_in_the_visitors_language(client, db):
    response = client.post("/uk/host/", valid_post(city="Xyzzyqville", beds="0"))
    assert "Не вдалося знайти" in response.text
    assert "Xyzzyqville" in response.text


def test_a_town_in_the_wrong_country_is_explained(client, db):
    response = client.post("/en/host/", valid_post(city="Warszawa", country="DE"))
    assert "is not in the country you chose" in response.text


def test_a_paid_offer_needs_a_price(client, db):
    data = valid_post()
    del data["is_free"]
    response = client.post("/en/host/", data)
    assert "Tell us the price" in response.text


def test_the_honeypot_silently_drops_bot_submissions(client, db):
    response = client.post("/en/host/", valid_post(website="http://spam.example"))
    assert response.status_code == 302  # the bot learns nothing
    assert HostOffer.objects.count() == 0
    assert Host.objects.count() == 0
    assert len(mail.outbox) == 0


def test_one_address_is_rate_limited(client, db, settings):
    settings.INTAKE_RATE = "3/h"
    for i in range(3):
        response = client.post("/en/host/", valid_post(email=f"h{i}@example.org"))
        assert response.status_code == 302
    response = client.post("/en/host/", valid_post(email="h4@example.org"))
    assert response.status_code == 429
    assert "Too many" in response.text
    assert HostOffer.objects.count() == 3
    # reading the form is never limited
    assert client.get("/en/host/").status_code == 200
