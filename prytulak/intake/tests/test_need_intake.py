"""The public "We need a place" form."""

import pytest
from django.utils import timezone

from prytulak.people.models import Household, HouseholdStatus, Source


def valid_post(**overrides):
    data = {
        "women": "1",
        "men": "0",
        "infants": "1",
        "children": "1",
        "teens": "0",
        "seniors": "1",
        "lead_name": "Оксана Шевченко",
        "phone": "+380 67 123 45 67",
        "email": "",
        "languages": ["uk", "ru"],
        "arrival_place": "Перемишль",
        "arrival_date": timezone.localdate().isoformat(),
        "preferred_countries": ["PL", "DE"],
        "preferred_cities": "Kraków",
        "pets": "1",
        "pet_notes": "кіт",
        "needs": "",
        "notes": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_household_registers_without_an_account(client, db):
    response = client.post("/uk/need/", valid_post())
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.organization is None  # waits for a coordinator to take it
    assert household.status == HouseholdStatus.NEW
    assert household.source == Source.INTAKE
    assert household.arrival_country == "PL"
    assert household.arrival_latitude == pytest.approx(49.78, abs=0.05)
    assert sorted(m.age_band for m in household.members.all()) == ["0-4", "18-64", "5-13", "65+"]
    assert household.preferred_countries == ["PL", "DE"]


def test_a_border_crossing_is_an_arrival_place(client, db):
    client.post("/en/need/", valid_post(arrival_place="Medyka"))
    assert Household.objects.get().arrival_latitude == pytest.approx(49.80, abs=0.05)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"women": "0", "infants": "0", "children": "0", "seniors": "0"},
            "how many people need a place",
        ),
        ({"women": "-1"}, "greater than or equal to 0"),
        ({"women": "40"}, "less than or equal to 30"),
        ({"phone": "call me"}, "Enter a phone number"),
        ({"arrival_place": "Nowhere-on-earth"}, "We could not find"),
        ({"arrival_place": "Przemyśl <img src=x>"}, "A town name cannot contain"),
        ({"arrival_date": "1999-01-01"}, "Choose a date within a year"),
        ({"arrival_date": "31/31/2024"}, "Enter a valid date"),
        ({"languages": []}, "Choose at least one language."),
        ({"preferred_countries": ["RU"]}, "Select a valid choice"),
    ],
)
def test_bad_values_are_refused_and_what_was_typed_is_kept(client, db, overrides, message):
    response = client.post("/en/need/", valid_post(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert "Оксана Шевченко" in response.text
    assert Household.objects.count() == 0


def test_the_honeypot_drops_bots(client, db):
    response = client.post("/en/need/", valid_post(website="x"))
    assert response.status_code == 302
    assert Household.objects.count() == 0


def test_the_form_speaks_the_visitors_language(client, db):
    response = client.get("/be/need/")
    assert response.status_code == 200
    assert 'lang="be"' in response.text
    response = client.post("/ru/need/", valid_post(phone="call me"))
    assert "Введите номер телефона" in response.text
