"""Messy spreadsheet values as volunteer groups typed them in 2022, read into clean ones.

Each reader returns a value or raises ValueError saying what is wrong, for the person
importing; none of them touches the database. The message never repeats the value: it is
stored with the import's results, and a cell can hold a phone number or a note about a person.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from prytulak.core.choices import SPOKEN_LANGUAGE_CODES
from prytulak.core.privacy import DEFAULT_PHONE_REGION, normalise_phone
from prytulak.places.geocoder import Place, fold, gazetteer

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

# Word stems, folded (lower case, no accents): who or what a count is about.
STEMS = {
    "infants": "infant baby babies toddler немовл младен малюк малыш грудн niemowl baby säugling kūdik",
    "seniors": "senior elderly grandma grandpa granny pension бабус бабуш дідус дедуш бабул пенсіон пенсион "
    "бабул дзядул babci dziad emeryt oma opa rentner senjor močiut senel",
    "children": "child kid son daughter teen boy girl діт дит дет реб сын син доч дон дзец дзіц "
    "хлоп дев dziec dzieck córk syn nastol kind kinder tochter sohn jugend vaik sūn dukr paaug",
    "adults": "adult grown man men woman women mother mom mum father dad husband wife parent "
    "person people persons взросл доросл дарасл дарос мам мат тат пап отец батьк жінк женщ жанч "
    "мужч чолов муж жена дружин особ чел люд dorosł osob kobiet mężczy mam tat matk ojciec mąż "
    "żon erwachsen frau mann mutter vater person leute suaug moter vyr mam tėv asm žmon",
    "pets": "pet cat cats dog dogs kitten puppy parrot rabbit hamster кіт кот коше кошк кіш "
    "собак пес щен котик попуг кролик хомʼяк хомяк kot kota psy pies pieś kotek papug krolik "
    "katze hund haustier katė kat šuo šun",
}
_STEMS = [(kind, fold(stem)) for kind, stems in STEMS.items() for stem in stems.split()]


@dataclass
class People:
    adults: int = 0
    children: int = 0
    infants: int = 0
    seniors: int = 0
    pets: int = 0

    @property
    def total(self) -> int:
        return self.adults + self.children + self.infants + self.seniors


def _kind(word: str) -> str | None:
    folded = fold(word)
    for kind, stem in _STEMS:
        if folded.startswith(stem):
            return kind
    return None


def people(text: str) -> People:
    """“2 adults + cat”, “мама + 2 дитини”, “2 дорослих, 3 дітей, собака”, “1+2”, “4”.

    A bare number counts people as adults; “1+2” is adults plus children; a word without a
    number counts one (“mother with a dog”).
    """
    result = People()
    tokens = re.findall(r"\d+|[^\W\d_]+(?:['’ʼ][^\W\d_]+)?|\+", text.casefold())
    if not tokens:
        raise ValueError(_("Say how many people, e.g. “2 adults + 1 child”."))
    bare: list[int] = []
    pending: int | None = None
    for word in tokens:
        number = int(word) if word.isdigit() else _NUMBER.get(fold(word))
        if number is not None:
            if pending is not None:
                bare.append(pending)
            pending = number
            continue
        kind = _kind(word) if word != "+" else None
        if kind is None:
            continue
        count = pending if pending is not None else 1
        setattr(result, kind, getattr(result, kind) + count)
        pending = None
    if pending is not None:
        bare.append(pending)
    if bare and result.total == 0:
        # “4” → four adults; “1+2” → one adult and two children.
        result.adults += bare[0]
        result.children += sum(bare[1:])
    elif bare:
        raise ValueError(_("we could not tell whom the numbers count"))
    if result.total == 0:
        raise ValueError(_("Say how many people, e.g. “2 adults + 1 child”."))
    if result.total > 30:
        raise ValueError(_("A household can have at most %(max)d people.") % {"max": 30})
    return result


def phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A phone in the local formats people type (“067 123 45 67”, “0048 600-100-200”,
    “380501234567”) as E.164; `region` is the country a number without a code belongs to.
    The same normalisation as the blind index, but a number it cannot read is an error."""
    raw = str(text).strip()
    digits = re.sub(r"\D", "", raw)
    if not raw.startswith(("+", "00")) and len(digits) >= 11:
        raw = "+" + digits  # a full international number typed without the plus
    number = normalise_phone(raw, region)
    if not number.startswith("+"):
        raise ValueError(_("not a phone number we can read"))
    return number


_DAY_FIRST = re.compile(r"(\d{1,2})[./\-](\d{1,2})(?:[./\-](\d{2,4}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def date(value: object, today: datetime.date | None = None) -> datetime.date:
    """A date from a spreadsheet cell: a real date, “2022-03-05”, “05.03.2022”, “5/3/22”
    or “05.03” (this year). Numbers with dots or slashes are read day first, as in Europe."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    today = today or datetime.date.today()
    try:
        if m := _ISO.fullmatch(text[:10]):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DAY_FIRST.fullmatch(text):
            year = int(m[3]) if m[3] else today.year
            if year < 100:
                year += 2000
            return datetime.date(year, int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise ValueError(_("not a date we can read, e.g. 05.03.2022"))


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
