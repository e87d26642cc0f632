"""Contacts as volunteers write them: handles are handles, phones are read with the row's
region first, and a number we cannot place is kept as written and marked for a check."""

import pytest

from prytulak.core.contact import normalise_messenger, read_contact, read_phone, regions_for
from prytulak.core.privacy import messenger_index


@pytest.mark.parametrize(
    ("written", "handles"),
    [
        ("@host_17257", ["telegram @host_17257"]),
        ("t.me/olena_k", ["telegram @olena_k"]),
        ("https://t.me/olena_k", ["telegram @olena_k"]),
        ("Telegram: olena_k", ["telegram @olena_k"]),
        ("тг @olena_k", ["telegram @olena_k"]),
        ("viber: +48 600 100 200", ["viber +48600100200"]),
        ("WhatsApp +380671234567", ["whatsapp +380671234567"]),
        ("Signal - 067 123 45 67", ["signal +380671234567"]),
        ("wa.me/48600100200", ["whatsapp +48600100200"]),
    ],
)
def test_handles_are_recognised_as_handles_never_as_phones(written, handles):
    contact = read_contact(written, regions_for("PL"))
    assert contact.handles == handles and contact.phones == []


def test_a_bare_polish_number_of_a_host_in_warsaw_is_polish():
    assert read_phone("600 100 200", regions_for("PL", "PL")).value == "+48600100200"
    assert read_phone("tel. 600-100-200", regions_for("PL")).check is False


def test_a_ukrainian_number_written_with_its_zero_is_ukrainian_in_poland():
    assert read_phone("067 123 45 67", regions_for("PL", "PL")).value == "+380671234567"
    assert read_phone("0038067 1234567", regions_for("PL")).value == "+380671234567"


def test_a_number_two_countries_read_differently_is_kept_as_written_for_a_check():
    # In Berlin “067 100 70 00” is a German landline and a Ukrainian mobile.
    phone = read_phone("067 100 70 00", regions_for("DE", "PL"))
    assert (phone.value, phone.check) == ("067 100 70 00", True)


def test_a_number_valid_nowhere_is_kept_as_written_not_made_ukrainian():
    phone = read_phone("17257", regions_for("PL"))
    assert (phone.value, phone.check) == ("17257", True)
    assert read_phone("600100200", ["UA"]).check  # not +380600100200


def test_one_cell_with_a_phone_an_email_a_handle_and_words():
    contact = read_contact(
        "+48 600-100-200 / @anna_k; anna@example.pl, дзвонити ввечері", regions_for("PL")
    )
    assert [p.value for p in contact.phones] == ["+48600100200"]
    assert contact.handles == ["telegram @anna_k"] and contact.emails == ["anna@example.pl"]
    assert contact.unread == ["дзвонити ввечері"]


def test_a_handle_typed_in_a_form_is_stored_in_one_form_and_indexed_alike(settings):
    assert normalise_messenger("@olena_k, t.me/olena2") == "telegram @olena_k, telegram @olena2"
    assert messenger_index("@Olena_K") == messenger_index("telegram @olena_k") != ""
