"""Conversations in Telegram, on the fake Bot API: a proposal answered with inline buttons
by the host and the household, forged buttons refused, and a guided registration."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from prytulak.audit.models import AccessLog
from prytulak.conftest import make_offer
from prytulak.housing import placements
from prytulak.housing.models import PlacementStatus
from prytulak.notify import telegram
from prytulak.notify.models import TelegramLink
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Household, HouseholdStatus, Source
from prytulak.selfservice.services import link_create

from .fakebot import messages, post, press, update

HOST_CHAT, FAMILY_CHAT, STRANGER = 555, 777, 999


def _run_jobs():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def _post(client, data, capture):
    """Post an update as Telegram would; what it queues runs as the worker would."""
    with capture(execute=True):
        response = post(client, data)
    assert response.status_code == 200
    _run_jobs()
    return response


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection_in_worker")
def test_host_and_family_accept_with_buttons_and_then_see_each_other(
    client, bot_api, org_a, coordinator_a, household_a, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    offer = make_offer(org_a, beds=4)
    # The host links their chat with the deep link from our e-mail; the family with the
    # link on their own page (the page's token as the start parameter).
    host_token = telegram.link_for(offer.host).split("start=")[1]
    _post(client, update(HOST_CHAT, f"/start {host_token}", "uk"), capture)
    _link, family_token = link_create(purpose="household", household=household_a, language="uk")
    page = client.get(reverse("link-page", args=[family_token])).content.decode()
    deep_link = re.search(r'href="https://t\.me/prytulak_bot\?start=([\w-]+)"', page)
    assert deep_link and deep_link.group(1) == family_token
    _post(client, update(FAMILY_CHAT, f"/start {deep_link.group(1)}", "uk"), capture)
    assert TelegramLink.objects.get(chat_id=FAMILY_CHAT).household == household_a
    assert messages(bot_api, FAMILY_CHAT)[-1][1].startswith("Готово: новини про ваш запит")

    # Staff propose: the host gets the proposal with Accept / Decline buttons, the family
    # (linked in Telegram) its notice with its own buttons.
    with capture(execute=True):
        placement = placements.placement_propose(
            household=household_a, offer=offer, actor=actor_for(coordinator_a)
        )
    _run_jobs()
    _chat, text, host_buttons = messages(bot_api, HOST_CHAT)[-1]
    assert text.startswith("Нова пропозиція для вашого житла в Kraków")
    assert household_a.lead_name not in text
    assert host_buttons == [
        ("Так, я згоден(-на)", f"pa:{placement.pk}"),
        ("Відхилити", f"pd:{placement.pk}"),
    ]
    _chat, text, family_buttons = messages(bot_api, FAMILY_CHAT)[-1]
    assert "Kraków" in text and [data for _l, data in family_buttons] == [
        f"ha:{placement.pk}",
        f"hd:{placement.pk}",
    ]

    # Forged buttons: the family presses the host's button, a stranger the family's.
    refused_before = AccessLog.objects.filter(action="telegram.refused").count()
    _post(client, press(FAMILY_CHAT, f"pa:{placement.pk}"), capture)
    _post(client, press(STRANGER, f"ha:{placement.pk}"), capture)
    _post(client, press(HOST_CHAT, f"pa:{placement.pk + 1000}"), capture)
    assert messages(bot_api, STRANGER)[-1][1] == "Ця кнопка не для цього чату."
    assert AccessLog.objects.filter(action="telegram.refused").count() == refused_before + 3
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED

    # The host accepts with the button; the family hears of it in its chat.
    _post(client, press(HOST_CHAT, f"pa:{placement.pk}"), capture)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.HOST_ACCEPTED
    assert messages(bot_api, HOST_CHAT)[-1][1].startswith("Дякуємо: ви погодилися.")
    _chat, text, family_buttons = messages(bot_api, FAMILY_CHAT)[-1]
    assert "Kraków" in text and (f"ha:{placement.pk}") in [d for _l, d in family_buttons]
    # Contacts are not shared before both said yes.
    assert offer.host.phone not in text and offer.host.name not in text

    # The family accepts: both chats now get the other side's contact.
    _post(client, press(FAMILY_CHAT, f"ha:{placement.pk}"), capture)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    host_text = messages(bot_api, HOST_CHAT)[-1][1]
    family_text = messages(bot_api, FAMILY_CHAT)[-1][1]
    assert "Olena Kovalenko" in host_text and household_a.phone in host_text
    assert "Jan Kowalski" in family_text and offer.host.phone in family_text
    assert host_text.startswith("Обидві сторони погодилися")

    # The events say who accepted, and that it came by Telegram.
    events = list(placement.events.order_by("pk"))
    with translation.override("en"):
        described = [(e.description(), e.by_party, e.channel) for e in events[-2:]]
    assert described == [
        ("Accepted by the host", "host", "telegram"),
        ("Accepted by the household", "household", "telegram"),
    ]
    assert all(e.by_id is None for e in events[-2:])
    # /status shows the family the same facts as its page, the host's contact included.
    _post(client, update(FAMILY_CHAT, "/status", "uk"), capture)
    status = messages(bot_api, FAMILY_CHAT)[-1][1]
    assert "Kraków" in status and "Jan Kowalski" in status


def _answer(client, chat, capture, data=None, text=None):
    if data is not None:
        _post(client, press(chat, data), capture)
    else:
        _post(client, update(chat, text, "uk"), capture)
    return messages(client.bot_calls, chat)[-1]


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection_in_worker")
def test_a_guided_need_conversation_in_ukrainian_registers_a_household_staff_see(
    client, bot_api, coordinator_a, django_capture_on_commit_callbacks
):
    client.bot_calls = bot_api
    capture = django_capture_on_commit_callbacks
    chat = 4242
    _post(client, update(chat, "/need", "uk"), capture)
    intro, question = messages(bot_api, chat)[-2:]
    assert intro[1].startswith("Зареєструймо ваш запит")
    assert question[1] == "Скільки жінок (18 років і старших) потребують житла?"
    assert ("1", "q:women:1") in question[2]
    _answer(client, chat, capture, "q:women:1")
    _answer(client, chat, capture, "q:men:0")
    asked = _answer(client, chat, capture, "q:children:2")
    assert asked[1] == "Скільки з дітей молодші за 5 років?"
    _answer(client, chat, capture, "q:infants:1")
    asked = _answer(client, chat, capture, "q:women:3")  # a button of an earlier question
    assert asked[1].startswith("Будь ласка, дайте відповідь на це питання:")
    _answer(client, chat, capture, "q:pets:0")
    _answer(client, chat, capture, text="Nowhere-on-earth")
    _answer(client, chat, capture, "q:date:d1")
    _answer(client, chat, capture, text="Оксана Шевченко")
    asked = _answer(client, chat, capture, text="+380 67 123 45 67")
    assert asked[2] == [("Я згоден(-на)", "q:consent:yes"), ("Скасувати", "q:consent:no")]
    # The place is not found: the form's own words, and that question again.
    asked = _answer(client, chat, capture, "q:consent:yes")
    assert asked[1].endswith(
        "Де ви прибудете? Напишіть місто або пункт пропуску, наприклад Przemyśl."
    )
    assert asked[1] != asked[1].split("\n")[-1]  # the reason comes first
    assert not Household.objects.exists()
    # Every other answer is kept: the corrected place finishes the registration.
    _answer(client, chat, capture, text="Перемишль")
    thanks, notice = [text for _c, text, _b in messages(bot_api, chat)[-2:]]
    assert thanks.startswith("Дякуємо: ваш запит зареєстровано.")
    # The registered notice comes to the chat (its channel now), with the status link.
    assert notice.startswith("Притулак: ваш запит зареєстровано.") and "/l/" in notice

    household = Household.objects.get()
    assert household.source == Source.INTAKE and household.status == HouseholdStatus.NEW
    assert household.organization is None and household.arrival_country == "PL"
    assert household.languages == ["uk"] and household.phone.replace(" ", "") == "+380671234567"
    assert sorted(m.age_band for m in household.members.all()) == ["0-4", "18-64", "5-13"]
    assert TelegramLink.objects.get(chat_id=chat).household == household
    # Staff see it in the household list they triage from.
    client.force_login(coordinator_a)
    page = client.get(reverse("household-list")).content.decode()
    assert reverse("household-detail", args=[household.pk]) in page
