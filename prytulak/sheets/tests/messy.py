"""Sheets as volunteer groups kept them in 2022, built row by row with what each row must
become: bilingual headers with question marks, one Contact column with phones and Telegram
handles and no e-mail column, bare Polish numbers of hosts in Warsaw, Ukrainian numbers in
five formats, typos, unknown towns, repeated rows and empty lines.

Dates are written as dd.mm.yyyy, ISO or d.m.yy; relative dates (“ASAP”, “od zaraz”) and
free-text families are tested with the dates and people parsers (test_import_free_text)."""

from __future__ import annotations

import csv
import datetime
import io
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

HOST_HEADER = [
    "Позначка часу / Timestamp",
    "Ім'я / Name",
    "Контакт / Contact",
    "Місто / City",
    "Скільки людей? / How many people?",
    "Тварини? / Pets?",
    "З якого числа? / From when?",
    "Мови / Languages",
    "Коментар / Comment",
    "Хто вніс / Volunteer",
]
HOUSEHOLD_HEADER = [
    "Ім'я / Name",
    "Контакт / Contact",
    "Склад сім'ї / Who travels?",
    "Де зараз? / Where now?",
    "Дата прибуття / Arrival date",
    "Мови / Languages",
    "Потреби / Needs",
    "Волонтер / Volunteer",
]

POLISH_TOWNS = ["Warszawa", "Warsaw", "Варшава", "Kraków", "Краків", "Wrocław", "Gdańsk", "Łódź"]
TOWN_NAMES = {
    "Warszawa": "Warsaw",
    "Warsaw": "Warsaw",
    "Варшава": "Warsaw",
    "Kraków": "Kraków",
    "Краків": "Kraków",
    "Wrocław": "Wrocław",
    "Gdańsk": "Gdańsk",
    "Łódź": "Łódź",
}
NAMES = ["Anna Nowak", "Олена Коваленко", "Piotr Wiśniewski", "Тетяна Бондар", "Ewa Kamińska"]
BEDS = [("3", 3), ("2 ліжка", 2), ("4-5", 4), ("два", 2), ("5 osób", 5), ("1", 1)]
PETS = [("так", True), ("ні", False), ("Tak", True), ("nie", False), ("yes", True), ("", False)]
LANGS = ["польська, українська", "PL/UA", "polski", "англійська", ""]


@dataclass
class Expected:
    outcome: str  # ok (imported), review, rejected, duplicate
    values: dict[str, Any] = field(default_factory=dict)
    says: str = ""  # part of a message the row must carry


def today() -> datetime.date:
    return timezone.localdate()


def date_cell(day: datetime.date, i: int) -> str:
    return [day.strftime("%d.%m.%Y"), day.isoformat(), f"{day.day}.{day.month}.{day.year % 100}"][
        i % 3
    ]


def polish_mobile(i: int) -> tuple[list[str], str]:
    """A Polish mobile the way hosts wrote it, and its E.164 form."""
    n = f"{600000000 + i * 7:09d}"
    ways = [
        f"{n[:3]} {n[3:6]} {n[6:]}",
        f"{n[:3]}-{n[3:6]}-{n[6:]}",
        n,
        f"+48 {n[:3]} {n[3:6]} {n[6:]}",
        f"0048{n}",
        f"tel. {n[:3]} {n[3:6]} {n[6:]}",
    ]
    return ways, f"+48{n}"


def ukrainian_mobile(i: int) -> tuple[list[str], str]:
    digits = f"{1000000 + i:07d}"
    ways = [
        f"067 {digits[:3]} {digits[3:5]} {digits[5:]}",
        f"+380 67 {digits}",
        f"380-67-{digits}",
        f"(067) {digits}",
        f"0038067{digits}",
    ]
    return ways, f"+38067{digits}"


