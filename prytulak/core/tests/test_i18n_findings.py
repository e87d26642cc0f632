"""What a walk through the pages in uk, be and en found untranslated or wrongly counted, each
checked in the language it was found in (and en, de, pl where the count was wrong there)."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace as NS

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from prytulak.conftest import make_household, make_offer
from prytulak.housing.models import HostOffer
from prytulak.journeys.models import BorderCrossing
from prytulak.matching.models import MatchingRun
from prytulak.people.models import AgeBand, Household, Person, Sex

LOCALE = Path(settings.BASE_DIR) / "prytulak" / "locale"


def render(template: str, context: dict, lang: str) -> str:
    with translation.override(lang):
        return render_to_string(template, context)


def snippet(text: str, context: dict, lang: str) -> str:
    with translation.override(lang):
        return Template("{% load i18n prytulak_i18n %}" + text).render(Context(context))


# Plurals ------------------------------------------------------------------------------------


def _offer(beds: int) -> NS:
    return NS(
        host=NS(name="Ivan"), beds=beds, city="Kraków", confirmed_until=datetime.date(2026, 12, 1)
    )


@pytest.mark.parametrize(
    ("lang", "beds", "words"),
    [
        ("uk", 3, "3 ліжка"),
        ("uk", 5, "5 ліжок"),
        ("uk", 21, "21 ліжко"),
        ("en", 1, "1 bed in"),
        ("en", 3, "3 beds in"),
        ("pl", 2, "2 miejsc"),
        ("de", 1, "1 Bett in"),
    ],
)
def test_the_offer_e_mails_count_beds_in_the_hosts_language(lang, beds, words):
    context = {"offer": _offer(beds), "link": "https://example.invalid/x", "days": 7}
    confirm = render("housing/email/confirm_offer.txt", context, lang)
    reconfirm = render("housing/email/reconfirm_offer.txt", context, lang)
    assert words in confirm and words.split(" in")[0] in reconfirm
    if lang == "uk":
        assert "7 днів" in confirm


def test_a_date_never_ends_a_ukrainian_sentence_with_a_second_full_stop():
    context = {"offer": _offer(3), "link": "https://example.invalid/x", "days": 1}
    text = render("housing/email/reconfirm_offer.txt", context, "uk")
    assert "2026 р." in text and "р.." not in text
    assert "1 день" in render("housing/email/confirm_offer.txt", context, "uk")


@pytest.mark.parametrize("lang", ["uk", "ru", "lt"])
def test_no_catalogue_puts_a_full_stop_after_a_date_whose_format_ends_in_one(lang):
    from django.utils.formats import date_format

    with translation.override(lang):
        assert date_format(datetime.date(2026, 12, 1), "DATE_FORMAT").endswith(".")
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    texts = [
        t for e in po for t in ([e.msgstr] if not e.msgid_plural else e.msgstr_plural.values())
    ]
    assert [t for t in texts if "%(date)s." in t] == []


@pytest.mark.parametrize(
    ("lang", "people", "words"),
    [("en", 1, "household of 1 person "), ("en", 4, "household of 4 people"),
     ("de", 1, "1 Person "), ("pl", 1, "1 osoba"), ("uk", 3, "3 особи"), ("uk", 5, "5 осіб")],
)  # fmt: skip
def test_the_proposal_e_mail_counts_people(lang, people, words):
    context = {
        "offer": NS(city="Lublin"),
        "placement": NS(start_date=datetime.date(2026, 12, 1)),
        "people": people,
        "telegram": "",
    }
    text = render("notify/proposal_host.txt", context, lang)
    assert words in text
    assert "1 people" not in text and "1 Personen" not in text and "1 osób" not in text


@pytest.mark.parametrize(
    ("lang", "n", "words"),
    [("uk", 24, "24</strong>країни з пропозиціями"), ("uk", 25, "25</strong>країн з"),
     ("en", 1, "1</strong>country with offers"), ("en", 24, "24</strong>countries with")],
)  # fmt: skip
def test_the_landing_page_counts_countries(rf, lang, n, words):
    request = rf.get("/")
    request.user = NS(is_authenticated=False)
    with translation.override(lang):
        html = render_to_string("core/home.html", {"totals": {"countries": n}}, request=request)
    assert words in html


@pytest.mark.parametrize(
    ("lang", "n", "words"),
    [("uk", 24, "24 родини"), ("uk", 25, "25 родин"), ("uk", 21, "21 родину"),
     ("en", 1, "1 household,"), ("en", 24, "24 households,")],
)  # fmt: skip
def test_the_matching_run_compares_with_a_counted_number_of_households(lang, n, words):
    # The line of run_detail.html, rendered as the page renders it.
    source = (Path(settings.BASE_DIR) / "prytulak/templates/matching/run_detail.html").read_text()
    line = re.search(r"\{% blocktranslate count matched=.*?\{% endblocktranslate %\}", source)
    assert line is not None
    run = {"summary": {"greedy": {"matched": n, "mean_km": 120.5}}}
    assert words in snippet(line.group(0), {"run": run}, lang)


@pytest.mark.parametrize(
    ("lang", "n", "unit", "words"),
    [("uk", 34, "box", "34 коробки"), ("uk", 35, "box", "35 коробок"), ("uk", 5, "pcs", "5 шт."),
     ("uk", 2, "pack", "2 упаковки"), ("en", 1, "box", "1 box"), ("en", 34, "box", "34 boxes"),
     ("pl", 22, "pack", "22 opakowania"), ("de", 1, "pallet", "1 Palette")],
)  # fmt: skip
def test_stock_quantities_name_their_unit_in_the_plural_the_number_needs(lang, n, unit, words):
    assert snippet("{{ n|quantity:unit }}", {"n": n, "unit": unit}, lang) == words


def test_the_aid_page_shows_units_in_ukrainian(client, coordinator_a, org_a):
    from prytulak.aid import services as aid
    from prytulak.aid.models import Item, Warehouse
    from prytulak.orgs.scopes import actor_for

    actor = actor_for(coordinator_a)
    warehouse = Warehouse.objects.create(
        organization=org_a, name="Store", city="Lublin", country="PL"
    )
    item = Item.objects.create(name="Baby formula", unit="box", category="food")
    aid.donation_receive(
        actor=actor, warehouse=warehouse, donor="Parafia", received_on=datetime.date.today(),
        lines=[aid.Line(item, 34, "", None)],
    )  # fmt: skip
    client.force_login(coordinator_a)
    with translation.override("uk"):
        html = client.get(reverse("aid-home")).text
    assert "34 коробки" in html and "Дитяча суміш" in html
    assert not re.search(r"34 (box|pcs|pack)\b", html)


# The map ------------------------------------------------------------------------------------


def test_map_popups_count_beds_in_the_readers_language(client, viewer_a, org_a):
    for beds in (2, 5):
        offer = make_offer(org_a, beds=beds)
        HostOffer.objects.filter(pk=offer.pk).update(latitude=50.06, longitude=19.94)
    client.force_login(viewer_a)
    query = {"bbox": "19,49.5,21,50.5", "zoom": 10}
    uk = client.get(reverse("map-offers"), query, HTTP_ACCEPT_LANGUAGE="uk").json()
    en = client.get(reverse("map-offers"), query, HTTP_ACCEPT_LANGUAGE="en").json()
    assert uk["kind"] == "points"
    assert uk["bed_labels"] == {"2": "2 ліжка", "5": "5 ліжок"}
    assert en["bed_labels"] == {"2": "2 beds", "5": "5 beds"}


def test_public_map_cells_carry_worded_tooltips(client, org_a):
    for _ in range(3):
        offer = make_offer(org_a, beds=1)
        HostOffer.objects.filter(pk=offer.pk).update(latitude=52.23, longitude=21.01)
    data = client.get(
        reverse("map-offers"), {"bbox": "-25,34,45,72", "zoom": 4}, HTTP_ACCEPT_LANGUAGE="uk"
    ).json()
    assert data["kind"] == "cells" and len(data["labels"]) == len(data["cells"])
    assert "3 пропозиції в цій області, 3 ліжка" in data["labels"]


def test_the_map_script_titles_leaflets_controls_from_the_page(client):
    with translation.override("uk"):
        html = client.get(reverse("map")).text
    assert 'data-zoom-in="Наблизити"' in html and 'data-zoom-out="Віддалити"' in html
    assert 'data-layers="Шари"' in html
    script = (Path(settings.BASE_DIR) / "prytulak/static/js/map.js").read_text()
    assert "zoomControl: false" in script
    assert "zoomInTitle: t.zoomIn, zoomOutTitle: t.zoomOut" in script
    assert "toggle.title = t.layers" in script


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "code", "name"),
    [
        ("uk", "PL-PRZEMYSL-RAIL", "Перемишль Головний (залізниця)"),
        ("uk", "RO-ISACCEA", "Орлівка – Ісакча (пором)"),
        ("uk", "PL-MEDYKA", "Шегині – Медика"),
        ("be", "PL-MEDYKA", "Шэгіні – Медыка"),
        ("ru", "PL-CHELM-RAIL", "Хелм (железная дорога)"),
        ("en", "PL-PRZEMYSL-RAIL", "Przemyśl Główny (rail)"),
        ("de", "PL-PRZEMYSL-RAIL", "Przemyśl Hauptbahnhof (Bahn)"),
        ("pl", "SK-VELKE-SLEMENCE", "Veľké Slemence – Małe Selmence (pieszo)"),
    ],
)
def test_border_crossings_are_named_in_the_readers_language_and_script(client, lang, code, name):
    data = client.get(reverse("map-crossings"), HTTP_ACCEPT_LANGUAGE=lang).json()
    names = {c["code"]: c["name"] for c in data["crossings"]}
    assert names[code] == name
    if lang in {"uk", "ru", "be"}:
        assert not [n for n in names.values() if re.search(r"[A-Za-z]", n)]


@pytest.mark.django_db
def test_every_crossing_has_a_name_in_every_language():
    from prytulak.journeys.models import crossing_display_names

    langs = {code for code, _name in settings.LANGUAGES}
    names = crossing_display_names()
    assert len(names) == BorderCrossing.objects.count() > 20
    assert all(set(n["display"]) == langs for n in names.values())


@pytest.mark.django_db
def test_a_renamed_crossing_keeps_its_new_name():
    BorderCrossing.objects.filter(code="PL-MEDYKA").update(name="Medyka (new terminal)")
    with translation.override("uk"):
        assert str(BorderCrossing.objects.get(code="PL-MEDYKA")) == "Medyka (new terminal)"


def test_crossing_tooltips_count_planned_trips(client, make_trip):
    make_trip()
    data = client.get(reverse("map-crossings"), HTTP_ACCEPT_LANGUAGE="uk").json()
    labels = [c["trips_label"] for c in data["crossings"] if c["trips"]]
    assert labels == ["1 запланована поїздка через цей пункт"]


# Untranslated words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "stage", "text"),
    [("uk", "loading", "завантаження родин і пропозицій"), ("uk", "matching", "підбір"),
     ("en", "loading", "loading households and offers")],
)  # fmt: skip
def test_a_running_match_shows_its_stage_in_words(lang, stage, text):
    run = MatchingRun(pk=1, stage=stage, status="running", progress=25)
    html = render("matching/_progress.html", {"run": run, "finished": False}, lang)
    assert f"· {text}" in html


@pytest.mark.parametrize(
    ("lang", "sex", "band", "text"),
    [("uk", Sex.FEMALE, AgeBand.ADULT, "жінка, 18–64 роки"),
     ("uk", Sex.MALE, AgeBand.CHILD, "хлопчик, 5–13 років"),
     ("en", Sex.FEMALE, AgeBand.ADULT, "woman, 18–64 years"),
     ("uk", "", AgeBand.SENIOR, "65 і старше")],
)  # fmt: skip
def test_a_person_reads_as_one_natural_phrase(lang, sex, band, text):
    with translation.override(lang):
        assert Person(age_band=band, sex=sex).description() == text


def test_the_household_page_names_people_languages_and_countries_in_ukrainian(
    client, caseworker_a, org_a
):
    household = make_household(org_a, preferred_countries=["DE", "PL"])
    Household.objects.filter(pk=household.pk).update(languages=["uk", "ru"])
    client.force_login(caseworker_a)
    with translation.override("uk"):
        html = client.get(reverse("household-detail", args=[household.pk])).text
    assert "жінка, 18–64 роки" in html and "(Жіноча)" not in html
    assert "Німеччина, Польща" in html and "DE, PL" not in html
    assert "Російська, Українська" in html and "uk, ru" not in html


@pytest.mark.parametrize(
    ("lang", "brand"),
    [("uk", "Притулак"), ("ru", "Притулак"), ("be", "Прытулак"), ("en", "Prytulak")],
)
def test_the_brand_is_written_in_the_readers_script(lang, brand):
    from prytulak.core import i18n
    from prytulak.intake.forms import IntakeExtrasForm

    with translation.override(lang):
        assert i18n.brand() == brand
        assert brand in str(IntakeExtrasForm().fields["consent"].label)
    context = {
        "offer": NS(city="Lublin"),
        "placement": NS(start_date=datetime.date(2026, 12, 1)),
        "people": 2,
        "telegram": "",
    }
    assert render("notify/proposal_host.txt", context, lang).rstrip().endswith(brand)
    checkin = {
        "placement": NS(pk=1, offer=NS(city="Lublin")),
        "checkin": NS(due_on=datetime.date(2026, 12, 1)),
        "url": "x",
    }
    assert render("notify/checkin_due.txt", checkin, lang).rstrip().endswith(brand)
    if lang != "en":
        po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
        assert [e.msgid for e in po if "Prytulak" in e.msgstr and lang in {"uk", "ru", "be"}] == []


# Sorting ------------------------------------------------------------------------------------


def test_countries_and_languages_are_sorted_for_the_reader():
    from prytulak.core import i18n

    with translation.override("uk"):
        countries = [name for _code, name in i18n.country_choices()]
        languages = [name for _code, name in i18n.language_choices()]
    assert countries[0] == "Австрія"  # English order starts with Albania
    assert languages[:3] == ["Англійська", "Білоруська", "Іспанська"]  # І after И, not first
    with translation.override("de"):
        countries = [name for _code, name in i18n.country_choices()]
    assert countries.index("Norwegen") < countries.index("Österreich") < countries.index("Polen")
    with translation.override("pl"):
        countries = [name for _code, name in i18n.country_choices()]
    assert countries.index("Litwa") < countries.index("Łotwa") < countries.index("Malta")


def test_forms_offer_countries_in_the_readers_order(client):
    with translation.override("uk"):
        html = client.get(reverse("intake:need")).text
    options = re.findall(r'<option value="([A-Z]{2})"', html)
    assert options and options[0] == "AT"
