"""Every count is worded through ngettext / {% blocktranslate count %}: a number glued to a
noun in a plain gettext string reads "3 ліжок", "1 people", "1 Personen" in some language.

The scanner reads the sources (Python, templates, the map's script) as they are, so a bad
string fails here before anyone runs makemessages."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

ROOT = Path(settings.BASE_DIR) / "prytulak"
# Nouns that are counted: after a number they take the plural form the number asks for.
COUNT_NOUNS = re.compile(
    r"(beds?|people|persons?|households?|famil(y|ies)|seats?|rows?|days?|nights?|weeks?|"
    r"months?|years?|hours?|minutes?|box(es)?|pieces?|packs?|pallets?|litres?|countr(y|ies)|"
    r"offers?|trips?|child(ren)?|adults?|items?|characters?|passengers?|requests?|proposals?|"
    r"placements?|sessions?|more)$",
    re.I,
)
# Placeholders that hold a number by name, and words that may follow a number in any language.
COUNT_NAMES = {"n", "count"}
# a number that names, not counts ("Trip #%(trip)d", "Household #%(drop)d merged")
NOT_COUNTS = {"pk", "id", "day", "month", "year", "trip", "drop", "keep"}
AFTER_A_NUMBER = {"of", "km", "to", "and", "or", "mg", "kw"}
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "N_", "pgettext", "pgettext_lazy"}


def bare_counts(message: str) -> list[str]:
    """The counts in a message meant for plain gettext, e.g. "%(n)s beds"."""
    found = []
    for m in PLACEHOLDER.finditer(message):
        name, conversion = m.groups()
        numeric = conversion == "d" or name in COUNT_NAMES
        if numeric and re.match(r"\s+%\(", message[m.end() :]):  # "%(n)d %(unit)s"
            found.append(m.group(0))
        word = re.match(r"\s+([^\W\d_]+)", message[m.end() :])
        if word is None or name in NOT_COUNTS:
            continue
        noun = word.group(1)
        if COUNT_NOUNS.match(noun) or (numeric and noun.lower() not in AFTER_A_NUMBER):
            found.append(f"{m.group(0)} {noun}")
    return found


def python_messages(source: str) -> list[str]:
    """String literals passed to a gettext function (not ngettext) in Python source."""
    messages = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name in GETTEXT and node.args:
                arg = node.args[-1]  # pgettext(context, message)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    messages.append(arg.value)
    return messages


TRANSLATE = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.*?)\1""")
BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b([^%]*)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
# A number printed next to a translated noun: <strong>{{ n }}</strong>{% translate "beds" %}.
NUMBER_THEN_NOUN = re.compile(r"\{\{[^}]*\}\}[ ]?(?:</\w+>)?[ ]?\{%\s*trans(?:late)?\s+[\"'](\w+)")


def template_problems(text: str) -> list[str]:
    problems = []
    for m in TRANSLATE.finditer(text):
        problems += bare_counts(m.group(2))
    for m in BLOCK.finditer(text):
        options, body = m.groups()
        if re.search(r"\bcount\b", options):
            continue
        problems += bare_counts(re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body))
    for m in NUMBER_THEN_NOUN.finditer(text):
        if COUNT_NOUNS.match(m.group(1)):
            problems.append(m.group(0))
    return problems


def script_problems(text: str) -> list[str]:
    # A count joined to a word from the page ("3" + " " + t.beds) cannot take a plural form.
    return re.findall(r"\+\s*\"\s\"\s*\+\s*t\.\w+", text)


def source_files(pattern: str) -> list[Path]:
    return [
        p for p in ROOT.rglob(pattern) if "tests" not in p.parts and "migrations" not in p.parts
    ]


def test_no_python_message_carries_a_bare_count():
    files = source_files("*.py")
    assert len(files) > 50
    found = [
        f"{path.relative_to(ROOT)}: {problem}"
        for path in files
        for message in python_messages(path.read_text())
        for problem in bare_counts(message)
    ]
    assert found == []