def as_csv(header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([header, *rows])
    return out.getvalue().encode(encoding)


def with_empty_lines(rows: list[list[str]], expected: list[Expected], every: int = 97):
    """Empty lines between the rows, as sheets have them; returns the rows and a map from the
    spreadsheet's row number (the header is row 1) to what that row must become."""
    out, by_number = [], {}
    for i, (row, exp) in enumerate(zip(rows, expected, strict=True)):
        if i and i % every == 0:
            out.append([""] * len(row))
        out.append(row)
        by_number[len(out) + 1] = exp
    return out, by_number


def host_sheet(stored: list[tuple[str, str]]) -> tuple[list[list[str]], list[Expected]]:
    """≥ 600 rows of host offers. `stored` gets (E.164 phone, town) pairs that must already
    be registered before the import, so their rows are duplicates."""
    rng = random.Random(2022)
    rows: list[list[str]] = []
    expected: list[Expected] = []
    ok_rows: list[tuple[int, str]] = []  # (index of row, contact written) to repeat

    def add(contact: str, town: str, exp: Expected, beds=None, pets=None) -> None:
        i = len(rows)
        beds_text, beds_n = beds or BEDS[i % len(BEDS)]
        pets_text, pets_b = pets or PETS[i % len(PETS)]
        start = today() + datetime.timedelta(days=i % 60)
        rows.append(
            [
                f"{start.isoformat()} 10:{i % 60:02d}",
                f"{rng.choice(NAMES)} {i}",
                contact,
                town,
                beds_text,
                pets_text,
                date_cell(start, i),
                rng.choice(LANGS),
                rng.choice(["", "Kot w domu", "2 pokoje", "=1+1"]),
                rng.choice(["Ania", "Оля", "Marek"]),
            ]
        )
        if exp.outcome == "ok":
            exp.values.update(
                city=TOWN_NAMES.get(town, town),
                beds=beds_n,
                pets_allowed=pets_b,
                available_from=start,
                volunteer=rows[-1][9],
            )
            ok_rows.append((i, contact))
        expected.append(exp)

    for i in range(300):  # bare and local Polish numbers of hosts in Polish towns
        ways, e164 = polish_mobile(i)
        add(ways[i % len(ways)], POLISH_TOWNS[i % len(POLISH_TOWNS)],
            Expected("ok", {"phone": e164, "messenger": "", "email": ""}))  # fmt: skip
    for i in range(80):  # Telegram only
        handle = f"host_{17200 + i}"  # “@host_17257” among them
        written = [f"@{handle}", f"t.me/{handle}", f"Telegram: {handle}", f"tg @{handle}"][i % 4]
        add(written, POLISH_TOWNS[i % len(POLISH_TOWNS)],
            Expected("ok", {"phone": "", "messenger": f"telegram @{handle}", "email": ""}))  # fmt: skip
    for i in range(60):  # a phone and a handle in one cell
        ways, e164 = polish_mobile(1000 + i)
        if i % 2:
            written = f"{ways[3]}, @both_{i}"
            exp = {"phone": e164, "messenger": f"telegram @both_{i}", "email": ""}
        else:
            written = f"viber: {ways[3]}"
            exp = {"phone": "", "messenger": f"viber {e164}", "email": ""}
        add(written, POLISH_TOWNS[i % len(POLISH_TOWNS)], Expected("ok", exp))
    for i in range(60):  # Ukrainian numbers of hosts living in Poland
        ways, e164 = ukrainian_mobile(i)
        add(ways[i % 5], POLISH_TOWNS[i % len(POLISH_TOWNS)],
            Expected("ok", {"phone": e164, "messenger": "", "email": ""}))  # fmt: skip
    for i in range(30):  # an e-mail in the contact column
        add(f"host{i}@example.pl", POLISH_TOWNS[i % len(POLISH_TOWNS)],
            Expected("ok", {"phone": "", "messenger": "", "email": f"host{i}@example.pl"}))  # fmt: skip
    for i in range(10):  # Berlin hosts with German numbers
        add(f"+49 30 {1234500 + i}", "Berlin",
            Expected("ok", {"phone": f"+4930{1234500 + i}", "messenger": "", "email": ""}))  # fmt: skip
    for i in range(20):  # “067…” in Berlin: German and Ukrainian both; a person must look
        ways, _e164 = ukrainian_mobile(500 + i)
        add(ways[0], "Berlin", Expected("review", says="Column “Contact”: a phone number"))
    for i in range(20):  # a number valid in no country we try
        add(f"123 45 {10 + i}", POLISH_TOWNS[i % len(POLISH_TOWNS)],
            Expected("review", says="Column “Contact”: a phone number"))  # fmt: skip
    for i in range(10):
        ways, _e164 = polish_mobile(3000 + i)
        add(ways[0], "Qwertyville", Expected("rejected", says="Column “Town or city”: we could"))
    for _ in range(10):
        add("дзвонити ввечері", "Kraków", Expected("rejected", says="Column “Contact”: no phone"))
    for i in range(10):
        ways, _e164 = polish_mobile(4000 + i)
        add(ways[0], "Kraków", Expected("rejected", says="Column “Beds”: not a number"),
            beds=("багато", 0))  # fmt: skip
    originals = ok_rows[:30]
    for k, (j, _written) in enumerate(originals):  # the same host again, written otherwise
        exp_j = expected[j].values
        if exp_j["phone"]:
            digits = exp_j["phone"]
            contact = digits if k % 2 else f"{digits[:3]} {digits[3:6]} {digits[6:]}"
        elif exp_j["messenger"].startswith("telegram"):
            contact = "@" + exp_j["messenger"].split("@")[1]
        else:
            contact = exp_j["email"] or _written
        add(contact, rows[j][3], Expected("duplicate", says="an earlier row of this file"))
    for m in range(20):  # hosts registered before the import
        ways, e164 = polish_mobile(5000 + m)
        town = POLISH_TOWNS[m % len(POLISH_TOWNS)]
        stored.append((e164, TOWN_NAMES[town]))
        add(ways[m % len(ways)], town, Expected("duplicate", says="Already registered"))
    # Shuffle, keeping each repeat after its original.
    first = len(rows) - 50
    order = list(range(first))
    rng.shuffle(order)
    order += list(range(first, len(rows)))
    return [rows[i] for i in order], [expected[i] for i in order]


HOUSEHOLD_PEOPLE = [  # written, (adults, children, seniors, pets)
    ("2 adults + cat", (2, 0, 0, 1)),
    ("мама + 2 дитини", (1, 2, 0, 0)),
    ("2 дорослих, 3 дітей, собака", (2, 3, 0, 1)),
    ("1+2", (1, 2, 0, 0)),
    ("3", (3, 0, 0, 0)),
    ("2 dorosłych + 1 dziecko + pies", (2, 1, 0, 1)),
    ("babcia, mama i 3 dzieci", (1, 3, 1, 0)),
    ("Mother with a dog", (1, 0, 0, 1)),
    ("1 дарослы + 1 дзіця", (1, 1, 0, 0)),
    ("двое взрослых и ребёнок", (2, 1, 0, 0)),
    ("2 Erwachsene, 1 Kind", (2, 1, 0, 0)),
    ("мама, бабуся, 2 дитини", (1, 2, 1, 0)),
    ("жінка + 1 дитина + кіт", (1, 1, 0, 1)),
]
# Bare numbers do not say whom they count: the people reader holds such a family for a look.
NUMBERS_ONLY = {"1+2", "3"}
PEOPLE_UNSURE = "Column “Who travels (e.g. “2 adults + cat”)”: some numbers do not say whom"
ARRIVAL = [("Перемишль", "Przemyśl"), ("Przemyśl", "Przemyśl"), ("Medyka", "Medyka – Shehyni"),
           ("Варшава", "Warsaw"), ("Kraków", "Kraków"), ("Львів", "Lviv")]  # fmt: skip


def household_sheet(stored: list[str]) -> tuple[list[list[str]], list[Expected]]:
    """≥ 300 rows of households; `stored` gets phones registered before the import."""
    rng = random.Random(2023)
    rows: list[list[str]] = []
    expected: list[Expected] = []
    ok_rows: list[int] = []

    def add(contact: str, exp: Expected, place=None, people=None) -> None:
        i = len(rows)
        written, (adults, children, seniors, pets) = (
            people or HOUSEHOLD_PEOPLE[i % len(HOUSEHOLD_PEOPLE)]
        )
        town, stored_as = place or ARRIVAL[i % len(ARRIVAL)]
        day = today() - datetime.timedelta(days=i % 40)
        rows.append(
            [
                f"{rng.choice(NAMES)} {i}",
                contact,
                written,
                town,
                date_cell(day, i),
                rng.choice(["українська", "укр, рус", "UA/PL", ""]),
                rng.choice(["", "інсулін", "wheelchair"]),
                rng.choice(["Ania", "Оля"]),
            ]
        )
        if exp.outcome == "ok" and written in NUMBERS_ONLY:
            exp = Expected("review", says=PEOPLE_UNSURE)
        if exp.outcome == "ok":
            exp.values.update(
                adults=adults, children=children, seniors=seniors, pets=pets,
                arrival_place=stored_as, arrival_date=day,
            )  # fmt: skip
            ok_rows.append(i)
        expected.append(exp)

    for i in range(200):
        ways, e164 = ukrainian_mobile(i)
        add(ways[i % 5], Expected("ok", {"phone": e164, "messenger": ""}))
    for i in range(30):
        handle = f"family_{i}"
        add([f"@{handle}", f"https://t.me/{handle}", f"телеграм: {handle}"][i % 3],
            Expected("ok", {"phone": "", "messenger": f"telegram @{handle}"}))  # fmt: skip
    for i in range(20):
        ways, _e164 = ukrainian_mobile(600 + i)
        add(ways[0], Expected("review", says="Column “Contact”: a phone number"),
            place=("Berlin", "Berlin"))  # fmt: skip
    for i in range(20):
        add(f"123 45 {10 + i}", Expected("review", says="Column “Contact”: a phone number"))
    bad = [
        ({"place": ("Qwertyville", "")}, "Column “Where they are now”: we could not find"),
        ({"contact": "дзвонити ввечері"}, "Column “Contact”: no phone"),
        ({"people": ("2 дітей", (0, 2, 0, 0))}, "Children without an adult"),
        ({"people": ("", (0, 0, 0, 0))}, "Say how many people"),
    ]
    for j in range(20):
        defect, says = bad[j % len(bad)]
        ways, _e164 = ukrainian_mobile(700 + j)
        add(defect.get("contact", ways[1]), Expected("rejected", says=says),
            place=defect.get("place"), people=defect.get("people"))  # fmt: skip
    for k in range(20):  # an earlier row's phone written differently
        j = ok_rows[k]
        phone = expected[j].values["phone"]
        if not phone:
            continue
        contact = f"0{phone[4:6]} {phone[6:9]} {phone[9:11]} {phone[11:]}"
        add(contact, Expected("duplicate", says="an earlier row of this file"))
    for m in range(10):
        ways, e164 = ukrainian_mobile(800 + m)
        stored.append(e164)
        add(ways[(m + 1) % 5], Expected("duplicate", says="Already registered"))
    first = len(rows) - 30
    order = list(range(first))
    rng.shuffle(order)
    order += list(range(first, len(rows)))
    return [rows[i] for i in order], [expected[i] for i in order]
