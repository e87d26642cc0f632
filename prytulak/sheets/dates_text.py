"""Dates as people write them in sheets: “05.03.2022”, “5/3/22”, “10 березня”, “від 10
березня”, “March 10th”, “10 marca”, “10. März”, “kovo 10 d.”, “ASAP”, “od zaraz”,
“з понеділка”, “завтра”.

Numbers are read day first, as everywhere our sheets come from. Relative words count from a
reference day: when the row's form was filled in if the sheet says so, else the upload. A
date without a year is its next occurrence from that day (a date up to a month before it is
taken as this year's: “25.11” typed on 30 November is five days ago, not next year). A date
that cannot exist is refused with the reason; a date that is not exact is read and marked
for review. Pure Python; messages never repeat the value.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prytulak.core.validators import StrOrPromise
from prytulak.places.geocoder import fold

# How far before the reference day a date without a year is still this year's.
GRACE = datetime.timedelta(days=30)

NOT_EXACT = gettext_lazy("not an exact day; check the date")

# Month names and their stems, folded, in the seven languages (nominative and genitive:
# “березень”/“березня”, “marzec”/“marca”, “kovas”/“kovo”); a stem takes any ending.
MONTHS = {
    1: "січ студз stycz jan jän saus янв",
    2: "лют feb vasar фев lut",
    3: "берез сакав marz marc mar mär kov март",
    4: "квіт красав kwie apr baland апр",
    5: "трав трау maj mai may geguz мая май",
    6: "черв чэрв czerw jun birz июн",
    7: "лип ліп lip jul liep июл",
    8: "серп жнів жніу sierp aug rugpj авг",
    9: "верес верас wrze sep rugs сен",
    10: "жовт кастр pazdz okt oct spal окт",
    11: "листоп лістап listop nov lapkr ноя",
    12: "груд снеж grud dez dec gruod дек",
}
_MONTH_STEMS = sorted(
    ((fold(stem), month) for month, stems in MONTHS.items() for stem in stems.split()),
    key=lambda s: -len(s[0]),
)
# The longest ending a stem takes: “pazdz” + “iernika”.
_ENDING = 8

WEEKDAYS = {
    0: "понеділок понеділка понедельник понедельника панядзелак панядзелка poniedziałek "
    "poniedziałku monday mon montag pirmadienis pirmadienio",
    1: "вівторок вівторка вторник вторника аўторак аўторка wtorek wtorku tuesday tue "
    "dienstag antradienis antradienio",
    2: "середа середи середу среда среды среду серада серады сераду środa środy środę "
    "wednesday wed mittwoch trečiadienis trečiadienio",
    3: "четвер четверга четверг четверга чацвер чацвярга czwartek czwartku thursday thu "
    "donnerstag ketvirtadienis ketvirtadienio",
    4: "пʼятниця пʼятниці пʼятницю пятница пятницы пятницу пятніца пятніцы пятніцу piątek "
    "piątku friday fri freitag penktadienis penktadienio",
    5: "субота суботи суботу суббота субботы субботу sobota soboty sobotę saturday sat "
    "samstag sonnabend šeštadienis šeštadienio",
    6: "неділя неділі неділю воскресенье воскресенья нядзеля нядзелі нядзелю niedziela "
    "niedzieli niedzielę sunday sun sonntag sekmadienis sekmadienio",
}
_WEEKDAY = {fold(w): day for day, words in WEEKDAYS.items() for w in words.split()}

# Days counted from the reference day; phrases first become one word.
RELATIVE = {
    0: "asap now today already anytime immediately urgent urgently "
    "зараз сьогодні вже одразу відразу терміново якнайшвидше будь-коли "
    "сейчас сегодня уже сразу срочно немедленно "
    "цяпер сёння ужо адразу тэрмінова "
    "zaraz teraz dziś dzisiaj już natychmiast pilnie "
    "sofort jetzt heute bereits schon dringend jederzeit "
    "dabar šiandien jau skubiai",
    1: "tomorrow завтра заўтра jutro jutra morgen rytoj",
    2: "pojutrze післязавтра послезавтра паслязаўтра übermorgen poryt",
    -1: "yesterday вчора учора вчера wczoraj gestern vakar",
}
_RELATIVE = {fold(w): days for days, words in RELATIVE.items() for w in words.split()}
PHRASES = {
    "as soon as possible": "asap",
    "right now": "now",
    "right away": "now",
    "any time": "anytime",
    "day after tomorrow": "pojutrze",
    "якомога швидше": "asap",
    "як можна швидше": "asap",
    "в будь-який час": "anytime",
    "как можно скорее": "asap",
    "как можно быстрее": "asap",
    "в любое время": "anytime",
    "як мага хутчэй": "asap",
    "jak najszybciej": "asap",
    "od razu": "now",
    "w każdej chwili": "anytime",
    "so bald wie möglich": "asap",
    "so schnell wie möglich": "asap",
    "kuo greičiau": "asap",
    "bet kada": "anytime",
}
# “from”, “since” and the small words around a day: “з 10-го березня 2022 р.”, “March
# 10th”, “10. März”, “2022 m. kovo 10 d.”, “od 10 marca”.
IGNORED_WORDS = (
    "від вiд з із зі с со od from ab nuo since starting on the of am den в у w на na "
    "р року рік г года год гадоў roku rok r m metų d dnia dienos числа число "
    "th st nd rd го е ого тега tego"
)
IGNORED = {fold(w) for w in IGNORED_WORDS.split()}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./\-](\d{1,2})(?:[./\-](\d{4}|\d{2}))?(?![\d])")
_WORDS = re.compile(r"\d+|[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*")


class DateError(ValueError):
    pass


@dataclass(frozen=True)
class DateReading:
    date: datetime.date
    review: StrOrPromise | None = None  # why a person should check it, if they should


def _unreadable() -> DateError:
    return DateError(_("not a date we can read, e.g. 05.03.2022"))


def _month(word: str) -> int | None:
    for stem, month in _MONTH_STEMS:
        if word.startswith(stem) and len(word) <= len(stem) + _ENDING:
            return month
    return None


def _make(year: int | None, month: int, day: int, reference: datetime.date) -> datetime.date:
    """The date, or its next occurrence when the year is not given; impossible ones refused."""
    if not 1 <= month <= 12:
        raise DateError(_("there is no month %(month)d") % {"month": month})
    if year is not None:
        if year < 100:
            year += 2000
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise DateError(_("there is no day %(day)d in that month") % {"day": day}) from None
    for year in range(reference.year - 1, reference.year + 9):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue  # 29 February: the next leap year
        if candidate >= reference - GRACE:
            return candidate
    raise DateError(_("there is no day %(day)d in that month") % {"day": day})


def read_date(value: object, reference: datetime.date) -> DateReading:
    """A date from a spreadsheet cell, counted from `reference` where the text is relative.
    Raises DateError (a ValueError) saying what is wrong, without repeating the value."""
    if isinstance(value, datetime.datetime):
        return DateReading(value.date())
    if isinstance(value, datetime.date):
        return DateReading(value)
    text = str(value).strip()
    if m := _ISO.fullmatch(text):
        return DateReading(_make(int(m[1]), int(m[2]), int(m[3]), reference))
    text = _TIME.sub(" ", text.casefold())
    for phrase, word in PHRASES.items():
        text = text.replace(phrase, f" {word} ")
    numeric = _NUMERIC.search(text)
    if numeric:
        rest = text[: numeric.start()] + " " + text[numeric.end() :]
        if any(fold(w) not in IGNORED for w in _WORDS.findall(rest)):
            raise _unreadable()
        day, month, year = int(numeric[1]), int(numeric[2]), numeric[3]
        return DateReading(_make(int(year) if year else None, month, day, reference))
    words = [fold(w) for w in _WORDS.findall(text)]
    words = [w for w in words if w and w not in IGNORED]
    if not words:
        raise _unreadable()
    if len(words) == 1 and words[0] in _RELATIVE:
        return DateReading(reference + datetime.timedelta(days=_RELATIVE[words[0]]))
    if len(words) == 1 and words[0] in _WEEKDAY:
        ahead = (_WEEKDAY[words[0]] - reference.weekday()) % 7
        if ahead == 0:
            return DateReading(reference, NOT_EXACT)  # “from Monday”, said on a Monday
        return DateReading(reference + datetime.timedelta(days=ahead))
    return _with_month_name(words, reference)


def _with_month_name(words: list[str], reference: datetime.date) -> DateReading:
    """“10 березня 2022”, “March 10th, 22”, “2022 m. kovo 10 d.”, “від березня”."""
    months = [m for w in words if not w.isdigit() and (m := _month(w))]
    others = [w for w in words if not w.isdigit() and not _month(w)]
    if len(months) != 1 or others:
        raise _unreadable()
    numbers = [int(w) for w in words if w.isdigit()]
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 1000]
    if len(years) > 1 or len(days) > 2 or (years and len(days) > 1):
        raise _unreadable()
    year = years[0] if years else (days[1] if len(days) == 2 else None)
    if not days:
        # Only the month: its first day, or today if it is this month; a person checks.
        start = _make(year, months[0], 1, reference)
        if start < reference and (start.year, start.month) == (reference.year, reference.month):
            start = reference
        return DateReading(start, NOT_EXACT)
    return DateReading(_make(year, months[0], days[0], reference))
