"""E-mail and Telegram notifications, in the recipient's language. Telegram is a fake Bot
API on 127.0.0.1 that records what the bot sends: no test reaches the internet."""

import datetime
import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from prytulak.conftest import make_offer
from prytulak.housing import placements
from prytulak.housing.models import CheckIn, PlacementStatus
from prytulak.notify import services, telegram
from prytulak.notify.models import TelegramLink
from prytulak.orgs.scopes import actor_for

from .fakebot import SECRET, TOKEN, post, sent, update


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection_in_worker")
def test_a_host_links_telegram_and_gets_the_proposal_in_their_language(
    client, bot_api, org_a, coordinator_a, household_a, django_capture_on_commit_callbacks
):
    offer = make_offer(org_a, beds=4)
    offer.host.preferred_language = "pl"
    offer.host.save()
    # The host opens the deep link from our e-mail: the bot links their chat.
    token = telegram.link_for(offer.host).split("start=")[1]
    assert post(client, update(555, f"/start {token}", "pl")).status_code == 200
    assert sent(bot_api) == [
        (555, "Gotowe: propozycje i kontrole dla Twojej oferty przyjdą tutaj.")
    ]
    assert TelegramLink.objects.get(chat_id=555).host == offer.host
    # A proposal: e-mail in Polish, and the same news in Telegram.
    with django_capture_on_commit_callbacks(execute=True):
        placement = placements.placement_propose(
            household=household_a, offer=offer, actor=actor_for(coordinator_a)
        )
    from django.core.management import call_command

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    # The host by e-mail, and the household (which has e-mail too) with its own link.
    assert [m.to for m in mail.outbox] == [[offer.host.email], [household_a.email]]
    assert "/l/" in mail.outbox[0].body and "/l/" in mail.outbox[1].body
    assert mail.outbox[0].subject == "Rodzina może u Ciebie zamieszkać"
    assert "Kraków" in mail.outbox[0].body and household_a.lead_name not in mail.outbox[0].body
    assert f"{placement.beds}" in mail.outbox[0].body
    news = sent(bot_api)[-1]
    assert news[0] == 555 and news[1].startswith("Nowa propozycja dla Twojej oferty w Kraków")
    assert all(call[0].startswith(f"/bot{TOKEN}/") for call in bot_api)


@pytest.mark.django_db
def test_the_bot_answers_commands_in_the_senders_language_and_refuses_bad_links(client, bot_api):
    post(client, update(7, "/need", "uk"))
    post(client, update(8, "/offer", "ru"))
    post(client, update(9, "/start not-a-real-token", "de"))
    post(client, update(10, "hello", "be"))
    first = {}
    for chat, text in sent(bot_api):
        first.setdefault(chat, text)
    replies = dict(sent(bot_api))
    # /need and /offer start a guided registration, the web form's link given too.
    assert first[7].startswith("Зареєструймо ваш запит на житло") and "/uk/need/" in first[7]
    assert first[8].startswith("Зарегистрируем ваше предложение") and "/ru/host/" in first[8]
    assert replies[9].startswith("Dieser Link ist nicht mehr gültig")
    assert "/offer" in replies[10] and "Прытулак" in replies[10]
    assert TelegramLink.objects.count() == 0
    # Without Telegram's secret header the webhook does nothing.
    assert post(client, update(11, "/need"), secret="wrong").status_code == 403
    assert 11 not in dict(sent(bot_api))
    assert post(client, {"garbage": True}).status_code == 200


@pytest.mark.django_db
def test_a_check_in_due_mails_the_caseworker_once_and_asks_the_host(
    bot_api, org_a, caseworker_a, coordinator_a, household_a
):
    caseworker_a.email = "andriy@example.org"
    caseworker_a.save()
    offer = make_offer(org_a, beds=4)
    TelegramLink.objects.create(chat_id=77, host=offer.host, language="uk")
    placement = placements.placement_propose(
        household=household_a, offer=offer, actor=actor_for(caseworker_a)
    )
    placement.status = PlacementStatus.ARRIVED
    placement.arrived_at = timezone.now() - datetime.timedelta(days=7)
    placement.save()
    checkin = CheckIn.objects.create(placement=placement, due_on=timezone.localdate())
    assert services.checkins_due() == 1
    assert services.checkins_due() == 0  # once only
    message = mail.outbox[-1]
    assert message.to == ["andriy@example.org"]
    # BY_help test is in Poland: its staff get Polish.
    assert message.subject == f"Kontrola do wykonania: zakwaterowanie #{placement.pk}"
    assert f"/staff/placements/{placement.pk}/" in message.body
    assert sent(bot_api)[-1] == (
        77,
        "Як справи з вашими гостями? Відповідайте тут або зателефонуйте своїй організації, якщо щось не так.",
    )
    checkin.refresh_from_db()
    assert checkin.reminded_at is not None


