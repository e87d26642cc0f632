import re

import pytest

from prytulak.places.geocoder import border_crossings, fold, gazetteer, lookup, town_names


@pytest.mark.parametrize(
    "typed",
    ["Варшава", "Warszawa", "Warsaw", "  warszawa ", "WARSAW", "Varsovie", "Варшава, Польща"],
)
def test_it_finds_warsaw_in_any_script(typed):
    place = lookup(typed)
    assert place is not None
    assert (place.name, place.country) == ("Warsaw", "PL")
    assert place.latitude == pytest.approx(52.23, abs=0.05)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Львів", "Lviv"),
        ("Львов", "Lviv"),
        ("Lwów", "Lviv"),
        ("Перемишль", "Przemyśl"),
        ("Przemysl", "Przemyśl"),
        ("Lodz", "Łódź"),
        ("Мюнхен", "Munich"),
        ("München", "Munich"),
        ("Вільнюс", "Vilnius"),
        ("Кам'янець-Подільський", "Kamyanets-Podilskyi"),
        ("Камʼянець Подільський", "Kamyanets-Podilskyi"),
    ],
)
def test_it_matches_names_across_scripts_and_accents(typed, expected):
    place = lookup(typed)
    assert place is not None and place.name == expected


def test_it_finds_border_crossings_by_either_side():
    for typed in ["Medyka", "Шегині", "medyka – shehyni"]:
        place = lookup(typed)
        assert place is not None and place.kind == "crossing" and place.code == "PL-MEDYKA"


def test_it_prefers_the_most_populous_and_honours_the_country():
    assert lookup("Frankfurt").population > 500_000  # am Main, not (Oder)
    assert lookup("Berlin").country == "DE"
    assert lookup("Warsaw", "DE") is None


def test_it_returns_none_for_unknown_or_excluded_places():
    assert lookup("Xyzzyqville") is None
    assert lookup("") is None
    assert lookup("Moscow") is None  # Russia is deliberately not a destination


def test_fold_ignores_case_accents_and_punctuation():
    assert fold("Łódź") == fold("LODZ") == "lodz"
    assert fold("Rava-Ruska") == fold("rava ruska")
    assert fold("Київ") == fold("КИЇВ")


# The Belarusian need form's own examples (its help text), and the towns the issue names.
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Перамышль", "Przemyśl"),
        ("Медыка", "Medyka – Shehyni"),
        ("Тэрэспаль", "Terespol"),
        ("Брэст", "Terespol – Brest"),
        ("Берасце", "Terespol – Brest"),
        ("Вільня", "Vilnius"),
        ("Кракаў", "Kraków"),
        ("Беласток", "Białystok"),
        ("Vilniaus", None),  # a Lithuanian case ending is not a name we know
    ],
)
def test_it_resolves_belarusian_names(typed, expected):
    place = lookup(typed)
    assert (place.name if place else None) == expected


def test_the_belarusian_form_resolves_every_example_it_gives():
    from django.utils import translation

    from prytulak.people.forms import HouseholdForm

    with translation.override("be"):
        text = str(HouseholdForm.Meta.help_texts["arrival_place"])
    examples = re.split(r", | або ", text.split("напр. ", 1)[1].rstrip("."))
    assert examples == ["Перамышль", "Медыка", "Przemyśl"]
    for example in examples:
        assert lookup(example) is not None, example


@pytest.mark.parametrize(
    "typed", ["Краковец", "Краківець", "Krakowiec", "Krakovets", "Кракавец", "Krakovecas"]
)
def test_krakovets_in_any_language_is_the_crossing_not_krakow(typed):
    place = lookup(typed) or gazetteer().closest(typed)
    assert place is not None and place.code == "PL-KORCZOWA"


def test_a_misspelt_crossing_is_preferred_over_a_fuzzy_town_match():
    # "Краковэц" is within a typo of both "Краковец" (the crossing) and "Краков" (Kraków).
    assert lookup("Краковэц") is None
    assert gazetteer().closest("Краковэц").code == "PL-KORCZOWA"


def test_a_curated_name_outranks_a_geonames_alternate_name():
    # geonames lists "Брест" for Brest in Brittany; people at the border mean the crossing.
    assert lookup("Брест").code == "PL-TERESPOL"
    assert lookup("Brest").country == "FR"  # a host in France writes it in Latin
    # A crossing named after a town does not take the town's name from it.
    assert lookup("Chop").kind == "city"
    assert lookup("Sighet").kind == "city"


def test_every_crossing_has_its_names_on_both_sides_in_each_language():
    languages = {"en", "uk", "ru", "be", "pl", "de", "lt"}
    for crossing in border_crossings():
        assert set(crossing["names"]) == languages, crossing["code"]
        for names in crossing["names"].values():
            for name in names:
                place = lookup(name)
                assert place is not None, name
                assert place.code == crossing["code"] or place.kind == "city", name


def test_every_curated_town_is_in_the_gazetteer_under_each_of_its_names():
    places = {p.geonameid: p for p in gazetteer().places if p.kind == "city"}
    for geonameid, languages in town_names().items():
        assert geonameid in places, geonameid
        assert set(languages) == {"en", "uk", "ru", "be", "pl", "de", "lt"}
        for names in languages.values():
            for name in names:
                assert lookup(name, places[geonameid].country) == places[geonameid], name


def test_a_name_in_another_romanisation_is_only_a_guess():
    for typed, town in [("Shepetiwka", "Shepetivka"), ("Myrgorod", "Myrhorod")]:
        assert lookup(typed) is None
        assert gazetteer().closest(typed).name == town


def test_suggestions_rank_an_exact_alternate_name_above_prefix_and_fuzzy_matches():
    names = [p.name for p in gazetteer().suggest("Вільня")]
    assert names[:2] == ["Vilnius", "Vilnyansk"]
    # Frankfurt (Oder) has the name too; the one our tables call "Frankfurt" comes first.
    names = [p.name for p in gazetteer().suggest("Frankfurt")]
    assert names[0] == "Frankfurt am Main" and "Frankfurt (Oder)" in names
    # An unlabelled geonames alternate name is not put first: "Брест" (also Brest in France)
    # offers the crossing first because our tables name it so; "Brest" offers France first.
    assert [p.country for p in gazetteer().suggest("Брест")] == ["PL", "FR"]
    assert [p.country for p in gazetteer().suggest("Brest")] == ["FR", "PL"]
    # A typo still offers the crossing, after nothing better.
    assert [p.code for p in gazetteer().suggest("Краковэц")] == ["PL-KORCZOWA"]


def test_a_place_keeps_one_key_whatever_its_script():
    keys = {lookup(typed).key for typed in ["Варшава", "Warszawa", "Warsaw", "Варшава, Польща"]}
    assert keys == {"gn:756135"}
    assert lookup("Медика").key == lookup("Medyka").key == "bc:PL-MEDYKA"
