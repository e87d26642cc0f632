"""Conversations in Telegram, on the fake Bot API: a proposal answered with inline buttons
by the host and the household, forged buttons refused, and a guided registration."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

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


def _link(host=None, household=None, chat=HOST_CHAT, language="uk"):
    return TelegramLink.objects.create(
        chat_id=chat, host=host, household=household, language=language
    )


@pytest.mark.django_db
def test_a_host_declines_with_a_reason_button_in_their_language(
    client, bot_api, org_a, coordinator_a, household_a
):
    offer = make_offer(org_a, beds=4)
    _link(host=offer.host, language="pl")
    placement = placements.placement_propose(
        household=household_a, offer=offer, actor=actor_for(coordinator_a)
    )
    # The chat has no language of its own: the linked record's (Polish) is used.
    post(client, press(HOST_CHAT, f"pd:{placement.pk}", language=None))
    _chat, text, reasons = messages(bot_api, HOST_CHAT)[-1]
    assert text == "Dlaczego odmawiasz? To pomoże lepiej dopasować następną propozycję."
    assert reasons[0] == ("Terminy nie pasują", f"pr:{placement.pk}:dates")
    assert len(reasons) == 4
    post(client, press(HOST_CHAT, f"pr:{placement.pk}:made-up", language=None))
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED  # an unknown reason does nothing
    post(client, press(HOST_CHAT, f"pr:{placement.pk}:dates", language=None))
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DECLINED
    assert placement.reason == "Terminy nie pasują"
    event = placement.events.order_by("pk").last()
    assert (event.by_party, event.channel, event.by_id) == ("host", "telegram", None)
    # Pressing again: the service's own refusal, in the chat's language.
    post(client, press(HOST_CHAT, f"pa:{placement.pk}", language=None))
    assert "nie jest teraz możliwy" in messages(bot_api, HOST_CHAT)[-1][1]


@pytest.mark.django_db
def test_a_host_answers_a_check_in_and_re_confirms_an_offer_with_buttons(
    client, bot_api, org_a, coordinator_a, household_a
):
    import datetime

    from django.utils import timezone

    from prytulak.housing.models import CheckIn, OfferStatus
    from prytulak.housing.services import offers_expire_and_remind
    from prytulak.notify import services

    offer = make_offer(org_a, beds=4)
    _link(host=offer.host)
    placement = placements.placement_propose(
        household=household_a, offer=offer, actor=actor_for(coordinator_a)
    )
    placement.status = PlacementStatus.ARRIVED
    placement.arrived_at = timezone.now() - datetime.timedelta(days=7)
    placement.save()
    checkin = CheckIn.objects.create(placement=placement, due_on=timezone.localdate())
    services.checkins_due()
    _chat, text, outcomes = messages(bot_api, HOST_CHAT)[-1]
    assert text.startswith("Як справи з вашими гостями?")
    assert [data for _label, data in outcomes] == [
        f"ck:{checkin.pk}:well",
        f"ck:{checkin.pk}:concern",
        f"ck:{checkin.pk}:problem",
    ]
    post(client, press(HOST_CHAT, f"ck:{checkin.pk}:unreachable"))  # not for a party
    checkin.refresh_from_db()
    assert checkin.done_at is None
    post(client, press(HOST_CHAT, f"ck:{checkin.pk}:concern"))
    checkin.refresh_from_db()
    assert (checkin.outcome, checkin.done_by_party, checkin.channel) == (
        "concern",
        "host",
        "telegram",
    )
    assert messages(bot_api, HOST_CHAT)[-1][1] == "Дякуємо за відповідь."

    # The offer's confirmation runs out: the reminder comes with a button.
    today = timezone.localdate()
    offer.confirmed_until = today + datetime.timedelta(days=2)
    offer.save(update_fields=["confirmed_until"])
    offers_expire_and_remind(today=today)
    _chat, text, buttons = messages(bot_api, HOST_CHAT)[-1]
    assert text.startswith("Ваша пропозиція житла в Kraków ще актуальна?")
    assert buttons == [("Так, ще актуальна", f"or:{offer.pk}")]
    other = make_offer(org_a, beds=2, host_name="Other Host")
    post(client, press(HOST_CHAT, f"or:{other.pk}"))  # another host's offer
    assert messages(bot_api, HOST_CHAT)[-1][1] == "Ця кнопка не для цього чату."
    post(client, press(HOST_CHAT, f"or:{offer.pk}"))
    offer.refresh_from_db()
    assert (
        offer.status == OfferStatus.ACTIVE
        and offer.confirmed_until > today + datetime.timedelta(days=2)
    )
    assert messages(bot_api, HOST_CHAT)[-1][1] == "Дякуємо: ваша пропозиція залишається відкритою."


@pytest.mark.django_db
def test_a_guided_offer_conversation_registers_a_host_waiting_for_verification(
    client, bot_api, settings
):
    from prytulak.housing.models import HostOffer, OfferStatus

    chat = 3131

    def say(data=None, text=None, language="pl"):
        post(client, press(chat, data, language) if data else update(chat, text, language))
        return messages(bot_api, chat)[-1]

    say(text="/offer")
    assert say("q:kind:person")[1] == "Kto mieszka w tym domu?"
    say("q:household_type:couple")
    say(text="Kraków")
    say(text="25")  # a private person offers at most 20 beds: the service says so at the end
    say("q:from:d0")
    say("q:pets_allowed:yes")
    say("q:children_allowed:no")
    say(text="Ewa Nowak")
    asked = say(text="+48 601 234 567")
    asked = say("q:consent:yes")
    assert not HostOffer.objects.exists()
    assert asked[1].endswith("Ile osób może tam spać?") and ("4", "q:beds:4") in asked[2]
    done = say("q:beds:4")
    assert done[1].startswith("Dziękujemy: Twoja oferta jest zarejestrowana.")
    offer = HostOffer.objects.get()
    assert (offer.city, offer.beds, offer.pets_allowed, offer.children_allowed) == (
        "Kraków",
        4,
        True,
        False,
    )
    assert offer.status == OfferStatus.AWAITING  # no e-mail: staff verify it by phone
    assert offer.host.preferred_language == "pl" and offer.host.household_type == "couple"
    assert TelegramLink.objects.get(chat_id=chat).host == offer.host


@pytest.mark.django_db
def test_each_chat_may_register_as_often_as_the_intake_rate_allows(client, bot_api, settings):
    settings.INTAKE_RATE = "1/h"
    chat = 6060

    def register(place_chat):
        for item in (
            update(place_chat, "/need"),
            press(place_chat, "q:women:1"),
            press(place_chat, "q:men:0"),
            press(place_chat, "q:children:0"),
            press(place_chat, "q:pets:0"),
            update(place_chat, "Перемишль"),
            press(place_chat, "q:date:d0"),
            update(place_chat, "Ірина"),
            update(place_chat, "+380 67 000 11 22"),
            press(place_chat, "q:consent:yes"),
        ):
            post(client, item)

    register(chat)
    assert Household.objects.count() == 1
    post(client, update(chat, "/need"))
    assert messages(bot_api, chat)[-1][1].startswith("З цього чату вже надіслано кілька реєстрацій")
    assert Household.objects.count() == 1
    register(chat + 1)  # another chat is counted on its own
    assert Household.objects.count() == 2
    # /cancel forgets the answers
    post(client, update(chat + 2, "/need"))
    post(client, update(chat + 2, "/cancel"))
    post(client, update(chat + 2, "3"))
    assert messages(bot_api, chat + 2)[-1][1] != "Скільки чоловіків (18 років і старших)?"


@pytest.mark.django_db
def test_status_shows_the_family_its_journey_and_the_driver_the_day_before(
    client, bot_api, settings, org_a, caseworker_a, coordinator_b, driver_b, make_trip
):
    import datetime

    from prytulak.conftest import make_household
    from prytulak.journeys import services as journeys

    household = make_household(org_a, email="")
    _link(household=household, chat=FAMILY_CHAT, language="en")
    driver_b.first_name = "Petro"
    driver_b.save()
    trip = make_trip(driver=driver_b)
    booking = journeys.booking_request(
        trip=trip, household=household, actor=actor_for(caseworker_a)
    )
    journeys.booking_confirm(booking=booking, actor=actor_for(coordinator_b))
    post(client, update(FAMILY_CHAT, "/status", language=None))  # the link's language
    text = messages(bot_api, FAMILY_CHAT)[-1][1]
    assert text.startswith("Status: ")
    assert "No place has been proposed yet" in text
    assert f"Pickup: {trip.origin}," in text and "driver: Petro" in text
    trip.depart_earliest += datetime.timedelta(days=3)
    trip.depart_latest += datetime.timedelta(days=3)
    trip.arrive_by += datetime.timedelta(days=3)
    trip.save()
    post(client, update(FAMILY_CHAT, "/status", language=None))
    text = messages(bot_api, FAMILY_CHAT)[-1][1]
    assert f"Pickup: {trip.origin}," in text and "Petro" not in text
    # An unlinked chat learns how to link, nothing more.
    post(client, update(STRANGER, "/status"))
    assert messages(bot_api, STRANGER)[-1][1].startswith("Цей чат ще не пов'язаний")


@pytest.mark.django_db
def test_erasing_a_household_or_a_host_unlinks_their_chats(org_a, coordinator_a, household_a):
    from prytulak.audit.services import host_erase, household_erase

    offer = make_offer(org_a)
    _link(host=offer.host, chat=HOST_CHAT)
    _link(household=household_a, chat=FAMILY_CHAT)
    actor = actor_for(coordinator_a)
    household_erase(actor=actor, household=household_a, reason="asked")
    assert not TelegramLink.objects.filter(chat_id=FAMILY_CHAT).exists()
    host_erase(actor=actor, host=offer.host, reason="asked")
    assert not TelegramLink.objects.exists()


@pytest.mark.django_db
def test_a_chat_that_floods_the_bot_is_answered_only_up_to_its_rate(client, bot_api, settings):
    settings.TELEGRAM_CHAT_RATE = "3/m"
    for _ in range(5):
        assert post(client, update(STRANGER, "/status")).status_code == 200
    assert len(messages(bot_api, STRANGER)) == 3
    post(client, update(STRANGER + 1, "/status"))  # another chat is counted on its own
    assert len(messages(bot_api, STRANGER + 1)) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection_in_worker")
def test_more_infants_than_children_is_said_and_asked_again_not_a_silent_restart(
    client, bot_api, django_capture_on_commit_callbacks
):
    """Found by a walk-through: typing 4 children under 5 of 1 child threw the counts away
    with only "Sorry, I did not understand"; and the example date was one gone by."""
    client.bot_calls = bot_api
    capture = django_capture_on_commit_callbacks
    chat = 4343
    _post(client, update(chat, "/need", "uk"), capture)
    _answer(client, chat, capture, "q:women:1")
    _answer(client, chat, capture, "q:men:0")
    _answer(client, chat, capture, "q:children:1")
    _answer(client, chat, capture, text="4")
    _answer(client, chat, capture, "q:pets:0")
    asked = _answer(client, chat, capture, text="Перемишль")
    example = re.search(r"\d\d\.\d\d\.\d{4}", asked[1])
    assert example and datetime.datetime.strptime(example[0], "%d.%m.%Y").date() > (
        timezone.localdate()
    )
    _answer(client, chat, capture, "q:date:d1")
    _answer(client, chat, capture, text="Оксана Шевченко")
    _answer(client, chat, capture, text="+380 67 123 45 67")
    asked = _answer(client, chat, capture, "q:consent:yes")
    assert asked[1].startswith("Дітей до 5 років більше, ніж дітей загалом")
    assert asked[1].endswith("Скільки жінок (18 років і старших) потребують житла?")
    assert not Household.objects.exists()
