"""Staff (re)send a household's or a host's own link by the channel the person has —
Telegram, e-mail or SMS — in their language, and switch links off from the same pages."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_offer
from prytulak.housing.models import Host
from prytulak.notify import sms
from prytulak.notify.models import TelegramLink
from prytulak.selfservice.models import AccessLink

from .fakebot import messages


def _token(text):
    return text.rsplit("/l/", 1)[1].split("/")[0]


@pytest.mark.django_db
def test_a_coordinator_resends_a_households_link_by_email_sms_or_telegram(
    client, bot_api, settings, org_a, coordinator_a
):
    settings.SMS_BACKEND = "memory"
    sms.outbox.clear()
    household = make_household(org_a)
    household.languages = ["pl"]
    household.save(update_fields=["languages"])
    client.force_login(coordinator_a)
    detail = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    send = reverse("household-send-link", args=[household.pk])
    assert f'action="{send}"' in detail

    # By e-mail, in the household's language; the new link opens its page.
    response = client.post(send, follow=True)
    assert "e-mail" in response.content.decode()
    message = mail.outbox[-1]
    assert message.to == [household.email] and message.subject == "Prytulak: Twój własny link"
    assert Client().get(f"/l/{_token(message.body)}/").status_code == 200
    log = AccessLog.objects.get(action="link.sent")
    assert log.user == coordinator_a and log.object_id == str(household.pk)
    assert log.reason.endswith("by email")

    # No e-mail: by SMS, within two segments.
    household.email = None
    household.save(update_fields=["email"])
    client.post(send)
    to, text = sms.outbox[-1]
    assert to == "+380671234567" and text.startswith("Prytulak: Twoja własna strona")
    assert sms.segments(text).segments <= 2

    # A linked chat: by Telegram, in the chat's language.
    TelegramLink.objects.create(chat_id=31, household=household, language="uk")
    client.post(send)
    text = messages(bot_api, 31)[-1][1]
    assert text.startswith("Притулак: ваша власна сторінка") and "/l/" in text
    assert AccessLink.objects.filter(household=household, revoked_at__isnull=True).count() == 3

    # The page lists the links; staff switch one off there.
    link = AccessLink.objects.filter(household=household).first()
    detail = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert reverse("link-revoke", args=[link.pk]) in detail
    client.post(reverse("link-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.django_db
def test_a_host_without_email_gets_the_offers_link_by_sms_and_nothing_means_a_clear_error(
    client, settings, org_a, coordinator_a, caseworker_b
):
    settings.SMS_BACKEND = "memory"
    sms.outbox.clear()
    offer = make_offer(org_a)
    Host.objects.filter(pk=offer.host_id).update(email=None, preferred_language="de")
    client.force_login(coordinator_a)
    send = reverse("offer-send-link", args=[offer.pk])
    assert (
        f'action="{send}"' in client.get(reverse("offer-detail", args=[offer.pk])).content.decode()
    )
    client.post(send)
    to, text = sms.outbox[-1]
    assert to == "+48600100200"
    assert text.startswith("Prytulak: Ihre eigene Seite für Ihre Angebote")
    assert Client().get(f"/l/{_token(text)}/").status_code == 200

    # Nothing to reach them by: nothing is sent, the reason is shown, no link is left alive.
    Host.objects.filter(pk=offer.host_id).update(phone=None, messenger="viber +48600100200")
    before = AccessLink.objects.count()
    page = client.post(send, follow=True).content.decode()
    assert "There is no way to send the link" in page
    assert AccessLink.objects.count() == before and len(sms.outbox) == 1

    # Another organisation's member may not send it.
    client.force_login(caseworker_b)
    assert client.post(send).status_code in (403, 404)
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_a_refused_sms_leaves_no_live_link(client, settings, org_a, coordinator_a):
    settings.SMS_BACKEND = "memory"
    household = make_household(org_a, email="", phone="0600 100 200")  # not international
    client.force_login(coordinator_a)
    page = client.post(
        reverse("household-send-link", args=[household.pk]), follow=True
    ).content.decode()
    assert "The SMS could not be sent" in page
    assert not AccessLink.objects.filter(household=household, revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_api_sends_the_same_links_and_says_how(settings, org_a, coordinator_a, caseworker_a):
    """POST /api/v1/households/{id}/send-link and /offers/{id}/send-link call the service the
    buttons call: the channel comes back, nothing to reach the person is a 400 with the reason."""
    from prytulak.api.tests.test_api import call, key_for

    settings.SMS_BACKEND = "memory"
    sms.outbox.clear()
    key = key_for(coordinator_a)
    household = make_household(org_a)
    answer = call("post", f"/api/v1/households/{household.pk}/send-link", key)
    assert answer.status_code == 200 and answer.json() == {"channel": "email"}
    assert mail.outbox[-1].to == [household.email]
    assert Client().get(f"/l/{_token(mail.outbox[-1].body)}/").status_code == 200
    household.email, household.phone = None, ""
    household.save(update_fields=["email", "phone"])
    answer = call("post", f"/api/v1/households/{household.pk}/send-link", key)
    assert answer.status_code == 400 and "no e-mail, phone" in answer.content.decode()
    offer = make_offer(org_a)
    answer = call("post", f"/api/v1/offers/{offer.pk}/send-link", key)
    assert answer.status_code == 200 and answer.json()["channel"] in {"email", "sms"}
    assert AccessLog.objects.filter(action="link.sent").count() == 2
