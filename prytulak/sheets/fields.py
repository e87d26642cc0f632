"""The columns an import understands, with the header names volunteer sheets used for them
(in any of our languages), so the mapping step starts with a good guess."""

from __future__ import annotations

import functools
import re
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


# Header words are folded (see fold) and matched against every word of a sheet's header,
# in any of our languages: “Скільки людей? / How many people?” is read word by word.
CONTACT_WORDS = (
    "contact contacts контакт контакти контакты кантакт кантакты kontakt kontakty kontakte "
    "kontaktas telegram viber whatsapp signal телеграм вайбер як зв'язатися как связаться "
    "reach"
)
PHONE_WORDS = "phone tel telefon telefonu телефон телефону тел номер mobile handy mobil komórka"
EMAIL_WORDS = "email e-mail mail пошта почта адрес poczta пошты эл ел"
NOTES_WORDS = "notes note comment comments remarks коментар коментарі комментарий комментарии заўвагі uwagi notizen pastabos"

OFFER_COLUMNS = [
    Column(
        "host_name",
        _("Host's name"),
        True,
        "host name імя ім'я имя піб фио прізвище imie imię nazwisko vardas gastgeber "
        "господар хозяин гаспадар gospodarz",
    ),
    Column("contact", _("Contact"), False, CONTACT_WORDS),
    Column("email", _("E-mail"), False, EMAIL_WORDS),
    Column("phone", _("Phone"), False, PHONE_WORDS),
    Column(
        "city",
        _("Town or city"),
        True,
        "city town місто город горад miasto miejscowosc miejscowość stadt ort miestas "
        "населений пункт місцевість",
    ),
    Column(
        "address", _("Exact address"), False, "address адреса адрес адрас adres adresse adresas"
    ),
    Column(
        "beds",
        _("Beds"),
        True,
        "beds bed місць мест ліжок кроватей месцаў miejsc łóżek betten schlafplätze lovos "
        "vietos людей людзей человек чоловік people persons osób osob personen žmonių скільки "
        "сколько колькі ile wie viele kiek many",
    ),
    Column(
        "available_from",
        _("Available from"),
        True,
        "from від с з od ab nuo коли когда калі kiedy wann kada when since від коли початок",
    ),
    Column("available_to", _("Available until"), False, "until to до da do bis iki"),
    Column(
        "pets",
        _("Pets welcome"),
        False,
        "pets pet тварини тварин животные жывёлы zwierzeta zwierzęta haustiere gyvūnai",
    ),
    Column(
        "children",
        _("Children welcome"),
        False,
        "children kids діти дітьми дети детьми дзеці dzieci dziećmi kinder vaikai",
    ),
    Column(
        "languages",
        _("Languages"),
        False,
        "languages language мови мова языки язык мовы języki język sprachen sprache kalbos",
    ),
    Column("notes", _("Notes"), False, NOTES_WORDS),
]

HOUSEHOLD_COLUMNS = [
    Column(
        "lead_name",
        _("Name of the contact person"),
        True,
        "name імя ім'я имя піб фио прізвище imie imię nazwisko vardas",
    ),
    Column("contact", _("Contact"), False, CONTACT_WORDS),
    Column("phone", _("Phone"), False, PHONE_WORDS),
    Column("email", _("E-mail"), False, EMAIL_WORDS),
    Column(
        "people",
        _("Who travels (e.g. “2 adults + cat”)"),
        True,
        "people who persons склад состав хто кто osoby wer personen kas skład сімя семья "
        "сім'я family rodzina familie людей скільки сколько ile",
    ),
    Column(
        "languages",
        _("Languages"),
        False,
        "languages language мови мова языки язык мовы języki język sprachen sprache kalbos",
    ),
    Column(
        "arrival_place",
        _("Where they are now"),
        True,
        "place where city location де где дзе місто город gdzie miasto wo stadt kur зараз "
        "сейчас teraz now",
    ),
    Column(
        "arrival_date",
        _("Arrival date"),
        True,
        "date дата data datum arrival прибуття прибытие przyjazd ankunft коли когда kiedy when",
    ),
    Column(
        "needs", _("Other needs"), False, "needs потреби нужды патрэбы potrzeby bedarf poreikiai"
    ),
    Column("notes", _("Notes"), False, NOTES_WORDS),
]

# Columns that are a way to reach the person: at least one must be chosen.
CONTACT_COLUMNS = ("contact", "phone", "email")

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

_HEADER_NOISE = re.compile(r"[?!:*№#\"«»“”„()\[\]|/+=]+")


def header_words(header: str) -> list[str]:
    """The folded words of a header, whatever punctuation and languages it mixes:
    “Скільки людей? / How many people?” → скільки, людей, how, many, people."""
    return fold(_HEADER_NOISE.sub(" ", header)).split()


@functools.cache
def _column_words(kind: str) -> dict[str, set[str]]:
    return {
        c.name: {w for word in [*c.headers.split(), c.name] for w in header_words(word)}
        for c in COLUMNS[kind]
    }


def _score(words: set[str], header: str) -> float:
    score = 0.0
    for token in header_words(header):
        if token in words or (
            len(token) >= 6 and any(len(w) >= 5 and token.startswith(w) for w in words)
        ):
            # Short words (“з”, “do”, “to”) only tip the balance between longer ones.
            score += 1 if len(token) > 2 else 0.4
    return score


def guess_mapping(kind: str, headers: list[str]) -> dict[str, int]:
    """Our column → the sheet's column number, from the words of the sheet's headers; the
    best-matching pairs are taken first, each column and header at most once."""
    pairs = []
    for name, words in _column_words(kind).items():
        for i, header in enumerate(headers):
            if header and (score := _score(words, header)):
                pairs.append((-score, i, name))
    mapping: dict[str, int] = {}
    for _neg_score, i, name in sorted(pairs):  # noqa: B007
        if name not in mapping and i not in mapping.values():
            mapping[name] = i
    return mapping


HEADER_SEARCH_ROWS = 15


def find_header_row(kind: str, rows: list[list[str]]) -> tuple[int, int]:
    """The index of the row that names the columns (a title row above it is skipped) and
    how many of our columns it names."""
    best = (-1, -1, 0)  # (named columns, filled cells, -index)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = sum(1 for c in row if c)
        if filled < 2:
            continue
        named = len(guess_mapping(kind, row))
        best = max(best, (named, filled, -i))
    if best[0] < 0:
        return 0, 0
    return -best[2], best[0]
