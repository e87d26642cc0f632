"""Who travels, read from the free text volunteers wrote in a sheet: “2 osoby dorosłe +
1 dziecko”, “батьки + 4 дітей”, “мама, бабуся, дитина 2 роки, кіт і собака”, “Olena + син
10 р.”, in Ukrainian, Russian, Belarusian, Polish, English and German (and the surzhyk and
typos in between).

The reader is careful rather than clever: every word must be known, every number must say
whom it counts, and every person must be an adult or a child beyond doubt. Otherwise the
reading carries a reason to review, and the row waits for a person instead of being stored
wrong. Pure Python, no Django models: the reasons are translated lazily.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from prytulak.core.validators import StrOrPromise
from prytulak.places.geocoder import fold

from .people_words import NUMBER_WORDS, VOCABULARY

# The Person age bands (prytulak.people.models.AgeBand), and one for a child whose age the
# text does not give: the import stores such a child in the 5–13 band, as the form did.
INFANT, CHILD, TEEN, ADULT, SENIOR = "0-4", "5-13", "14-17", "18-64", "65+"
CHILD_UNKNOWN_AGE = "child"
MAX_PEOPLE = 30

REASON_AGES = _("it is not clear who is an adult and who is a child")
REASON_COUNT = _("it is not clear how many people or pets")
REASON_WORDS = _("some words were not understood")
REASON_NUMBERS = _("some numbers do not say whom they count")


@dataclass(frozen=True)
class PeopleReading:
    """One person per entry of `members` (an age band, or CHILD_UNKNOWN_AGE), the pets, and
    why a person should look at it (None when the text is clear)."""

    members: tuple[str, ...]
    pets: int
    review: StrOrPromise | None = None

    @property
    def adults(self) -> int:
        return sum(m in (ADULT, SENIOR) for m in self.members)

    @property
    def children(self) -> int:
        return len(self.members) - self.adults


_EXACT: dict[str, str] = {}
_STEMS: list[tuple[str, str]] = []
for _kind, _words in VOCABULARY.items():
    for _word in _words.split():
        if _word.endswith("*"):
            _STEMS.append((fold(_word[:-1]), _kind))
        else:
            _EXACT.setdefault(fold(_word).replace(" ", ""), _kind)
_STEMS.sort(key=lambda s: -len(s[0]))

_NUMBER = {fold(w): n for n, words in NUMBER_WORDS.items() for w in words.split()}

# People and pets drawn as emoji: 👩‍👧 is a mother and a girl.
EMOJI = {
    "👩": " adult ",
    "👨": " adult ",
    "🧑": " adult ",
    "👱": " adult ",
    "🤰": " adult ",
    "👵": " senior ",
    "👴": " senior ",
    "🧓": " senior ",
    "👧": " child ",
    "👦": " child ",
    "🧒": " child ",
    "👶": " baby ",
    "🐱": " cat ",
    "🐈": " cat ",
    "🐶": " dog ",
    "🐕": " dog ",
    "🐩": " dog ",
    "🐹": " hamster ",
    "🐰": " rabbit ",
    "🐇": " rabbit ",
    "🦜": " parrot ",
}

_EMOJI_CLASS = "".join(EMOJI)
_TOKEN = re.compile(
    r"(?P<range>\d+\s*(?:-|–|—|\.\.)\s*\d+)"
    r"|(?P<decimal>\d+[.,]\d(?!\d))"
    r"|(?P<num>\d+)"
    r"|(?P<word>[^\W\d_]+(?:['’ʼ`\-][^\W\d_]+)*)"
    rf"|(?P<emoji>[{_EMOJI_CLASS}])"
    r"|(?P<sep>[+,;/&:=()\n])",
)
_OR = {"або", "чи", "или", "ці", "albo", "lub", "czy", "or", "oder"}
_SEGMENT = {"+", ",", ";", "/", "\n", "&", ":"}


@dataclass
class _Group:
    kind: str  # adult, parent, senior, child, grandchild, offspring, infant, teen, sibling,
    # self, name, people, pet
    count: int | None
    explicit: bool = False
    ages: list[tuple[float, float]] = field(default_factory=list)
    negated: bool = False
    fixed: bool = False  # parents, twins, grandparents: the word itself counts two


@dataclass
class _Token:
    kind: str  # num, range, decimal, word, sep
    text: str
    folded: str = ""
    category: str | None = None
    value: float = 0
    high: float = 0
    capital: bool = False
    emoji: bool = False


def _category(folded: str) -> str | None:
    if folded in _EXACT:
        return _EXACT[folded]
    if folded in _NUMBER:
        return "number"
    for stem, category in _STEMS:
        if folded.startswith(stem) and len(folded) - len(stem) <= 5:
            return category
    return None


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "sep"
        raw = m.group()
        token = _Token(kind, raw)
        if kind == "range":
            low, high = re.findall(r"\d+", raw)
            token.value, token.high = float(low), float(high)
        elif kind in ("num", "decimal"):
            token.value = float(raw.replace(",", "."))
        elif kind in ("word", "emoji"):
            token.emoji = kind == "emoji"
            token.kind = "word"
            token.folded = EMOJI[raw].strip() if token.emoji else fold(raw).replace(" ", "")
            token.category = _category(token.folded)
            token.capital = raw[0].isupper() and not raw.isupper()
            # “I” is English for the writer; a lower-case “i” is “and” in Polish.
            if raw == "I":
                token.category = "self"
            if token.category == "number":
                token.kind, token.value = "num", float(_NUMBER[token.folded])
        tokens.append(token)
    return tokens


_CHILD_KINDS = {"child", "grandchild", "offspring", "infant", "teen"}
_ADULT_KINDS = {"adult", "parent", "self", "senior", "parents"}
_PERSON_KINDS = _CHILD_KINDS | _ADULT_KINDS | {"sibling", "people"}


def _band(age: float) -> str:
    if age < 5:
        return INFANT
    if age < 14:
        return CHILD
    if age < 18:
        return TEEN
    if age < 65:
        return ADULT
    return SENIOR


class _Reader:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.groups: list[_Group] = []
        self.reasons: list[StrOrPromise] = []
        self.bare: list[float] = []
        self.alone = False

    def doubt(self, reason: StrOrPromise) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)

    def read(self) -> None:  # one pass over the words, a small state machine
        tokens = self.tokens
        pending: int | None = None
        pending_vague = negate = False
        modifier: str | None = None
        ages_next = False
        in_details = False  # inside “( … )” after a person: details about them
        last: _Group | None = None
        last_index = -10  # where the last group's word was
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.kind in ("num", "decimal", "range"):
                # A run of numbers (“3 і 7”, “3, 5, 7”), then perhaps a unit.
                run = [t]
                j = i + 1
                while (
                    j + 1 < len(tokens)
                    and (tokens[j].category == "and" or tokens[j].text == ",")
                    and tokens[j + 1].kind in ("num", "decimal", "range")
                ):
                    run.append(tokens[j + 1])
                    j += 2
                unit = tokens[j].category if j < len(tokens) else None
                if j < len(tokens) and tokens[j].folded in _OR:
                    pending_vague = True  # “2 або 3 дітей”
                    i = j + 1
                    continue
                if unit in ("years", "months") or ages_next:
                    self._ages(last, run, months=unit == "months")
                    ages_next = False
                    i = j + (1 if unit in ("years", "months") else 0)
                    continue
                following = self._next_noun(j)
                if len(run) == 1 and following is not None and t.kind != "decimal":
                    if t.kind == "range":
                        pending_vague = True
                    pending = int(t.value)
                    i = j
                    continue
                after = tokens[i - 1] if i else t
                self._trailing(last, run, adjacent=last_index == i - 1, after=after)
                i = j
                continue
            if t.kind == "sep":
                if t.text == "(" and last is not None and last_index == i - 1:
                    last_index = i  # “син (7)”, “Olena (мама)”: about the same person
                    in_details = True
                elif t.text == ")":
                    in_details = False
                i += 1
                continue
            category = t.category
            if category is None:
                if negate:
                    negate = False  # “ohne Begleitung”: whatever it is, it is not counted
                elif t.capital and last is not None and last_index >= i - 1:
                    last_index = i  # “мама Олена”: the name of the one just counted
                elif t.capital and self._next_noun(i + 1, adjacent=True) is not None:
                    pass  # “Олена мама”: the role that follows counts her
                elif t.capital and self._starts_segment(i) and self._ends_segment(i + 1):
                    last = _Group("name", 1)  # “Olena + син 10 р.”
                    self.groups.append(last)
                    last_index = i
                else:
                    self.doubt(REASON_WORDS)
                i += 1
                continue
            if category == "negation":
                negate = True
            elif category == "vague":
                pending_vague = True
            elif category == "age.word":
                ages_next = True
            elif category in ("senior.adj", "infant.adj"):
                modifier = category.split(".")[0]
            elif category in ("years", "months", "and", "with", "filler"):
                pass  # a unit without a number before it, a joining word: nothing to count
            elif category == "alone":
                self.alone = True
            elif category == "self" or (
                category == "we" and i + 1 < len(tokens) and tokens[i + 1].category == "with"
            ):
                # “мы с мужем” is “my husband and I”
                if not any(g.kind == "self" for g in self.groups):
                    last = _Group("self", 1)
                    self.groups.append(last)
                last_index = i
            else:
                kind, _sep, number = category.partition(".")
                if kind == "we":
                    kind, number = "people", "pl"
                adjacent = last is not None and last_index == i - 1 and pending is None
                if (
                    adjacent
                    and last is not None
                    and t.emoji
                    and not tokens[i - 1].emoji
                    and kind == last.kind
                ):
                    last_index = i  # “собака 🐶”: the picture of the word before
                    i += 1
                    continue
                if (
                    adjacent
                    and last is not None
                    and last.kind in ("name", "self")
                    and tokens[i - 1].text == "("
                    and kind in _PERSON_KINDS
                ):
                    # “Olena (mama)”, “Я (бабуся)”: who the person just named is.
                    if last.kind == "name" or kind == "senior":
                        last.kind = kind
                    last_index = i
                    i += 1
                    continue
                if adjacent and last is not None and not last.negated and not t.emoji:
                    merged = self._merge(last, kind, number)
                    if merged:
                        last_index = i
                        i += 1
                        continue
                count: int | None
                if pending is not None:
                    count, explicit = pending, True
                else:
                    count = {"sg": 1, "one": 1, "two": 2, "pl": None}[number]
                    explicit = number == "two"
                if modifier == "senior" and kind in ("adult", "people", "parents"):
                    kind = "senior"
                elif modifier == "infant" and kind in ("child", "offspring"):
                    kind = "infant"
                last = _Group(kind, count, explicit, negated=negate, fixed=number == "two")
                if number == "two" and pending is not None:
                    # “2 пари” are four; “2 близнюків” are two
                    last.count = pending * 2 if kind != "child" else pending
                if pending_vague and not negate:
                    self.doubt(REASON_COUNT)
                if in_details and not negate:
                    self.doubt(REASON_AGES)  # “2 kids (toddler and 7yo)”: the same or more?
                if (
                    count == 1
                    and kind != "pet"
                    and any(
                        g.kind == kind and (g.count or 2) > 1 for g in self.groups if not g.negated
                    )
                ):
                    self.doubt(REASON_AGES)  # “з двома дітьми, одна дитина 5 р.”: one of them?
                self.groups.append(last)
                last_index = i
                pending, pending_vague, negate, modifier = None, False, False, None
            i += 1
        if pending is not None:
            self.bare.append(pending)
        if pending_vague:
            self.doubt(REASON_COUNT)

    def _merge(self, last: _Group, kind: str, number: str) -> bool:
        """Two words for one group: “2 osoby dorosłe”, “2 дорослих особи”, “baby girl”,
        “подружжя пенсіонерів”. Returns whether the word was taken into `last`."""
        if {kind, last.kind} & {"people"} and {kind, last.kind} <= _PERSON_KINDS:
            if last.kind == "people":
                last.kind = kind
                last.fixed = number == "two"
            return True
        if last.kind == "parents" and kind == "senior":
            last.kind = "senior"
            return True
        if last.kind in _CHILD_KINDS and kind in _CHILD_KINDS:
            if kind in ("infant", "teen"):
                last.kind = kind
            return True
        return False

    def _starts_segment(self, i: int) -> bool:
        if i == 0:
            return True
        before = self.tokens[i - 1]
        return before.text in _SEGMENT or before.category in ("and", "with")

    def _ends_segment(self, j: int) -> bool:
        if j >= len(self.tokens):
            return True
        after = self.tokens[j]
        return (
            after.text in _SEGMENT
            or after.text == "("
            or after.kind in ("num", "decimal", "range")
            or after.category in ("and", "with")
        )

    def _next_noun(self, j: int, adjacent: bool = False) -> str | None:
        """The category of the noun a number at j-1 counts (skipping adjectives), if any."""
        while j < len(self.tokens):
            t = self.tokens[j]
            if t.kind != "word":
                return None
            category = t.category or ""
            kind = category.split(".")[0]
            if kind in _PERSON_KINDS | {"pet", "parents", "we"}:
                return kind
            if category not in ("filler", "senior.adj", "infant.adj") or adjacent:
                return None
            j += 1
        return None

    def _ages(self, group: _Group | None, run: list[_Token], months: bool) -> None:
        if group is None or group.negated:
            self.doubt(REASON_NUMBERS)
            return
        if group.kind == "pet":
            return  # the age of a dog does not change the household
        ages: list[tuple[float, float]] = []
        for t in run:
            if t.kind == "decimal" and "," in t.text and group.count != 1:
                self.doubt(REASON_AGES)  # “3,5 років”: three and five, or three and a half?
            if t.kind == "range":
                ages.append((t.value, t.high))
            else:
                ages.append((t.value, t.value))
        if months:
            ages = [(lo / 12, hi / 12) for lo, hi in ages]
        if any(hi > 110 for _lo, hi in ages):
            self.doubt(REASON_AGES)  # “1985 р.н.”: a year of birth, not an age
            return
        if group.kind in _ADULT_KINDS and any(lo < 18 for lo, _hi in ages):
            self.doubt(REASON_AGES)  # “мама + малы 3 гады”: whose age is it?
            return
        group.ages += ages

    def _trailing(self, group: _Group | None, run: list[_Token], adjacent: bool, after: _Token):
        """Numbers after a word: “дітей 2”, “діти: 2”, “син 10”, “діти (3, 7)”."""
        linked = adjacent or after.text in (":", "=", "(")
        if group is None or not linked or group.negated:
            self.bare += [t.value for t in run]
            return
        counts_people = group.kind in ("people", "pet") or (
            group.count is None and not group.explicit
        )
        if len(run) == 1 and counts_people and not group.explicit and run[0].kind == "num":
            group.count, group.explicit = int(run[0].value), True
        elif group.kind in _ADULT_KINDS and all(t.value >= 18 for t in run):
            self._ages(group, run, months=False)  # “мама 35”
        elif group.kind in _CHILD_KINDS | {"name", "sibling"}:
            if group.count is None or group.count == len(run) or group.fixed:
                self._ages(group, run, months=False)  # “син 10”, “діти (3, 7)”
            else:
                self.bare += [t.value for t in run]
        else:
            self.bare += [t.value for t in run]

    def result(self) -> PeopleReading:
        members: list[str] = []
        pets = 0
        groups = [g for g in self.groups if not g.negated]
        if self.alone and not any(g.kind in _PERSON_KINDS | {"name", "self"} for g in groups):
            groups.append(_Group("self", 1))  # “сама”, “alone”
        has_elders = any(g.kind in ("senior", "grandchild") for g in groups)
        people_totals = [g for g in groups if g.kind == "people" and not g.ages]
        for n, g in enumerate(groups):
            if g.kind == "pet":
                if g.count is None:
                    self.doubt(REASON_COUNT)
                pets += g.count or 0
                continue
            if g in people_totals:
                continue
            count = g.count
            if count is None:
                if not g.ages or any(low != high for low, high in g.ages):
                    self.doubt(REASON_COUNT)  # “мама з дітьми”, “діти 3-7 років”: how many?
                    continue
                count = len(g.ages)
            bands = self._bands(g, count)
            if bands is None:
                continue
            if g.kind == "offspring" and has_elders and not g.ages:
                self.doubt(REASON_AGES)  # a grandmother's daughter may be the mother
            if g.kind in ("sibling", "people") and not g.ages:
                self.doubt(REASON_AGES)
            if g.kind == "name" and not g.ages and n > 0:
                self.doubt(REASON_AGES)
            members += bands
        total = len(members)
        for g in people_totals:
            if g.count is None:
                self.doubt(REASON_COUNT)  # “ми з дітьми”
            elif g.count != total:
                self.doubt(REASON_AGES if total < (g.count or 0) else REASON_NUMBERS)
        for number in self.bare:
            if number != total or not members:
                self.doubt(REASON_NUMBERS)
        if not members:
            self.doubt(REASON_COUNT)
        if total > MAX_PEOPLE or pets > 20:
            self.doubt(REASON_COUNT)
        if any(g.kind == "self" for g in groups) and any(
            g.kind in ("parents", "parent") and not g.ages for g in groups
        ):
            self.doubt(REASON_AGES)  # the writer's parents may well be over 65
        return PeopleReading(tuple(members), pets, self.reasons[0] if self.reasons else None)

    def _bands(self, g: _Group, count: int) -> list[str] | None:
        default = {
            "adult": ADULT,
            "parent": ADULT,
            "self": ADULT,
            "parents": ADULT,
            "senior": SENIOR,
            "infant": INFANT,
            "teen": TEEN,
            "child": CHILD_UNKNOWN_AGE,
            "grandchild": CHILD_UNKNOWN_AGE,
            "offspring": CHILD_UNKNOWN_AGE,
            "name": ADULT,
            "sibling": ADULT,
            "people": ADULT,
        }[g.kind]
        if not g.ages:
            return [default] * count
        ages = g.ages
        if len(ages) == 1 and count > 1 and g.fixed:
            ages = ages * count  # twins of three
        if len(ages) != count:
            self.doubt(REASON_AGES)
            return None
        bands = []
        for low, high in ages:
            band_low, band_high = _band(low), _band(high)
            if band_low == band_high:
                bands.append(band_low)
            elif band_low in (INFANT, CHILD, TEEN) and band_high in (INFANT, CHILD, TEEN):
                bands.append(CHILD_UNKNOWN_AGE)  # “3–7 років”: a child, band unknown
            else:
                self.doubt(REASON_AGES)
                return None
        return bands


def read_people(text: str) -> PeopleReading:
    """Who travels, from free text; a reading with `review` set when it is not sure."""
    reader = _Reader(text)
    reader.read()
    return reader.result()


def summary(reading: PeopleReading) -> str:
    """The reading in the corpus's short notation: A2 S1 I1 K1 T1 U1 P2 (see the corpus)."""
    if reading.review is not None:
        return "review"
    letters = {ADULT: "A", SENIOR: "S", INFANT: "I", CHILD: "K", TEEN: "T", CHILD_UNKNOWN_AGE: "U"}
    counts = Counter(letters[m] for m in reading.members)
    parts = [f"{k}{counts[k]}" for k in "ASIKTU" if counts[k]]
    if reading.pets:
        parts.append(f"P{reading.pets}")
    return " ".join(parts)
