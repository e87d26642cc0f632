"""Ways to reach a host or a household, as volunteers write them in one “Contact” cell:
phone numbers, e-mail addresses and messenger handles (“@host_17257”, “t.me/olena”,
“viber: +48 600 100 200”).

Handles are recognised as handles and never read as phone numbers. Phones are read with the
regions the caller gives (the row's town or country, then the organisation's country, Ukraine
last); a number valid in none of them is kept as written and marked for a check, never turned
into another country's number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers

from .privacy import DEFAULT_PHONE_REGION

MESSENGERS = ("telegram", "viber", "signal", "whatsapp")

# Labels people put before a handle or number, folded to the messenger's name.
_LABELS = {
    "telegram": "telegram",
    "tg": "telegram",
    "телеграм": "telegram",
    "телеграмм": "telegram",
    "телега": "telegram",
    "тг": "telegram",
    "viber": "viber",
    "вайбер": "viber",
    "signal": "signal",
    "сигнал": "signal",
    "сігнал": "signal",
    "whatsapp": "whatsapp",
    "whats app": "whatsapp",
    "wa": "whatsapp",
    "ватсап": "whatsapp",
    "вотсап": "whatsapp",
    "вацап": "whatsapp",
}
_LINKS = [
    (re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/@?([A-Za-z0-9_]{3,32})/?", re.I),
     "telegram"),
    (re.compile(r"(?:https?://)?(?:www\.)?wa\.me/\+?(\d{7,15})/?", re.I), "whatsapp"),
    (re.compile(r"(?:https?://)?signal\.me/#p/\+?(\d{7,15})/?", re.I), "signal"),
]  # fmt: skip
_LABELLED = re.compile(r"^\s*([^\W\d_]+(?: [^\W\d_]+)?)\.?\s*[:：\-–]?\s*(.+)$")
# Labels before a phone number.
_PHONE_LABELS = {
    "tel", "tel nr", "phone", "mobile", "mob", "telefon", "kom", "komórka", "handy", "телефон",
    "тел", "моб", "mobil", "nr", "numer", "номер",
}  # fmt: skip
_AT_HANDLE = re.compile(r"@([A-Za-z0-9_]{3,32})")
_EMAIL = re.compile(r"[^\s@,;]+@[^\s@,;]+\.[^\s@,;]{2,}")
# Separators between several contacts in one cell; “/” only between spaces, as numbers use it.
_SPLIT = re.compile(r"[,;\n]+|\s+/\s+|\s+(?:або|или|albo|lub|or|oder|arba)\s+", re.I)
_PHONE_CHARS = re.compile(r"^[\d\s+()\-./]+$")


@dataclass
class Phone:
    """A phone number: E.164 when it is valid in one of the regions tried, else the text as
    written with `check` set."""

    value: str
    check: bool = False


@dataclass
class Contact:
    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)  # “telegram @x”, “viber +48600100200”
    unread: list[str] = field(default_factory=list)  # parts that are none of these

    @property
    def phone(self) -> Phone | None:
        return self.phones[0] if self.phones else None

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    @property
    def messenger(self) -> str:
        return ", ".join(self.handles)

    @property
    def empty(self) -> bool:
        return not (self.phones or self.emails or self.handles)


def regions_for(*candidates: str | None) -> list[str]:
    """The regions to read a phone with, in order, each once, Ukraine last."""
    regions: list[str] = []
    for region in [*candidates, DEFAULT_PHONE_REGION]:
        if region and region.upper() not in regions:
            regions.append(region.upper())
    if DEFAULT_PHONE_REGION in regions:
        regions.remove(DEFAULT_PHONE_REGION)
        regions.append(DEFAULT_PHONE_REGION)
    return regions


def read_phone(text: str, regions: Iterable[str] = (DEFAULT_PHONE_REGION,)) -> Phone:
    """“+48 600 100 200”, “0048600100200”, “380671234567”, “067 123 45 67”, “600 100 200”.

    A number with its country code is read as such. A number without one is read in each of
    `regions`, as people there write it (with the trunk “0” where the country dials one);
    the first region where it is a valid number wins, unless another region also reads it
    as a different valid number (“067 100 70 00” in Berlin is German and Ukrainian): then,
    as when no region reads it, it is kept as written and marked `check`."""
    raw = " ".join(str(text).split())
    digits = re.sub(r"\D", "", raw)
    international = raw.startswith(("+", "00")) or (len(digits) >= 11 and not raw.startswith("0"))
    if international:
        candidate = "+" + (digits[2:] if raw.startswith("00") else digits)
        number = _parse(candidate, None)
        if number is not None:
            return Phone(_e164(number))
        return Phone(raw, check=True)
    readings = []
    for region in regions:
        number = _parse(raw, region)
        if number is not None and _written_as_there(digits, region):
            readings.append(_e164(number))
    if readings and all(r == readings[0] for r in readings):
        return Phone(readings[0])
    return Phone(raw, check=True)


def _written_as_there(digits: str, region: str) -> bool:
    """Whether a national number is written as people in `region` write it: with the trunk
    prefix where the country has one (a Ukrainian writes “067…”, never “67…”)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix if metadata is not None else None
    return not prefix or digits.startswith(prefix)


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_handle(text: str) -> str:
    """The comparable form of a handle: “telegram @Olena_K” → “telegram @olena_k”."""
    return " ".join(text.casefold().split())


