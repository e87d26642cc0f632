"""One atomic service submits a host and their offer for every way in (public form, staff
form, API, import): when the offer part is refused, no host is left holding personal data.
And a host is reached by phone, e-mail or a messenger handle: e-mail is no longer required."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from prytulak.api.tests.test_api import call, key_for
from prytulak.core.errors import ServiceError
from prytulak.housing import services
from prytulak.housing.models import Host, HostOffer, OfferStatus
from prytulak.intake.tests.test_host_intake import valid_post
from prytulak.orgs.scopes import actor_for
from prytulak.sheets import services as sheet_services
from prytulak.sheets.models import ImportJob, ImportStatus


@pytest.fixture
def offer_refused(monkeypatch):
    """Saving the offer is refused after the host row has been written (as a database
    constraint or a rule checked at save time would)."""

    def refuse(self, *args, **kwargs):
        raise ServiceError("This offer is refused.")

    monkeypatch.setattr(HostOffer, "save", refuse)


def _no_orphans():
    assert not Host.objects.exists() and not HostOffer.objects.exists()


@pytest.mark.django_db
def test_the_public_form_leaves_no_host_when_the_offer_is_refused(client, offer_refused):
    response = client.post("/en/host/", valid_post())
    assert response.status_code == 200
    assert "This offer is refused." in response.content.decode()
    _no_orphans()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_staff_form_leaves_no_host_when_the_offer_is_refused(
    client, caseworker_a, offer_refused
):
    client.force_login(caseworker_a)
    data = valid_post()
    response = client.post("/en/staff/offers/new/", data)
    assert response.status_code == 200
    assert "This offer is refused." in response.content.decode()
    _no_orphans()


def _api_offer(**host):
    start = timezone.localdate() + datetime.timedelta(days=2)
    return {
        "host": {"kind": "person", "household_type": "family", "name": "Jan Nowak", **host},
        "city": "Kraków",
        "beds": 2,
        "available_from": start.isoformat(),
        "languages": ["pl"],
    }


@pytest.mark.django_db
def test_the_api_leaves_no_host_when_the_offer_is_refused(coordinator_a, offer_refused):
    response = call(
        "post", "/api/v1/offers/", key_for(coordinator_a), _api_offer(phone="+48 600 100 200")
    )
    assert response.status_code == 400
    assert "This offer is refused." in response.json()["detail"]
    _no_orphans()


@pytest.mark.django_db
def test_an_import_leaves_no_host_and_nothing_half_imported_when_an_offer_is_refused(
    caseworker_a, monkeypatch
):
    from prytulak.sheets.tests.messy import as_csv

    start = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    header = ["Ім'я / Name", "Контакт / Contact", "Місто / City", "Місць / Beds", "Від / From"]
    rows = [[f"Host {i}", f"@host_{i:03d}", "Kraków", "2", start] for i in range(5)]
    actor = actor_for(caseworker_a)
    job = sheet_services.import_upload(
        actor=actor, kind="offers", name="h.csv", data=as_csv(header, rows)
    )
    sheet_services.import_map(actor=actor, job=job, mapping=job.mapping)
    sheet_services.import_process(job.pk, False)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    real = HostOffer.save
    calls = []

    def refuse_the_fourth(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise ServiceError("This offer is refused.")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(HostOffer, "save", refuse_the_fourth)
    with pytest.raises(ValidationError):
        sheet_services.import_process(job.pk, True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.error == "ServiceError"
    # All or nothing: the three offers before the refused one were rolled back with it.
    _no_orphans()


@pytest.mark.django_db
def test_a_public_offer_with_only_a_telegram_handle_waits_for_staff_verification(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/host/", valid_post(email="", phone="", messenger="t.me/agnieszka_n")
        )
    assert response.status_code == 302
    offer = HostOffer.objects.select_related("host").get()
    # No e-mail to confirm by link: a coordinator reaches the host and verifies the offer.
    assert offer.status == OfferStatus.AWAITING
    assert offer.host.email is None and offer.host.messenger == "telegram @agnieszka_n"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_public_offer_with_an_email_still_waits_for_its_confirmation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/host/", valid_post(phone="", messenger=""))
    assert HostOffer.objects.get().status == OfferStatus.DRAFT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_host_with_no_way_to_be_reached_is_refused_everywhere(client, coordinator_a):
    response = client.post("/uk/host/", valid_post(email="", phone="", messenger=""))
    assert response.status_code == 200
    assert "Вкажіть принаймні один спосіб зв’язку" in response.content.decode()
    response = call("post", "/api/v1/offers/", key_for(coordinator_a), _api_offer())
    assert response.status_code == 400
    with pytest.raises(services.ServiceError):
        services.host_offer_submit(
            host={"kind": "person", "name": "Nobody"},
            offer={},
            actor=actor_for(coordinator_a),
        )
    _no_orphans()


@pytest.mark.django_db
def test_the_api_takes_a_host_with_a_phone_only_and_returns_the_handle_to_its_verifier(
    coordinator_a,
):
    key = key_for(coordinator_a)
    response = call(
        "post", "/api/v1/offers/", key, _api_offer(phone="+48 600 100 200", messenger="@jan_n")
    )
    assert response.status_code == 201, response.json()
    host = Host.objects.get()
    assert host.email is None and host.messenger == "telegram @jan_n"
    assert response.json()["status"] == OfferStatus.AWAITING
    assert response.json()["contact"]["messenger"] == "telegram @jan_n"
