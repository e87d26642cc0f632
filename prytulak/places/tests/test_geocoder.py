import pytest

from prytulak.places.geocoder import fold, lookup


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
