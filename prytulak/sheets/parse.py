"""Messy spreadsheet values as volunteer groups typed them in 2022, read into clean ones.

Each reader returns a value or raises ValueError saying what is wrong, for the person
importing; none of them touches the database. The message never repeats the value: it is
stored with the import's results, and a cell can hold a phone number or a note about a person.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from prytulak.core.choices import SPOKEN_LANGUAGE_CODES
from prytulak.places.geocoder import Place, fold, gazetteer


class Unsure(Exception):  # noqa: N818 (not an error: a reading to confirm)
    """A reader's best reading that a person should confirm before it is imported.

    `value` is what was understood; `reason` says why it needs a look, naming the problem and
    never quoting the cell. The import shows such rows for review (original text next to
    `value`), and imports them only once fixed or accepted. Any reader may raise it (the
    people and date parsers do when a phrasing is ambiguous)."""

    def __init__(self, value: object, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


# Number words people write instead of digits, in the languages of the sheets we saw.
NUMBER_WORDS = {
    1: "one a an single один одна одне одну адзін адна jeden jedna jedno ein eine einen vienas viena",
    2: "two two двое два дві двоє двох двома двумя dwa dwie dwoje zwei du dvi",
    3: "three three трое три три троє трьох трьома тремя тры trzy troje drei trys",
    4: "four четыре чотири четверо чатыры cztery czworo vier keturi",
    5: "five пять пять пʼять пять пяць pięć fünf penki",
    6: "six шесть шість шэсць sześć sechs šeši",
}
_NUMBER = {w: n for n, words in NUMBER_WORDS.items() for w in words.split()}


_YES = {"yes", "y", "true", "1", "+", "x", "так", "да", "tak", "ja", "taip", "oui", "si", "ok"}
_NO = {"no", "n", "false", "0", "-", "ні", "нет", "не", "nie", "nein", "ne", "non"}


def yes_no(value: object) -> bool:
    text = fold(str(value)) if value not in (True, False) else ("yes" if value else "no")
    word = text.split(" ")[0] if text else ""
    if word in _YES:
        return True
    if word in _NO or word == "":
        return False
    raise ValueError(_("write yes or no"))


LANGUAGE_NAMES = {
    "uk": "uk ua ukr ukrainian українська укр украинский украинская ukraiński ukrainisch ukrainiečių украінская",
    "ru": "ru rus russian русский рус російська рос rosyjski russisch rusų руская",
    "be": "be by bel belarusian беларуская бел білоруська белорусский białoruski belarussisch baltarusių",
    "pl": "pl pol polish польська польский polski polnisch lenkų польская",
    "en": "en eng english англійська английский angielski englisch anglų англійская",
    "de": "de ger german німецька немецкий niemiecki deutsch vokiečių нямецкая",
    "lt": "lt lit lithuanian литовська литовский litewski litauisch lietuvių літоўская",
    "cs": "cs cz czech чеська чешский czeski tschechisch čekų",
    "sk": "sk slovak словацька словацкий słowacki slowakisch",
    "ro": "ro romanian румунська румынский rumuński rumänisch",
    "hu": "hu hungarian угорська венгерский węgierski ungarisch",
    "fr": "fr french французька французский francuski französisch",
    "es": "es spanish іспанська испанский hiszpański spanisch",
    "it": "it italian італійська итальянский włoski italienisch",
    "lv": "lv latvian латиська латышский łotewski lettisch",
    "crh": "crh crimean tatar кримськотатарська крымскотатарский",
}
_LANGUAGE = {fold(n): code for code, names in LANGUAGE_NAMES.items() for n in names.split()}


def languages(text: str) -> list[str]:
    """“українська, польська”, “UA/PL”, “uk ru”, “English” → ["uk", "pl"]."""
    codes: list[str] = []
    for word in re.split(r"[\s,;/+&|]+", fold(str(text))):
        if not word or word in {"and", "і", "и", "i", "und", "ir", "та"}:
            continue
        code = _LANGUAGE.get(word) or (word if word in SPOKEN_LANGUAGE_CODES else None)
        if code is None:
            raise ValueError(_("a language we do not know"))
        if code not in codes:
            codes.append(code)
    return codes


def whole_number(value: object, *, lowest: int = 1) -> int:
    """“3”, “3 beds”, “3-4” (the smaller), “три”."""
    text = str(value).strip()
    m = re.search(r"\d+", text)
    number = int(m.group()) if m else _NUMBER.get(fold(text.split(" ")[0]) if text else "")
    if number is None or number < lowest:
        raise ValueError(_("not a number we can read"))
    return number


def place(text: str) -> tuple[Place, bool]:
    """The town, in any script; a small typo is forgiven (“Warszwa”) and reported as such.
    Returns the place and whether it was a guess."""
    found = gazetteer().lookup(text)
    if found is not None:
        return found, False
    guess = gazetteer().closest(text)
    if guess is not None:
        return guess, True
    raise ValueError(
        _("we could not find this place; check the spelling, or type the nearest larger town")
    )
