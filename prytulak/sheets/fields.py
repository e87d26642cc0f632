"""The columns an import understands, with the header names volunteer sheets used for them
(in any of our languages), so the mapping step starts with a good guess."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from prytulak.core.validators import StrOrPromise
from prytulak.places.geocoder import fold

from .models import ImportKind


@dataclass(frozen=True)
class Column:
    name: str
    label: StrOrPromise
    required: bool
    headers: str  # space-separated folded header words that suggest this column


OFFER_COLUMNS = [
    Column(
        "host_name",
        _("Host's name"),
        True,
        "host name імя ім'я имя піб фио imie imię nazwisko vardas gastgeber",
    ),
    Column("email", _("E-mail"), True, "email e-mail mail пошта почта adres poczta"),
    Column("phone", _("Phone"), False, "phone tel telefon телефон тел номер mobile handy"),
    Column(
        "city",
        _("Town or city"),
        True,
        "city town місто город горад miasto miejscowosc stadt ort miestas",
    ),
    Column("address", _("Exact address"), False, "address адреса адрес adres adresse adresas"),
    Column(
        "beds",
        _("Beds"),
        True,
        "beds bed місць мест ліжок кроватей месцаў miejsc łóżek betten schlafplätze lovos vietos",
    ),
    Column("available_from", _("Available from"), True, "from від с з od ab nuo"),
    Column("available_to", _("Available until"), False, "until to до da do bis iki"),
    Column(
        "pets",
        _("Pets welcome"),
        False,
        "pets pet тварини животные жывёлы zwierzeta haustiere gyvūnai",
    ),
    Column(
        "children",
        _("Children welcome"),
        False,
        "children kids діти дети дзеці dzieci kinder vaikai",
    ),
    Column(
        "languages",
        _("Languages"),
        False,
        "languages language мови языки мовы języki sprachen kalbos",
    ),
    Column(
        "notes", _("Notes"), False, "notes note коментар комментарий заўвагі uwagi notizen pastabos"
    ),
]

HOUSEHOLD_COLUMNS = [
    Column(
        "lead_name",
        _("Name of the contact person"),
        True,
        "name імя ім'я имя піб фио imie imię nazwisko vardas",
    ),
    Column("phone", _("Phone"), True, "phone tel telefon телефон тел номер mobile handy"),
    Column("email", _("E-mail"), False, "email e-mail mail пошта почта poczta"),
    Column(
        "people",
        _("Who travels (e.g. “2 adults + cat”)"),
        True,
        "people who persons склад состав хто кто osoby wer personen kas skład",
    ),
    Column(
        "languages",
        _("Languages"),
        False,
        "languages language мови языки мовы języki sprachen kalbos",
    ),
    Column(
        "arrival_place",
        _("Where they are now"),
        True,
        "place where city location де где дзе місто город gdzie miasto wo stadt kur",
    ),
    Column(
        "arrival_date",
        _("Arrival date"),
        True,
        "date дата data datum arrival прибуття прибытие przyjazd ankunft",
    ),
    Column(
        "needs", _("Other needs"), False, "needs потреби нужды патрэбы potrzeby bedarf poreikiai"
    ),
    Column(
        "notes", _("Notes"), False, "notes note коментар комментарий заўвагі uwagi notizen pastabos"
    ),
]

# When the row's form was filled in (a Google Forms “Timestamp”): relative dates in the row
# (“ASAP”, “від понеділка”) count from it; without it, from the upload.
SUBMITTED_AT = Column(
    "submitted_at",
    _("When the row was written"),
    False,
    "timestamp submitted позначка часу отметка времени пазнака sygnatura czasowa zeitstempel žymė",
)
OFFER_COLUMNS.append(SUBMITTED_AT)
HOUSEHOLD_COLUMNS.append(SUBMITTED_AT)

COLUMNS: dict[str, list[Column]] = {
    ImportKind.OFFERS: OFFER_COLUMNS,
    ImportKind.HOUSEHOLDS: HOUSEHOLD_COLUMNS,
}


def guess_mapping(kind: str, headers: list[str]) -> dict[str, int]:
    """Our column → the sheet's column number, from words in the sheet's headers."""
    mapping: dict[str, int] = {}
    for column in COLUMNS[kind]:
        words = set(column.headers.split()) | {fold(column.name)}
        for i, header in enumerate(headers):
            if i in mapping.values():
                continue
            folded = fold(header)
            tokens = set(folded.split())
            if tokens & {fold(w) for w in words} or folded in words:
                mapping[column.name] = i
                break
    return mapping
