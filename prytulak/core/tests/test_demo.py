import re

from django.contrib.auth.models import User
from django.core.management import call_command

from prytulak.housing.models import HostOffer, OfferStatus
from prytulak.people.models import Household, Person


def test_the_demo_seed_makes_realistic_data_once_and_pages_render_in_uk_and_en(client, db, capsys):
    call_command("seed_demo", offers=300, households=200)
    out = capsys.readouterr().out
    assert "Seeded 5 organisations" in out and "byhelp-coordinator" in out
    assert HostOffer.objects.count() == 300
    assert Household.objects.count() == 200
    assert Person.objects.count() > 400
    # Germany and Poland took most refugees, so most offers are there.
    countries = list(HostOffer.objects.values_list("country", flat=True))
    assert countries.count("DE") + countries.count("PL") > len(countries) * 0.4
    assert HostOffer.objects.filter(status=OfferStatus.ACTIVE).count() > 150
    # Households arrive at real border crossings.
    assert Household.objects.filter(arrival_place__contains="Medyka").exists()

    call_command("seed_demo")  # a second run changes nothing
    assert HostOffer.objects.count() == 300

    client.force_login(User.objects.get(username="byhelp-coordinator"))
    for lang, words in {"uk": ["Притулак", "Пропозиції"], "en": ["Prytulak", "Offers"]}.items():
        for path in ["/", "/staff/offers/", "/host/", "/need/", "/staff/households/"]:
            response = client.get(f"/{lang}{path}")
            assert response.status_code == 200, (lang, path)
            assert f'lang="{lang}"' in response.text
        assert all(w in client.get(f"/{lang}/staff/offers/").text for w in words)

    # Nothing seeded reads as English on a Ukrainian or Polish page: shared items have names
    # in the catalogue, services, vehicles and warehouses are named in their place's language.
    from django.utils import translation

    from prytulak.aid.models import Item, Warehouse
    from prytulak.assistance.models import ServiceProvider
    from prytulak.journeys.models import Trip

    with translation.override("uk"):
        names = [item.display_name for item in Item.objects.all()]
    assert names and all(re.search("[а-яіїєґ]", n, re.I) for n in names), names
    english = {"Legal clinic", "Helpline", "Volunteer", "Reception centre", "Polyclinic", "store"}
    texts = [
        *ServiceProvider.objects.values_list("name", flat=True),
        *ServiceProvider.objects.values_list("opening_hours", flat=True),
        *Warehouse.objects.values_list("name", flat=True),
    ]
    assert texts and not [t for t in texts if any(w in t for w in english)]
    vehicles = set(Trip.objects.values_list("vehicle", flat=True))
    assert vehicles and not vehicles & {"Minibus", "Estate car", "Coach", "Van"}