def test_no_template_prints_a_bare_count():
    files = source_files("*.html") + source_files("*.txt")
    assert len(files) > 40
    found = [
        f"{path.relative_to(ROOT)}: {problem}"
        for path in files
        for problem in template_problems(path.read_text())
    ]
    assert found == []


def test_the_map_script_takes_its_counts_worded():
    files = list((ROOT / "static" / "js").glob("*.js"))
    assert files
    assert [p.name for p in files if script_problems(p.read_text())] == []


@pytest.mark.parametrize(
    "bad",
    [
        '_("%(n)s beds")',
        '_("The household has %(size)d people.")',
        'gettext_lazy("thank you for offering %(beds)s beds in %(city)s.")',
        'pgettext("x", "%(count)s more")',
        '_("Only %(have)d %(unit)s of %(item)s")',
    ],
)
def test_the_scanner_finds_a_bare_count_in_python(bad):
    assert [bare_counts(m) for m in python_messages(bad)] != [[]]


@pytest.mark.parametrize(
    "bad",
    [
        "{% blocktranslate with beds=offer.beds %}{{ beds }} beds{% endblocktranslate %}",
        '<strong>{{ totals.beds }}</strong>{% translate "beds" %}',
        "{% blocktrans %}a household of {{ people }} people{% endblocktrans %}",
    ],
)
def test_the_scanner_finds_a_bare_count_in_a_template(bad):
    assert template_problems(bad) != []


@pytest.mark.parametrize(
    "good",
    [
        "{% blocktranslate count n=x %}{{ n }} bed{% plural %}{{ n }} beds{% endblocktranslate %}",
        "{% blocktranslate with n=a total=b %}Page {{ n }} of {{ total }}{% endblocktranslate %}",
        "{% blocktranslate with pk=p %}Placement #{{ pk }} broke down.{% endblocktranslate %}",
        "{% blocktranslate %}{{ km }} km out of the way{% endblocktranslate %}",
        '{% translate "Beds" %}',
    ],
)
def test_the_scanner_lets_worded_counts_and_numbers_that_name_pass(good):
    assert template_problems(good) == []


def test_the_scanner_finds_a_count_glued_in_the_map_script():
    assert script_problems('var lines = [p[3] + " " + t.beds];') != []
    assert script_problems("var lines = [label];") == []


# CLDR plural categories: uk 1/21 one, 2/22 few, 5/25 many; pl 1 one, 2/22 few, 5/21/25
# many; de and en 1 one, else other.
EXPECTED = {
    "uk": {
        1: "1 ліжко",
        2: "2 ліжка",
        5: "5 ліжок",
        21: "21 ліжко",
        22: "22 ліжка",
        25: "25 ліжок",
    },
    "pl": {
        1: "1 miejsce",
        2: "2 miejsca",
        5: "5 miejsc",
        21: "21 miejsc",
        22: "22 miejsca",
        25: "25 miejsc",
    },
    "de": {1: "1 Bett", 2: "2 Betten", 5: "5 Betten", 21: "21 Betten"},
    "en": {1: "1 bed", 2: "2 beds", 5: "5 beds", 21: "21 beds"},
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_bed_counts_take_the_cldr_plural_forms(lang):
    with translation.override(lang):
        got = {n: ngettext("%(n)s bed", "%(n)s beds", n) % {"n": n} for n in EXPECTED[lang]}
    assert got == EXPECTED[lang]


PEOPLE = {
    "uk": {1: "1 особа", 2: "2 особи", 5: "5 осіб", 21: "21 особа", 22: "22 особи", 25: "25 осіб"},
    "pl": {1: "1 osoba", 2: "2 osoby", 5: "5 osób", 21: "21 osób", 22: "22 osoby", 25: "25 osób"},
    "de": {1: "1 Person", 2: "2 Personen", 5: "5 Personen"},
    "en": {1: "1 person", 2: "2 people", 5: "5 people"},
}


@pytest.mark.parametrize("lang", sorted(PEOPLE))
def test_people_counts_take_the_cldr_plural_forms(lang):
    with translation.override(lang):
        got = {n: ngettext("%(n)s person", "%(n)s people", n) % {"n": n} for n in PEOPLE[lang]}
    assert got == PEOPLE[lang]
