"""Realistic demo data: organisations, staff, host offers across Europe, households arriving
at the real border crossings. Deterministic for a given seed.

Offers are spread over countries in proportion to where Ukrainians under temporary protection
actually lived (Eurostat, January 2024, rounded) and, within a country, over towns by population.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from prytulak.core.choices import SPOKEN_LANGUAGE_CODES
from prytulak.core.errors import ServiceError
from prytulak.core.privacy import email_index, name_key, phone_index
from prytulak.housing import placements
from prytulak.housing.models import (
    Host,
    HostHousehold,
    HostKind,
    HostOffer,
    HostVerification,
    OfferStatus,
    Side,
    Verification,
)
from prytulak.maps.snapshot import offers_changed
from prytulak.orgs.models import Membership, Organization, Role
from prytulak.orgs.scopes import Actor, actor_for
from prytulak.people.models import (
    AgeBand,
    Household,
    HouseholdStatus,
    Person,
    Sex,
    ShareLevel,
    Source,
)
from prytulak.places.geocoder import Place, crossing_places, gazetteer, lookup

# Thousands of beneficiaries of temporary protection, Eurostat Jan 2024 (rounded).
REFUGEES_BY_COUNTRY = {
    "DE": 1255,
    "PL": 955,
    "CZ": 380,
    "ES": 192,
    "BG": 168,
    "IT": 160,
    "RO": 140,
    "SK": 115,
    "NL": 110,
    "IE": 100,
    "AT": 78,
    "LT": 77,
    "BE": 70,
    "FR": 65,
    "PT": 59,
    "FI": 50,
    "LV": 45,
    "SE": 40,
    "DK": 39,
    "EE": 38,
    "MD": 35,
    "HU": 34,
    "NO": 60,
    "CH": 66,
}
# Share of arrivals by crossing code (Poland took most of the 2022 traffic).
CROSSING_WEIGHTS = {
    "PL-MEDYKA": 22,
    "PL-PRZEMYSL-RAIL": 14,
    "PL-KORCZOWA": 8,
    "PL-HREBENNE": 8,
    "PL-DOROHUSK": 7,
    "PL-CHELM-RAIL": 5,
    "PL-ZOSIN": 3,
    "PL-BUDOMIERZ": 2,
    "PL-DOLHOBYCZOW": 2,
    "SK-VYSNE-NEMECKE": 5,
    "SK-UBLA": 2,
    "SK-VELKE-SLEMENCE": 1,
    "HU-ZAHONY": 5,
    "HU-BEREGSURANY": 3,
    "HU-TISZABECS": 1,
    "RO-SIRET": 6,
    "RO-SIGHET": 1,
    "RO-ISACCEA": 2,
    "MD-PALANCA": 3,
    "MD-OTACI": 2,
}
COUNTRY_LANGUAGE = {
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "PL": "pl",
    "CZ": "cs",
    "SK": "sk",
    "LT": "lt",
    "LV": "lv",
    "HU": "hu",
    "RO": "ro",
    "MD": "ro",
    "FR": "fr",
    "BE": "fr",
    "ES": "es",
    "IT": "it",
}

ORGANISATIONS = [
    ("BY_help (demo)", "byhelp", "PL"),
    ("By_Sol (demo)", "bysol", "LT"),
    ("Dapamoha Warszawa (demo)", "dapamoha", "PL"),
    ("Hilfe für Geflüchtete Berlin (demo)", "hilfe-berlin", "DE"),
    ("Pomoc Praha (demo)", "pomoc-praha", "CZ"),
]
DEMO_PASSWORD = "prytulak-demo"  # noqa: S105 — printed for local demos only

FEMALE_UK = [
    "Олена",
    "Оксана",
    "Ірина",
    "Наталія",
    "Тетяна",
    "Юлія",
    "Марія",
    "Анна",
    "Світлана",
    "Людмила",
    "Катерина",
    "Вікторія",
    "Галина",
    "Надія",
    "Софія",
    "Дарина",
]
MALE_UK = ["Андрій", "Олександр", "Сергій", "Микола", "Іван", "Дмитро", "Володимир", "Петро"]
SURNAMES_UK = [
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Мельник",
    "Поліщук",
    "Лисенко",
    "Савченко",
    "Руденко",
    "Марченко",
    "Гончаренко",
    "Мороз",
]
FEMALE_RU = ["Елена", "Екатерина", "Татьяна", "Ольга", "Наталья", "Анастасия"]
SURNAMES_RU = ["Иваненко", "Кузнецова", "Павленко", "Соколова", "Белоус", "Литвиненко"]
FEMALE_BE = ["Алена", "Вольга", "Святлана", "Марына"]
SURNAMES_BE = ["Навумчык", "Шыманская", "Лукашэвіч", "Кавалёва"]
LATIN = [
    "Olena Kovalenko",
    "Iryna Bondarenko",
    "Nataliia Melnyk",
    "Yuliia Tkachenko",
    "Kateryna Savchenko",
    "Oksana Lysenko",
    "Tetiana Moroz",
    "Mariia Rudenko",
]
HOSTS = {
    "pl": [
        "Anna Nowak",
        "Piotr Wiśniewski",
        "Katarzyna Wójcik",
        "Tomasz Kamiński",
        "Magdalena Lewandowska",
    ],
    "de": ["Julia Schmidt", "Thomas Müller", "Sabine Fischer", "Michael Weber", "Katrin Becker"],
    "cs": ["Jana Nováková", "Petr Svoboda", "Lucie Dvořáková"],
    "lt": ["Rūta Kazlauskienė", "Tomas Petrauskas"],
    "en": ["Sarah Murphy", "Jean Dupont", "Lucía García", "Giulia Rossi", "Erik Johansson"],
}
COLLECTIVE = [
    "Parafia św. Jana",
    "Caritas Notunterkunft",
    "Hotel Europa",
    "Sportovní hala",
    "Seminarium",
]
HOST_NOTES = {
    "pl": ["Pokój z osobną łazienką.", "Blisko szkoły i przystanku.", "Mamy psa, jest przyjazny."],
    "de": [
        "Zimmer im Obergeschoss, WLAN vorhanden.",
        "Nähe Bahnhof.",
        "Wir sprechen etwas Englisch.",
    ],
    "en": ["Quiet room, shared kitchen.", "Close to the tram.", "Garden for children."],
}
NEEDS = [
    "",
    "",
    "",
    "Потрібен лікар для дитини.",
    "Бабуся на візку.",
    "Нужна работа поблизости.",
    "Школа для двох дітей.",
    "Патрэбна дапамога з дакументамі.",
]


@dataclass
class SeedReport:
    organisations: int = 0
    users: int = 0
    offers: int = 0
    households: int = 0
    people: int = 0
    placements: int = 0
    trips: int = 0
    bookings: int = 0
    shipments: int = 0


# Where rides started and where they went in 2022 (towns of the gazetteer).
TRIP_ORIGINS = ["Kyiv", "Lviv", "Odesa", "Kharkiv", "Uzhhorod", "Chernivtsi", "Vinnytsia"]
TRIP_DESTINATIONS = {
    "PL": ["Kraków", "Warsaw", "Rzeszów", "Lublin", "Wrocław"],
    "SK": ["Košice", "Bratislava"],
    "HU": ["Budapest", "Debrecen"],
    "RO": ["Suceava", "Bucharest"],
    "MD": ["Chisinau"],
}


def _seed_trips(rng: random.Random, coordinators: dict, report: SeedReport) -> None:
    """Rides from Ukrainian cities through the real crossings, some with seats booked for
    households that already have a place."""
    from prytulak.journeys import services as journey_services
    from prytulak.journeys.models import BorderCrossing, CrossingStatus

    crossings = list(BorderCrossing.objects.all())
    for crossing in crossings:
        crossing.status = rng.choice(
            [CrossingStatus.OPEN, CrossingStatus.OPEN, CrossingStatus.BUSY, CrossingStatus.UNKNOWN]
        )
    BorderCrossing.objects.bulk_update(crossings, ["status"])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    trips = []
    for _ in range(40):
        crossing = rng.choice(crossings)
        origin = lookup(rng.choice(TRIP_ORIGINS))
        destination = lookup(rng.choice(TRIP_DESTINATIONS[crossing.country]))
        if origin is None or destination is None:
            continue
        actor = rng.choice([a for key, a in coordinators.items() if key is not None])
        leave = now + datetime.timedelta(hours=rng.randint(4, 24 * 6))
        seats = rng.choice([3, 4, 7, 8, 18])
        trip = journey_services.trip_create(
            actor=actor,
            data={
                "origin": origin.name,
                "origin_latitude": origin.latitude,
                "origin_longitude": origin.longitude,
                "destination": destination.name,
                "destination_latitude": destination.latitude,
                "destination_longitude": destination.longitude,
                "crossing": crossing,
                "depart_earliest": leave,
                "depart_latest": leave + datetime.timedelta(hours=2),
                "arrive_by": leave + datetime.timedelta(hours=rng.randint(10, 30)),
                "seats": seats,
                "child_seats": rng.randint(0, min(3, seats)),
                "wheelchair_spaces": 1 if seats >= 7 and rng.random() < 0.3 else 0,
                "pets_allowed": rng.random() < 0.4,
                "vehicle": rng.choice(VEHICLES.get(actor.organization.country, VEHICLES["PL"])),
            },
        )
        if rng.random() < 0.8:
            journey_services.trip_verify(trip=trip, actor=actor)
        trips.append(trip)
    report.trips = len(trips)
    from prytulak.housing.models import Placement, PlacementStatus

    for placement in Placement.objects.filter(status=PlacementStatus.CONFIRMED).select_related(
        "household", "offer"
    )[:30]:
        household = placement.household
        for trip in rng.sample(trips, min(5, len(trips))):
            try:
                booking = journey_services.booking_request(
                    trip=trip, household=household, actor=coordinators[household.organization_id]
                )
                journey_services.booking_confirm(
                    booking=booking, actor=coordinators[trip.organization_id]
                )
            except ServiceError:
                continue
            report.bookings += 1
            break


# The shared catalogue is read by staff of every organisation: its names are in the message
# catalogue (Item.display_name shows them in the reader's language).
AID_ITEMS = [  # (name, unit, category, medical)
    (gettext_noop("Blanket"), "pcs", "clothing", False), (gettext_noop("Sleeping bag"), "pcs", "clothing", False),
    (gettext_noop("Power bank"), "pcs", "shelter", False), (gettext_noop("Generator 3 kW"), "pcs", "shelter", False),
    (gettext_noop("Canned meat"), "box", "food", False), (gettext_noop("Baby formula"), "box", "food", False),
    (gettext_noop("Hygiene kit"), "pack", "hygiene", False), (gettext_noop("Diapers"), "pack", "hygiene", False),
    (gettext_noop("Tourniquet (CAT)"), "pcs", "medical", True), (gettext_noop("Insulin pens"), "box", "medical", True),
    (gettext_noop("Bandages"), "box", "medical", True), (gettext_noop("Paracetamol 500 mg"), "box", "medical", True),
]  # fmt: skip
AID_RECIPIENTS = [  # in Ukraine, named as they write themselves
    ("Харківська обласна клінічна лікарня", "Харків"), ("Укриття в школі № 12", "Запоріжжя"),
    ("Волонтерський хаб «Прихисток»", "Дніпро"), ("Херсонська міська лікарня", "Херсон"),
    ("Ізюмська центральна лікарня", "Ізюм"),
]  # fmt: skip
STORE = {"PL": "magazyn", "DE": "Lager", "LT": "sandėlis", "CZ": "sklad"}
DONORS = {
    "PL": ["Caritas", "Parafia", "Firma"], "DE": ["Caritas", "Kirchengemeinde", "Firma"],
    "LT": ["Caritas", "Parapija", "Įmonė"], "CZ": ["Charita", "Farnost", "Firma"],
}  # fmt: skip


def _seed_aid(rng: random.Random, coordinators: dict, report: SeedReport) -> None:
    """A warehouse per organisation with donated stock (medical lots with expiry dates, a few
    expiring soon), open requests from Ukraine and shipments at every stage."""
    from prytulak.aid import services as aid
    from prytulak.aid.models import Item, Warehouse

    items = [Item.objects.create(name=n, unit=u, category=c, medical=m) for n, u, c, m in AID_ITEMS]
    today = timezone.localdate()
    for key, actor in coordinators.items():
        if key is None:
            continue
        org = actor.organization
        town = {"PL": "Lublin", "LT": "Vilnius", "DE": "Berlin", "CZ": "Prague"}.get(
            org.country, "Rzeszów"
        )
        warehouse = Warehouse.objects.create(
            organization=org,
            name=f"{org.name} – {STORE.get(org.country, 'magazyn')}",
            city=town,
            country=org.country or "PL",
        )
        for _ in range(3):
            lines = []
            for item in rng.sample(items, 5):
                expiry = today + datetime.timedelta(days=rng.choice([20, 45, 200, 400, 700]))
                lot = f"L{rng.randint(1000, 9999)}" if item.medical else ""
                lines.append(
                    aid.Line(item, rng.randint(20, 400), lot, expiry if item.medical else None)
                )
            aid.donation_receive(
                actor=actor, warehouse=warehouse, donor=rng.choice(DONORS.get(org.country, DONORS["PL"])),
                received_on=today - datetime.timedelta(days=rng.randint(1, 60)), lines=lines,
            )  # fmt: skip
        for recipient, place in rng.sample(AID_RECIPIENTS, 2):
            wanted = rng.sample(items, 3)
            request = aid.request_create(
                actor=actor, recipient=recipient, place=place, contact="", urgency=rng.randint(1, 3),
                lines=[(item, rng.randint(10, 60)) for item in wanted],
            )  # fmt: skip
            try:
                shipment = aid.shipment_pack(
                    actor=actor, warehouse=warehouse, destination=f"{recipient}, {place}",
                    lines=[(wanted[0], 10)], request=request,
                )  # fmt: skip
            except ServiceError:
                continue
            report.shipments += 1
            for _ in range(rng.randint(0, 2)):
                aid.shipment_advance(actor=actor, shipment=shipment)


# Services are named as they call themselves, in the language of their town.
SERVICES = [  # (name, kind, case types, town, languages)
    ("Poradnia prawna dla Ukraińców", "lawyer", ["legal_status", "documents"], "Kraków", ["uk", "pl"]),
    ("Infolinia Rzecznika Praw Obywatelskich", "lawyer", ["legal_status"], "Warsaw", ["uk", "pl", "en"]),
    ("Szkoła Podstawowa nr 7", "school", ["school"], "Lublin", ["pl", "uk"]),
    ("Kita Sonnenblume", "kindergarten", ["childcare"], "Berlin", ["de", "uk", "ru"]),
    ("Žirmūnų poliklinika", "clinic", ["medical"], "Vilnius", ["lt", "ru", "en"]),
    ("Psychologická první pomoc (online i osobně)", "psychologist", ["psychological"],
     "Prague", ["uk", "ru", "cs"]),
    ("Punkt recepcyjny na dworcu kolejowym", "reception", [], "Przemyśl", ["pl", "uk", "en"]),
    ("Tłumacze wolontariusze", "translator", ["documents"], "Rzeszów", ["uk", "pl", "en"]),
]  # fmt: skip
OPENING_HOURS = {"PL": "pon.–pt. 9:00–17:00", "DE": "Mo.–Fr. 9:00–17:00",
                 "LT": "I–V 9:00–17:00", "CZ": "po–pá 9:00–17:00"}  # fmt: skip
# Vehicles as a driver of the organisation would write them, in its country's language.
VEHICLES = {
    "PL": ["Bus", "Kombi", "Autokar", "Furgonetka"],
    "DE": ["Kleinbus", "Kombi", "Reisebus", "Transporter"],
    "LT": ["Mikroautobusas", "Universalas", "Autobusas", "Furgonas"],
    "CZ": ["Mikrobus", "Kombi", "Autobus", "Dodávka"],
    "UA": ["Мікроавтобус", "Універсал", "Автобус", "Фургон"],
}


def _seed_services() -> None:
    from prytulak.assistance.models import ServiceProvider

    for name, kind, types, town, languages in SERVICES:
        place = lookup(town)
        if place is None:
            continue
        ServiceProvider.objects.create(
            name=name, kind=kind, case_types=types, city=place.name, country=place.country,
            latitude=place.latitude, longitude=place.longitude,
            languages=[code for code in languages if code in SPOKEN_LANGUAGE_CODES],
            opening_hours=OPENING_HOURS.get(place.country, "Mon–Fri 9:00–17:00"),
        )  # fmt: skip


def _weighted_towns(rng: random.Random) -> dict[str, tuple[list[Place], list[float]]]:
    towns: dict[str, list[Place]] = {}
    for place in gazetteer().places:
        if place.kind == "city" and place.country in REFUGEES_BY_COUNTRY:
            towns.setdefault(place.country, []).append(place)
    # Larger towns take most people, but small towns host too: population ** 0.8.
    return {c: (ps, [p.population**0.8 for p in ps]) for c, ps in towns.items()}


def _household_members(rng: random.Random) -> list[tuple[AgeBand, Sex]]:
    """Age bands and sexes close to the 2022 arrivals: 46 % women, 33 % children, 21 % men."""
    kind = rng.random()
    members = [(AgeBand.ADULT, Sex.FEMALE)]
    if kind < 0.55:  # a mother with children
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            members.append(
                (
                    rng.choice([AgeBand.INFANT, AgeBand.CHILD, AgeBand.CHILD, AgeBand.TEEN]),
                    Sex.UNSPECIFIED,
                )
            )
        if rng.random() < 0.25:
            members.append((AgeBand.SENIOR, Sex.FEMALE))
    elif kind < 0.7:  # a couple, often older or with a disabled member
        members.append((rng.choice([AgeBand.ADULT, AgeBand.SENIOR]), Sex.MALE))
    elif kind < 0.85:  # a single adult
        members = [(AgeBand.ADULT, rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE]))]
    else:  # a larger family
        members.append((AgeBand.ADULT, Sex.MALE))
        for _ in range(rng.choice([2, 3, 4])):
            members.append(
                (rng.choice([AgeBand.INFANT, AgeBand.CHILD, AgeBand.TEEN]), Sex.UNSPECIFIED)
            )
    return members


def _lead(rng: random.Random) -> tuple[str, list[str]]:
    r = rng.random()
    if r < 0.55:
        return f"{rng.choice(FEMALE_UK)} {rng.choice(SURNAMES_UK)}", ["uk"] + (
            ["ru"] if rng.random() < 0.5 else []
        )
    if r < 0.75:
        return f"{rng.choice(FEMALE_RU)} {rng.choice(SURNAMES_RU)}", ["ru", "uk"]
    if r < 0.8:
        return f"{rng.choice(FEMALE_BE)} {rng.choice(SURNAMES_BE)}", ["be", "ru"]
    if r < 0.9:
        return f"{rng.choice(MALE_UK)} {rng.choice(SURNAMES_UK)}", ["uk"]
    return rng.choice(LATIN), ["uk", "en"]


def _phone(rng: random.Random) -> str:
    return f"+380 {rng.choice([50, 63, 66, 67, 68, 73, 93, 95, 96, 97, 98, 99])} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def seed_demo(*, offers: int = 2000, households: int = 2000, seed: int = 2022) -> SeedReport:
    rng = random.Random(seed)
    report = SeedReport()
    today = timezone.localdate()
    with transaction.atomic():
        orgs = []
        for name, slug, country in ORGANISATIONS:
            orgs.append(Organization.objects.create(name=name, slug=slug, country=country))
        report.organisations = len(orgs)
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@prytulak.invalid", DEMO_PASSWORD)
            report.users += 1
        password = make_password(DEMO_PASSWORD)  # hash once: hashing is slow on purpose
        for org in orgs:
            for role in (
                Role.COORDINATOR,
                Role.CASEWORKER,
                Role.VIEWER,
                Role.DRIVER,
                Role.WAREHOUSE,
            ):
                user = User.objects.create(username=f"{org.slug}-{role.value}", password=password)
                Membership.objects.create(user=user, organization=org, role=role)
                report.users += 1

        # Offers. Bulk inserts: thousands of rows through one service call each would make
        # `make demo` slow; the services are exercised below for placements and in the tests.
        towns = _weighted_towns(rng)
        countries = list(REFUGEES_BY_COUNTRY)
        country_weights = [REFUGEES_BY_COUNTRY[c] for c in countries]
        hosts, offer_rows = [], []
        for i in range(offers):
            country = rng.choices(countries, country_weights)[0]
            places, weights = towns[country]
            town = rng.choices(places, weights)[0]
            language = COUNTRY_LANGUAGE.get(country, "en")
            collective = rng.random() < 0.03
            names = HOSTS.get(language, HOSTS["en"])
            host_name = rng.choice(COLLECTIVE) if collective else rng.choice(names)
            hosts.append(
                Host(
                    kind=HostKind.ORGANIZATION if collective else HostKind.PERSON,
                    name=host_name,
                    email=f"host{i}@example.org",
                    phone=f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                    preferred_language=language if language in {"pl", "de", "lt"} else "en",
                    email_confirmed_at=timezone.now(),
                    household_type=HostHousehold.NOBODY
                    if collective
                    else rng.choices(
                        [
                            HostHousehold.FAMILY,
                            HostHousehold.COUPLE,
                            HostHousehold.SINGLE_WOMAN,
                            HostHousehold.SINGLE_MAN,
                            HostHousehold.SHARED,
                            HostHousehold.NOBODY,
                        ],
                        [35, 25, 12, 10, 8, 10],
                    )[0],  # fmt: skip
                )
            )
            status = rng.choices(
                [
                    OfferStatus.ACTIVE,
                    OfferStatus.AWAITING,
                    OfferStatus.PAUSED,
                    OfferStatus.EXPIRED,
                    OfferStatus.DRAFT,
                ],
                [70, 15, 6, 5, 4],
            )[0]
            if status not in (OfferStatus.AWAITING, OfferStatus.DRAFT):  # verified offers
                hosts[-1].verification = (
                    Verification.VISITED if rng.random() < 0.3 else Verification.IDENTITY
                )
            start = today + datetime.timedelta(days=rng.randint(-60, 30))
            spoken = sorted(
                {language, *rng.sample(["en", "uk", "ru", "de", "pl"], rng.choice([0, 1, 1, 2]))}
                & SPOKEN_LANGUAGE_CODES
            )
            offer_rows.append(
                HostOffer(
                    organization=rng.choice(orgs)
                    if status not in (OfferStatus.AWAITING, OfferStatus.DRAFT)
                    else None,
                    status=status,
                    city=town.name,
                    country=town.country,
                    latitude=town.latitude,
                    longitude=town.longitude,
                    geonameid=town.geonameid,
                    place_key=town.key,
                    address=f"{rng.randint(1, 120)} {town.name} (demo address)",
                    beds=rng.randint(10, 80)
                    if collective
                    else rng.choices([1, 2, 3, 4, 5, 6], [10, 30, 25, 20, 10, 5])[0],
                    available_from=start,
                    available_to=None
                    if rng.random() < 0.3
                    else start + datetime.timedelta(days=rng.choice([30, 60, 90, 180, 365])),
                    pets_allowed=rng.random() < 0.35,
                    children_allowed=rng.random() < 0.85,
                    step_free=collective or rng.random() < 0.15,
                    languages=spoken,
                    is_free=rng.random() < 0.9,
                    notes=rng.choice(HOST_NOTES.get(language, HOST_NOTES["en"])),
                )
            )
        for host in hosts:
            host.email_index, host.phone_index = email_index(host.email), phone_index(host.phone)
            host.name_key = name_key(host.name)
        Host.objects.bulk_create(hosts)
        for host, offer in zip(hosts, offer_rows, strict=True):
            offer.host = host
            if offer.status == OfferStatus.ACTIVE:
                offer.confirmed_until = today + datetime.timedelta(days=rng.randint(3, 30))
        HostOffer.objects.bulk_create(offer_rows)
        offers_changed()  # the map of every running process reloads
        # Who checked each verified host, and which document they saw (never the document).
        checkers = {o.pk: User.objects.get(username=f"{o.slug}-coordinator") for o in orgs}
        HostVerification.objects.bulk_create(
            HostVerification(
                host=o.host,
                level=level,
                organization=o.organization,
                checked_by=checkers[o.organization.pk],
                document_type=rng.choice(["passport", "id_card", "residence"])
                if level == Verification.IDENTITY
                else "",
            )
            for o in offer_rows
            if o.organization is not None
            for level in range(Verification.IDENTITY, o.host.verification + 1)
        )
        report.offers = len(offer_rows)

        crossings = {p.code: p for p in crossing_places()}
        codes = list(CROSSING_WEIGHTS)
        household_rows: list[Household] = []
        member_rows: list[list[tuple[AgeBand, Sex]]] = []
        for _ in range(households):
            crossing = crossings[rng.choices(codes, [CROSSING_WEIGHTS[c] for c in codes])[0]]
            name, languages = _lead(rng)
            members = _household_members(rng)
            unassigned = rng.random() < 0.2
            preferred = rng.sample(
                ["PL", "DE", "CZ", "LT", "SK", "AT", "NL"], rng.choice([0, 1, 1, 2])
            )
            household = Household(
                organization=None if unassigned else rng.choice(orgs),
                source=Source.INTAKE if unassigned else Source.STAFF,
                status=HouseholdStatus.NEW if unassigned else HouseholdStatus.WAITING,
                share_level=rng.choices(
                    [ShareLevel.NONE, ShareLevel.SUMMARY, ShareLevel.FULL], [60, 15, 25]
                )[0],
                lead_name=name,
                phone=_phone(rng),
                email="" if rng.random() < 0.6 else f"family{len(household_rows)}@example.org",
                languages=languages,
                pets=rng.choices([0, 1, 2], [75, 20, 5])[0],
                needs_step_free=rng.random() < 0.05,
                needs=rng.choice(NEEDS),
                arrival_place=crossing.name,
                arrival_place_key=crossing.key,
                arrival_country=crossing.country,
                arrival_latitude=crossing.latitude,
                arrival_longitude=crossing.longitude,
                arrival_date=today + datetime.timedelta(days=rng.randint(-20, 10)),
                preferred_countries=preferred,
                priority=rng.choices([0, 1, 2, 3], [70, 15, 10, 5])[0],
            )
            household_rows.append(household)
            member_rows.append(members)
        for h in household_rows:
            h.phone_index, h.email_index = phone_index(h.phone), email_index(h.email)
            h.lead_name_key = name_key(h.lead_name)
        Household.objects.bulk_create(household_rows)
        people = []
        for household, members in zip(household_rows, member_rows, strict=True):
            people += [Person(household=household, age_band=band, sex=sex) for band, sex in members]
        Person.objects.bulk_create(people)
        report.households, report.people = len(household_rows), len(people)

        # Some households already placed, through the same services staff use.
        active = [
            o for o in offer_rows if o.status == OfferStatus.ACTIVE and o.available_from <= today
        ]
        coordinators: dict[int | None, Actor] = {}
        for org in orgs:
            found = actor_for(User.objects.get(username=f"{org.slug}-coordinator"))
            assert found is not None
            coordinators[org.pk] = found
        for household in rng.sample(household_rows, min(len(household_rows) // 8, len(active))):
            if household.organization is None:
                continue
            actor = coordinators[household.organization_id]
            offer = rng.choice(active)
            start = max(household.arrival_date, offer.available_from, today)
            if placements.placement_check_fit(household=household, offer=offer, start=start):
                continue
            # Each side is spoken for by its own organisation: the household's and the one
            # that verified the offer. Some proposals are still waiting for an answer.
            host_actor = coordinators[offer.organization_id]
            try:
                placement = placements.placement_propose(
                    household=household, offer=offer, actor=actor
                )
            except ServiceError:  # its beds are already taken by an earlier placement
                continue
            step = rng.random()
            try:
                if step < 0.85:
                    placements.placement_accept(
                        placement=placement, actor=host_actor, side=Side.HOST
                    )
                if step < 0.7:
                    placements.placement_accept(
                        placement=placement, actor=actor, side=Side.HOUSEHOLD
                    )
            except ServiceError:
                continue
            if step < 0.35:
                placements.placement_arrive(placement=placement, actor=actor)
            report.placements += 1
        placements.checkins_schedule(today=today)
        _seed_trips(rng, coordinators, report)
        _seed_aid(rng, coordinators, report)
        _seed_services()
    return report
