"""Blind indexes: keyed hashes of phone numbers and e-mail addresses.

Contact details are encrypted at rest, so the database cannot compare them. A blind index is
an HMAC of the normalised value under its own key (BLIND_INDEX_KEY): equal contacts give equal
indexes, so duplicates are found with an indexed equality query, and the index reveals nothing
without the key.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings

# Numbers written without a country code are read as Ukrainian (most households) first.
DEFAULT_PHONE_REGION = "UA"


def normalise_phone(value: str | None, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 when the number parses (`067 123 45 67` → `+380671234567`), else its digits."""
    if not value:
        return ""
    text = str(value).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "".join(ch for ch in text if ch.isdigit())


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def blind_index(kind: str, normalised: str) -> str:
    """Hex HMAC-SHA256 of `kind:value`; empty for an empty value."""
    if not normalised:
        return ""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def phone_index(value: str | None) -> str:
    return blind_index("phone", normalise_phone(value))


def email_index(value: str | None) -> str:
    return blind_index("email", normalise_email(value))


# Names: matched across scripts through their transliterated skeleton ("Olena" finds "Олена").
NAME_TOKEN_HEX = 16  # 64 bits per word tells equal words apart in any realistic table
NAME_TOKENS = 16  # words of one name that are indexed (the column holds 16 × 17 characters)


def name_key(value: str | None) -> str:
    """The searchable skeleton of a name kept in plain text (a lead name, a host's name)."""
    from prytulak.places.translit import skeleton

    return skeleton(value or "")


def name_tokens(value: str | None) -> list[str]:
    """Blind indexes of each word of an encrypted name's skeleton: a search finds the name by
    any of its words, in either script, without the database holding the words."""
    words = name_key(value).split()[:NAME_TOKENS]
    return [blind_index("name", word)[:NAME_TOKEN_HEX] for word in words]


def name_index(value: str | None) -> str:
    """The stored form of `name_tokens`: distinct tokens, sorted, separated by spaces."""
    return " ".join(sorted(set(name_tokens(value))))


def messenger_index(value: str | None) -> str:
    """The index of the first handle in a host's or household's messenger field; a bare
    “@name” is a Telegram handle, as `core.contact` reads it."""
    from .contact import normalise_handle

    first = (value or "").split(",", 1)[0].strip()
    if first.startswith("@"):
        first = "telegram " + first
    return blind_index("messenger", normalise_handle(first))