@pytest.mark.django_db
def test_without_a_token_nothing_goes_to_telegram(settings, org_a, coordinator_a, household_a):
    settings.TELEGRAM_BOT_TOKEN = ""
    offer = make_offer(org_a, beds=4)
    TelegramLink.objects.create(chat_id=1, host=offer.host)
    placement = placements.placement_propose(
        household=household_a, offer=offer, actor=actor_for(coordinator_a)
    )
    services.proposal_to_host(placement.pk)  # would raise if it tried the real API
    assert len(mail.outbox) == 1


def _message(**fields):
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "/need"}
    message.update(fields)
    return {"update_id": 1, "message": message}


def _replies_nested(depth):
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "x"}
    for _ in range(depth):
        message = {**message, "reply_to_message": message}
    return {"update_id": 1, "message": message}


def _deep_json(depth, opener, closer):
    return opener * depth + closer * depth


ODD_BODIES = {
    "5,000 nested arrays": _deep_json(5000, "[", "]"),
    "5,000 nested objects": _deep_json(5000, '{"a":', "}").replace("}", "1}", 1),
    "an update nested 5,000 deep": '{"update_id": 1, "message": '
    + _deep_json(5000, '{"reply_to_message": ', "}").replace("}", "{}}", 1)
    + "}",
    "not JSON": "hello",
    "not UTF-8": b"\xff\xfe{",
    "a list": "[]",
    "a string": '"update"',
    "a number": "1",
    "null": "null",
    "a message that is a string": json.dumps({"update_id": 1, "message": "hi"}),
    "an empty message": json.dumps({"update_id": 1, "message": {}}),
    "a chat that is a string": json.dumps(_message(chat="x")),
    "text that is a number": json.dumps(_message(text=5)),
    "text that is a list": json.dumps(_message(text=["/need"])),
    "a date that is a word": json.dumps(_message(date="yesterday")),
    "a date far beyond any calendar": json.dumps(_message(date=10**30)),
    "a date that is infinite": '{"update_id": 1, "message": {"message_id": 1, "date": 1e999, "chat": {"id": 5, "type": "private"}, "text": "x"}}',
    "a chat id that is a word": json.dumps(_message(chat={"id": "abc", "type": "private"})),
    "a sender that is a string": json.dumps(_message(**{"from": "me"})),
    "a language that is a number": json.dumps(
        _message(**{"from": {"id": 5, "is_bot": False, "first_name": "T", "language_code": 5}})
    ),
    "entities missing their fields": json.dumps(_message(entities=[{"type": "bold"}])),
    "photos nested in lists": json.dumps(_message(photo=[[[[1]]]])),
    "a callback without a sender": json.dumps(
        {"update_id": 1, "callback_query": {"id": "1", "from": {"id": 1}, "chat_instance": "x"}}
    ),
    "an edited message that is a list": json.dumps({"update_id": 1, "edited_message": [1, 2]}),
    "a huge payload": json.dumps(_message(text="/need " + "x" * 3_000_000)),
}
ODD_BODIES["replies nested 900 deep"] = json.dumps(_replies_nested(900))  # parses; deep for PTB


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(ODD_BODIES))
def test_odd_updates_with_the_right_secret_are_refused_or_ignored_never_a_500(bot_api, name):
    body = ODD_BODIES[name]
    response = Client(raise_request_exception=False).post(
        "/telegram/webhook/",
        body,
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
    )
    assert response.status_code in (200, 400), (name, response.status_code)


@pytest.mark.django_db
def test_a_real_update_with_a_reply_and_its_keyboard_is_not_too_deep(client, bot_api):
    keyboard = {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "https://x.invalid"}}]]}
    reply = {**_message(reply_markup=keyboard)["message"], "message_id": 2}
    response = post(client, _message(reply_to_message=reply, text="/need"))
    assert response.status_code == 200
    assert sent(bot_api)[0][0] == 5 and sent(bot_api)[0][1].endswith("/uk/need/")
    assert sent(bot_api)[1][1] == "Скільки жінок (18 років і старших) потребують житла?"


@pytest.mark.django_db
def test_a_hosts_start_link_is_one_telegram_passes_on_and_cannot_be_forged(org_a):
    """Telegram hands the bot a /start value only when it is at most 64 of A-Z a-z 0-9 _ -
    (a value with colons never reaches the bot, so the host could not link)."""
    import re
    import time

    offer = make_offer(org_a)
    token = telegram.link_for(offer.host).split("start=")[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token), token
    assert telegram.host_from_start_token(token) == offer.host.pk
    other = f"h{offer.host.pk + 1}" + token[len(f"h{offer.host.pk}") :]
    assert telegram.host_from_start_token(other) is None  # another host's number
    assert telegram.host_from_start_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    later = time.time() + 86400 * (telegram.HOST_LINK_DAYS + 2)
    assert telegram.host_from_start_token(token, now=later) is None  # expired
