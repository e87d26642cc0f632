"""Searches find towns and names whatever script they were written and searched in."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from prytulak.conftest import make_household, make_offer
from prytulak.housing import services as housing_services
from prytulak.housing.forms import HostForm, OfferForm
from prytulak.housing.models import Host, HostOffer
from prytulak.housing.selectors import offer_list
from prytulak.orgs.scopes import actor_for
from prytulak.people import services as people_services
from prytulak.people.forms import HouseholdForm
from prytulak.people.models import Household, Person
from prytulak.people.selectors import household_list


def create_offer(actor, city, host_name="Jan Kowalski"):
    """An offer created as staff create one: the form, then the services."""
    host_form = HostForm(
        {
            "kind": "person",
            "household_type": "family",
            "name": host_name,
            "email": "host@example.org",
            "phone": "+48600100200",
        }
    )
    offer_form = OfferForm(
        {
            "city": city,
            "beds": 2,
            "available_from": timezone.localdate().isoformat(),
            "languages": ["uk"],
            "children_allowed": "on",
            "is_free": "on",
        }
    )
    assert host_form.is_valid(), host_form.errors
    assert offer_form.is_valid(), offer_form.errors
    return housing_services.host_offer_submit(
        host=host_form.cleaned_data, offer=offer_form.offer_data(), actor=actor
    )


_PHONES = iter(range(1000000, 9999999))


def register(actor, place, lead_name="Olena Kovalenko", members=("",)):
    """A household registered as staff register one: the form, then the service (each with
    its own phone, so the duplicate policy does not hold them back)."""
    form = HouseholdForm(
        {
            "lead_name": lead_name,
            "phone": f"+38067{next(_PHONES)}",
            "languages": ["uk"],
            "arrival_place": place,
            "arrival_date": timezone.localdate().isoformat(),
            "pets": 0,
        }
    )
    assert form.is_valid(), form.errors
    return people_services.household_register(
        actor=actor,
        data=form.household_data(),
        members=[{"name": name, "age_band": "18-64"} for name in members],
    )


@pytest.fixture
def actor(caseworker_a):
    return actor_for(caseworker_a)


def found(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_offers_in_warsaw_are_found_by_its_name_in_any_script(actor):
    warsaw = {create_offer(actor, city).pk for city in ["Warszawa", "Варшава", "Warsaw"]}
    create_offer(actor, "Kraków")
    for typed in ["Варшава", "Warszawa", "Warsaw", "warschau", "Varšuva", "Варшава, Польща"]:
        assert found(offer_list(actor=actor, q=typed)) == warsaw, typed


def test_households_arrived_at_medyka_are_found_by_either_side_in_any_script(actor):
    medyka = {register(actor, place).pk for place in ["Медика", "Medyka", "Шегині", "Медыка"]}
    register(actor, "Przemyśl")
    for typed in ["Медика", "Medyka", "Шегині", "Shehyni", "Медыка", "Szeginie"]:
        assert found(household_list(actor=actor, q=typed)) == medyka, typed


@pytest.mark.parametrize("typed", ["Olena", "Олена", "Kovalenko", "Коваленко", "olena koval"])
def test_a_lead_name_is_found_in_either_script(actor, typed):
    cyrillic = register(actor, "Przemyśl", lead_name="Олена Коваленко")
    latin = register(actor, "Przemyśl", lead_name="Olena Kovalenko")
    register(actor, "Przemyśl", lead_name="Iryna Bondarenko")
    assert found(household_list(actor=actor, q=typed)) == {cyrillic.pk, latin.pk}


@pytest.mark.parametrize("typed", ["Yulia", "Юлія", "Julia", "Yuliia", "Юля", "Oksana"])
def test_a_members_encrypted_name_is_found_by_its_blind_index_in_either_script(actor, typed):
    household = register(actor, "Przemyśl", lead_name="Olena", members=["Юлія Шевченко", ""])
    register(actor, "Przemyśl", lead_name="Olena", members=["Iryna"])
    expected = set() if typed == "Oksana" else {household.pk}
    assert found(household_list(actor=actor, q=typed)) == expected
    # Every word of the query must be in one person's name.
    assert found(household_list(actor=actor, q="Yulia Shevchenko")) == {household.pk}
    assert found(household_list(actor=actor, q="Iryna Shevchenko")) == set()


def test_members_names_and_their_index_hold_no_readable_name(actor):
    household = register(actor, "Przemyśl", members=["Юлія Шевченко"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_index FROM people_person WHERE household_id = %s", [household.pk]
        )
        raw = " ".join(cursor.fetchone()).casefold()
    for word in ["юлія", "iulia", "yulia", "shevchenko", "шевченко"]:
        assert word not in raw


def test_a_hosts_name_is_found_in_either_script(coordinator_a):
    # A coordinator: staff-created offers wait for verification, and only coordinators read
    # the hosts of offers no organisation has verified yet.
    actor = actor_for(coordinator_a)
    offer = create_offer(actor, "Kraków", host_name="Ян Ковальський")
    create_offer(actor, "Kraków", host_name="Anna Nowak")
    assert found(offer_list(actor=actor, q="Jan Kovalskyi")) == {offer.pk}
    assert found(offer_list(actor=actor, q="Ян")) == {offer.pk}


def test_names_in_another_script_are_searched_only_where_the_actor_may_read_them(
    coordinator_a, coordinator_b, org_a, org_b
):
    from prytulak.core.privacy import name_index
    from prytulak.people.models import ShareLevel

    coordinator = actor_for(coordinator_a)
    ours = make_household(org_a, name="Олена Коваленко")
    # A partner's household shared as a summary: listed for us, its names not ours to read.
    theirs = make_household(org_b, name="Олена Коваленко", share_level=ShareLevel.SUMMARY)
    Person.objects.filter(household__in=[ours, theirs]).update(
        name="Юлія", name_index=name_index("Юлія")
    )
    assert found(household_list(actor=coordinator, q="Przemyśl")) == {ours.pk, theirs.pk}
    for typed in ["Olena", "Kovalenko", "Yulia"]:
        assert found(household_list(actor=coordinator, q=typed)) == {ours.pk}, typed
    # Offers are a shared pool; a partner's host is not found by name in either script.
    offer = make_offer(org_a, host_name="Ян Ковальський")
    assert found(offer_list(actor=actor_for(coordinator_a), q="Jan")) == {offer.pk}
    assert found(offer_list(actor=actor_for(coordinator_b), q="Kraków")) == {offer.pk}
    assert found(offer_list(actor=actor_for(coordinator_b), q="Jan")) == set()


def test_the_backfill_fills_the_keys_of_rows_written_before_them(org_a):
    household = make_household(org_a, name="Олена Коваленко")
    offer = make_offer(org_a, city="Варшава", host_name="Ян")
    Household.objects.filter(pk=household.pk).update(lead_name_key="", arrival_place_key="")
    Person.objects.filter(household=household).update(name="Юлія", name_index="")
    HostOffer.objects.filter(pk=offer.pk).update(place_key="", geonameid=None)
    Host.objects.filter(pk=offer.host_id).update(name_key="")

    for module in [
        "prytulak.people.migrations.0004_household_person_add_place_and_name_keys",
        "prytulak.housing.migrations.0007_host_offer_add_name_and_place_keys",
    ]:
        importlib.import_module(module).fill(apps, connection.schema_editor())

    household.refresh_from_db()
    offer.refresh_from_db()
    assert (household.lead_name_key, household.arrival_place_key) == (
        "olena kovalenko",
        "gn:761168",
    )
    assert offer.place_key == "gn:756135" and offer.host.name_key == "ian"
    assert all(p.name_index for p in household.members.all())


def test_place_suggestions_offer_an_exact_name_first(client):
    places = client.get("/places/suggest/", {"q": "Вільня", "format": "json"}).json()["places"]
    assert [p["name"] for p in places[:2]] == ["Vilnius", "Vilnyansk"]
    places = client.get("/places/suggest/", {"q": "Краковец", "format": "json"}).json()["places"]
    assert places[0] == {"name": "Korczowa – Krakovets", "country": "PL", "kind": "crossing"}