def _handle(part: str, regions: list[str]) -> str | None:
    for pattern, messenger in _LINKS:
        if m := pattern.fullmatch(part):
            return _format(messenger, m[1], regions)
    if m := _LABELLED.match(part):
        labelled = _LABELS.get(" ".join(m[1].casefold().split()))
        if labelled:
            return _format(labelled, m[2].strip(), regions)
    if m := _AT_HANDLE.fullmatch(part):
        return f"telegram @{m[1]}"
    return None


def _format(messenger: str, value: str, regions: list[str]) -> str:
    value = value.strip()
    at = _AT_HANDLE.fullmatch(value) or re.fullmatch(r"([A-Za-z][A-Za-z0-9_]{2,31})", value)
    if at:
        return f"{messenger} @{at[1]}"
    if _PHONE_CHARS.match(value):
        phone = read_phone(value, regions)
        if not phone.check:
            return f"{messenger} {phone.value}"
    return f"{messenger} {value}"


def _phone_part(part: str) -> str | None:
    """The number in “600 100 200” or “tel. 600 100 200”, else None."""
    if (m := _LABELLED.match(part)) and " ".join(m[1].casefold().split()) in _PHONE_LABELS:
        part = m[2].strip()
    if _PHONE_CHARS.match(part) and len(re.sub(r"\D", "", part)) >= 5:
        return part
    return None


def read_contact(text: str, regions: Iterable[str] = (DEFAULT_PHONE_REGION,)) -> Contact:
    """Every phone, e-mail and handle in a cell, each recognised for what it is."""
    regions = list(regions)
    contact = Contact()
    for part in _SPLIT.split(str(text)):
        part = part.strip().strip(".")
        if not part:
            continue
        handle = _handle(part, regions)
        if handle is not None:
            contact.handles.append(handle)
        elif _EMAIL.fullmatch(part):
            contact.emails.append(part)
        elif (number := _phone_part(part)) is not None:
            contact.phones.append(read_phone(number, regions))
        else:
            contact.unread.append(part)
    return contact


def normalise_messenger(text: str) -> str:
    """A messenger field as typed in a form (“@olena”, “t.me/olena, viber +48…”) in the
    stored form (“telegram @olena, viber +48…”); text that is no handle is kept as typed."""
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    handles = []
    for part in _SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        handle = _handle(part, [DEFAULT_PHONE_REGION])
        handles.append(handle if handle is not None else part)
    return ", ".join(handles)
