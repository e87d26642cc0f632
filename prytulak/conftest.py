"""Named personas shared by every test: staff of two organisations, an outsider, and data."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from prytulak.core.privacy import email_index, name_key, phone_index
from prytulak.housing.models import Host, HostOffer, OfferStatus
from prytulak.journeys import services as journey_services
from prytulak.journeys.models import BorderCrossing
from prytulak.orgs.models import Membership, Organization, Role
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import AgeBand, Household, HouseholdStatus, Person, Sex
from prytulak.places.geocoder import lookup


@pytest.fixture(autouse=True)
def _english_by_default():
    # LocaleMiddleware leaves the last request's language active in the thread.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _offline_map(settings):
    # Tests never fetch tiles, and the map reads the database on every request.
    settings.MAP_TILE_URL = ""
    settings.MAP_SNAPSHOT_SECONDS = 0


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # rate-limit counters must not leak between tests
    yield
    cache.clear()


class VerifiedClient(Client):
    """A test client whose `force_login` also completes the second login step (a confirmed
    TOTP device, as after entering its code). Tests of the second step itself use `Client`."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def keep_test_connection_in_worker(monkeypatch):
    """The real django-tasks worker recycles database connections between tasks, as a
    long-lived process should; inside a test that would close the connection holding the
    test's transaction."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def org_a(db):
    return Organization.objects.create(name="BY_help test", slug="byhelp", country="PL")


@pytest.fixture
def org_b(db):
    return Organization.objects.create(name="By_Sol test", slug="bysol", country="LT")


def make_member(org, role, username):
    user = User.objects.create_user(username=username, password="pw-for-tests-only-1")
    Membership.objects.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def coordinator_a(org_a):
    return make_member(org_a, Role.COORDINATOR, "alice_coordinator")


@pytest.fixture
def caseworker_a(org_a):
    return make_member(org_a, Role.CASEWORKER, "andriy_caseworker")


@pytest.fixture
def viewer_a(org_a):
    return make_member(org_a, Role.VIEWER, "anna_viewer")


@pytest.fixture
def driver_a(org_a):
    return make_member(org_a, Role.DRIVER, "artem_driver")


@pytest.fixture
def caseworker_b(org_b):
    return make_member(org_b, Role.CASEWORKER, "bohdan_caseworker")


@pytest.fixture
def coordinator_b(org_b):
    return make_member(org_b, Role.COORDINATOR, "berta_coordinator")


@pytest.fixture
def outsider(db):
    return User.objects.create_user(username="oscar_outsider", password="pw-for-tests-only-1")


def make_household(org, *, name="Olena Kovalenko", phone="+380671234567", people=2, **extra):
    email = extra.pop("email", "olena@example.org")
    household = Household.objects.create(
        organization=org,
        lead_name=name,
        lead_name_key=name_key(name),
        phone=phone,
        email=email,
        phone_index=phone_index(phone),
        email_index=email_index(email),
        languages=["uk"],
        arrival_place="Przemyśl",
        arrival_place_key="gn:761168",  # Place.key of Przemyśl
        arrival_country="PL",
        arrival_latitude=49.78,
        arrival_longitude=22.77,
        arrival_date=timezone.localdate(),
        status=extra.pop("status", HouseholdStatus.WAITING),
        **extra,
    )
    bands = [AgeBand.ADULT, AgeBand.CHILD, AgeBand.INFANT, AgeBand.SENIOR]
    for i in range(people):
        Person.objects.create(
            household=household, age_band=bands[i % len(bands)], sex=Sex.FEMALE if i == 0 else ""
        )
    return household


@pytest.fixture
def household_a(org_a):
    return make_household(org_a, name="Olena Kovalenko", phone="+380671111111")


@pytest.fixture
def household_b(org_b):
    return make_household(org_b, name="Iryna Bondarenko", phone="+380672222222")


def make_offer(org=None, *, beds=3, status=OfferStatus.ACTIVE, **extra):
    host_name = extra.pop("host_name", "Jan Kowalski")
    city, country = extra.pop("city", "Kraków"), extra.pop("country", "PL")
    place = lookup(city, country)
    host = Host.objects.create(
        kind="person",
        name=host_name,
        name_key=name_key(host_name),
        email="jan@example.org",
        phone="+48 600 100 200",
        email_index=email_index("jan@example.org"),
        phone_index=phone_index("+48 600 100 200"),
        household_type="family",
        verification=1 if org is not None else 0,  # an organisation's offer was verified by it
    )
    return HostOffer.objects.create(
        host=host,
        organization=org,
        status=status,
        city=city,
        country=country,
        place_key=place.key if place else "",
        latitude=50.06,
        longitude=19.94,
        address=extra.pop("address", "ul. Floriańska 1/2, 31-019 Kraków"),
        beds=beds,
        available_from=extra.pop(
            "available_from", timezone.localdate() - datetime.timedelta(days=1)
        ),
        languages=["pl", "uk"],
        **extra,
    )


@pytest.fixture
def offer_a(org_a):
    return make_offer(org_a)


def trip_data(**overrides):
    # Transactional tests (live server) empty the tables, the crossings loaded by the
    # migration included; put them back.
    if not BorderCrossing.objects.exists():
        journey_services.crossings_sync()
    start = timezone.now() + datetime.timedelta(hours=6)
    data = {
        "origin": "Lviv",
        "origin_latitude": 49.84,
        "origin_longitude": 24.03,
        "destination": "Kraków",
        "destination_latitude": 50.06,
        "destination_longitude": 19.94,
        "crossing": BorderCrossing.objects.get(code="PL-KORCZOWA"),
        "depart_earliest": start,
        "depart_latest": start + datetime.timedelta(hours=2),
        "arrive_by": start + datetime.timedelta(hours=12),
        "seats": 4,
        "child_seats": 1,
        "wheelchair_spaces": 0,
        "pets_allowed": False,
        "vehicle": "White VW Transporter, LV 1234 AB",
    }
    data.update(overrides)
    return data


@pytest.fixture
def driver_b(org_b):
    return make_member(org_b, Role.DRIVER, "borys_driver")


@pytest.fixture
def make_trip(coordinator_b):
    """Trips are offered (and checked) by organisation B."""

    def make(verified=True, **overrides):
        actor = actor_for(coordinator_b)
        assert actor is not None
        trip = journey_services.trip_create(actor=actor, data=trip_data(**overrides))
        if verified:
            journey_services.trip_verify(trip=trip, actor=actor)
        return trip

    return make
