"""Every staff URL and every API operation, as every role, on records of every relation.

The matrix is generated from the URL conf and the OpenAPI document: each staff URL and API
operation must be named in ROUTES / API_ROUTES below (a new URL fails the test until it is),
with the capability it needs and the kind of record it acts on. For each role of
organisation A (and an anonymous visitor) and each record of that kind — A's own, a
partner's at each sharing level, an unclaimed public one, either side of a placement… —
the expected answer is what `capabilities.can` says, and the response must agree:
allowed → neither 403 nor 404 (nor 5xx); refused → 403 or 404 (a login redirect for an
anonymous visitor, 401 from the API). Every page and API answer is also searched for the
contact details of every household and host the actor may not read: none may appear.

Each request runs in a savepoint that is rolled back, so every case meets the same world.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from prytulak.aid.models import Shipment, Warehouse
from prytulak.api import services as api_services
from prytulak.assistance.models import Case, Referral
from prytulak.conftest import VerifiedClient, make_member, trip_data
from prytulak.core.privacy import email_index, phone_index
from prytulak.housing.models import (
    CheckIn,
    Host,
    HostOffer,
    OfferStatus,
    Placement,
    PlacementStatus,
)
from prytulak.journeys import services as journey_services
from prytulak.journeys.models import BorderCrossing, Journey, JourneyLeg, Trip
from prytulak.matching.models import MatchingRun
from prytulak.orgs import capabilities
from prytulak.orgs.models import Organization, Role
from prytulak.orgs.scopes import Actor, actor_for
from prytulak.people.models import AgeBand, Household, HouseholdStatus, Person
from prytulak.selfservice.services import link_create
from prytulak.sheets.models import ImportJob

ANONYMOUS = "anonymous"
ROLES = [*Role, ANONYMOUS]


@dataclass(frozen=True)
class Route:
    action: str
    kind: str | None = None  # the kind of record in the URL; None: no record
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    # A second capability the request needs, on a record named by (kind, relation).
    also: tuple[str, str, str] | None = None


# Staff URL name → what it needs. `kind` names a set of records in World.records.
ROUTES: dict[str, Route] = {
    "staff-home": Route("staff.home"),
    "export-hsds": Route("export.directory"),
    "export-hxl": Route("export.statistics"),
    "offer-list": Route("offer.list"),
    "offer-create": Route("offer.create"),
    "offer-detail": Route("offer.view", "offer"),
    "offer-edit": Route("offer.edit", "offer"),
    "offer-verify": Route("offer.verify", "offer", "POST", {"document_type": "passport"}),
    "offer-status": Route("offer.set_status", "offer", "POST", {"status": "withdrawn"}),
    "host-visit": Route("offer.visit", "offer", "POST", {"note": "visited"}),
    "offer-propose": Route("offer.propose", "offer", "POST"),
    "placement-detail": Route("placement.view", "placement"),
    "placement-step": Route("placement.act", "placement", "POST", {"step": "cancel"}),
    "placement-problem": Route("placement.act", "placement", "POST"),
    "checkin-record": Route("placement.act", "checkin", "POST"),
    "household-list": Route("household.list"),
    "household-create": Route("household.create"),
    "household-detail": Route("household.view", "household"),
    "household-edit": Route("household.edit", "household"),
    "household-claim": Route("household.claim", "household", "POST"),
    "household-sharing": Route("household.share", "household", "POST"),
    "household-export": Route("household.export", "household"),
    "household-erase": Route(
        "household.erase", "household", "POST", {"reason": "asked", "confirm": "on"}
    ),
    # Without a second household to compare or merge with, the page sends the actor back.
    "household-compare": Route("household.view", "household"),
    "household-merge": Route("household.edit", "household", "POST"),
    "trip-list": Route("trip.list"),
    "trip-create": Route("trip.create"),
    "trip-detail": Route("trip.view", "trip"),
    "trip-verify": Route("trip.verify", "trip", "POST"),
    "trip-edit": Route("trip.edit", "trip"),
    "trip-cancel": Route("trip.cancel", "trip", "POST", {"reason": "The van broke down."}),
    "booking-decide": Route("trip.decide_booking", "booking", "POST"),
    "seat-request": Route("household.request_seats", "household", "POST"),
    "leg-done": Route("journey.act", "leg", "POST"),
    "journey-arrive": Route("journey.act", "journey", "POST"),
    "crossing-list": Route("crossing.list"),
    "crossing-status": Route("crossing.set_status", "crossing", "POST"),
    "aid-home": Route("aid.view"),
    "donation-new": Route("aid.manage"),
    "aid-request-new": Route("aid.manage"),
    "shipment-new": Route("aid.manage"),
    "shipment-detail": Route("shipment.view", "shipment"),
    "shipment-manifest": Route("shipment.view", "shipment"),
    "shipment-step": Route("shipment.manage", "shipment", "POST"),
    "shipment-deliver": Route("shipment.manage", "shipment", "POST"),
    "write-off": Route("aid.manage", None, "POST"),
    "aid-report": Route("aid.view", "aid_report"),
    "cases": Route("case.list"),
    "cases-csv": Route("case.list"),
    "case-detail": Route("case.view", "case"),
    "case-move": Route("case.work", "case", "POST"),
    "case-assign": Route("case.assign", "case", "POST"),
    "case-checklist": Route("case.work", "case", "POST"),
    "case-refer": Route("case.work", "case", "POST"),
    "referral-decide": Route("referral.decide", "referral", "POST"),
    "case-new": Route("household.open_case", "household"),
    "provider-list": Route("provider.list"),
    "matching-runs": Route("matching.run"),
    "matching-run": Route("matching.run", "run"),
    "matching-run-csv": Route("matching.run", "done-run"),
    "import-upload": Route("import.run"),
    "import-detail": Route("import.run", "import"),
    "import-start": Route("import.run", "import", "POST"),
    "import-review": Route("import.run", "import", "POST"),
    "import-report": Route("import.run", "import"),
    "api-keys": Route("apikey.manage"),
    "api-key-revoke": Route("apikey.manage", "apitoken", "POST"),
    "link-revoke": Route("link.revoke", "link", "POST"),
    "household-send-link": Route("link.send", "household", "POST"),
    "offer-send-link": Route("link.send", "offer", "POST"),
}

# API operation id → what it needs. Lists answer every member with their scope (never
# another's records): `None` as action means "any member; the list is scoped".
API_ROUTES: dict[str, Route] = {
    "prytulak_api_housing_offer_list": Route("offer.list"),
    "prytulak_api_housing_offer_get": Route("offer.view", "offer"),
    "prytulak_api_housing_offer_create": Route("offer.create", None, "POST"),
    "prytulak_api_people_household_list": Route("household.list"),
    "prytulak_api_people_household_get": Route("household.view", "household"),
    "prytulak_api_people_household_create": Route("household.create", None, "POST"),
    "prytulak_api_people_household_send_link": Route("link.send", "household", "POST"),
    "prytulak_api_housing_offer_send_link": Route("link.send", "offer", "POST"),
    "prytulak_api_placements_placement_list": Route("placement.list"),
    "prytulak_api_placements_placement_get": Route("placement.view", "placement"),
    "prytulak_api_placements_placement_propose": Route("household.propose", None, "POST"),
    "prytulak_api_placements_placement_accept": Route(
        "placement.act_household", "placement", "POST", {"side": "household"}
    ),
    "prytulak_api_placements_placement_decline": Route(
        "placement.act_host", "placement", "POST", {"side": "host", "reason": "no room"}
    ),
    "prytulak_api_matching_run_list": Route("matching.run"),
    "prytulak_api_matching_run_get": Route("matching.run", "run"),
    "prytulak_api_matching_run_start": Route("matching.run", None, "POST"),
    "prytulak_api_matching_run_proposals": Route("matching.run", "run"),
    "prytulak_api_journeys_trip_list": Route("trip.list"),
    "prytulak_api_journeys_trip_get": Route("trip.view", "trip"),
    "prytulak_api_journeys_trip_create": Route("trip.create", None, "POST"),
    "prytulak_api_journeys_booking_request": Route(
        "trip.view", "trip", "POST", also=("household.request_seats", "household", "own")
    ),
    "prytulak_api_assistance_case_list": Route("case.list"),
    "prytulak_api_assistance_case_get": Route("case.view", "case"),
    "prytulak_api_assistance_case_open": Route("household.open_case", None, "POST"),
    "prytulak_api_aid_stock_list": Route("aid.view"),
    "prytulak_api_aid_warehouse_list": Route("aid.view"),
}
# List operations answer 200 with an empty page when the role may not list that kind; the
# page is still searched for secrets.
API_SCOPED_LISTS = {
    "prytulak_api_housing_offer_list",
    "prytulak_api_people_household_list",
    "prytulak_api_placements_placement_list",
    "prytulak_api_journeys_trip_list",
    "prytulak_api_assistance_case_list",
}


def _staff_patterns() -> list[str]:
    """Names of every URL under /<lang>/staff/, read from the URL conf."""
    names: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("staff/"):
                names.append(p.name)

    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            walk(p.url_patterns, "")
    return names


class World:
    """Organisation A (whose members act), partner B, and records of every relation."""

    def __init__(self) -> None:
        self.a = Organization.objects.create(name="Org A", slug="org-a", country="PL")
        self.b = Organization.objects.create(name="Org B", slug="org-b", country="LT")
        self.users = {role: make_member(self.a, role, f"a_{role}") for role in Role}
        self.b_coordinator = make_member(self.b, Role.COORDINATOR, "b_coordinator")
        self.b_caseworker = make_member(self.b, Role.CASEWORKER, "b_caseworker")
        self.secrets: dict[tuple[str, int], list[str]] = {}  # (kind, pk) → contact values
        self.n = 0
        self.records: dict[str, dict[str, Any]] = {}
        self._build()

    # -- records with recognisable personal data ------------------------------------------

    def household(self, org: Organization | None, share: str = "none", **extra: Any) -> Household:
        self.n += 1
        phone, email = f"+48 601 00{self.n:02d} 77", f"secret{self.n}@hh.example"
        household = Household.objects.create(
            organization=org,
            lead_name=f"Leadname{self.n}x",
            phone=phone,
            email=email,
            phone_index=phone_index(phone),
            email_index=email_index(email),
            notes=f"hhnote{self.n}x",
            languages=["uk"],
            arrival_place="Medyka",
            arrival_country="PL",
            arrival_latitude=49.8,
            arrival_longitude=22.93,
            arrival_date=timezone.localdate(),
            status=extra.pop("status", HouseholdStatus.WAITING),
            share_level=share,
            **extra,
        )
        Person.objects.create(household=household, age_band=AgeBand.ADULT, name=f"Member{self.n}x")
        self.secrets[("household", household.pk)] = [
            f"601 00{self.n:02d} 77",
            email,
            f"hhnote{self.n}x",
        ]
        self.secrets[("household_name", household.pk)] = [f"Leadname{self.n}x", f"Member{self.n}x"]
        return household

    def offer(self, org: Organization | None, status: str = OfferStatus.ACTIVE) -> HostOffer:
        self.n += 1
        email, phone = f"host{self.n}@host.example", f"+48 602 00{self.n:02d} 88"
        host = Host.objects.create(
            kind="person",
            name=f"Hostname{self.n}x",
            email=email,
            phone=phone,
            email_index=email_index(email),
            phone_index=phone_index(phone),
            household_type="family",
            verification=1 if org else 0,
        )
        offer = HostOffer.objects.create(
            host=host,
            organization=org,
            status=status,
            city="Kraków",
            country="PL",
            latitude=50.06,
            longitude=19.94,
            address=f"ul. Sekretna {self.n}",
            beds=4,
            available_from=timezone.localdate() - datetime.timedelta(days=1),
            languages=["pl", "uk"],
        )
        self.secrets[("host", offer.pk)] = [
            f"Hostname{self.n}x",
            email,
            f"602 00{self.n:02d} 88",
            f"ul. Sekretna {self.n}",
        ]
        return offer

    def placement(
        self,
        household: Household,
        offer: HostOffer,
        *,
        released: bool = False,
        run: MatchingRun | None = None,
    ) -> Placement:
        placement = Placement.objects.create(
            household=household,
            offer=offer,
            run=run,
            beds=1,
            start_date=timezone.localdate(),
            status=PlacementStatus.CONFIRMED if released else PlacementStatus.PROPOSED,
            contacts_released_at=timezone.now() if released else None,
        )
        CheckIn.objects.create(placement=placement, due_on=timezone.localdate())
        return placement

    def _build(self) -> None:
        a, b = self.a, self.b
        hh = {
            "own": self.household(a),
            "partner-none": self.household(b, "none"),
            "partner-summary": self.household(b, "summary"),
            "partner-full": self.household(b, "full"),
            "unclaimed": self.household(None, status=HouseholdStatus.NEW),
        }
        offers = {
            "own": self.offer(a),
            "partner": self.offer(b),
            "unverified": self.offer(None, OfferStatus.AWAITING),
            "draft": self.offer(None, OfferStatus.DRAFT),
        }
        done = {"status": "done", "summary": {"bound": 2.0, "gap": 0.0, "reasons": {}}}
        runs = {
            "own": MatchingRun.objects.create(organization=a, scope="organization"),
            "partner": MatchingRun.objects.create(organization=b, scope="organization"),
            "own-done": MatchingRun.objects.create(organization=a, scope="pool", **done),
            "partner-done": MatchingRun.objects.create(organization=b, scope="pool", **done),
        }
        placements = {
            # what the own organisation's pool run proposed, on neither side of it
            "own-run-partner-summary": self.placement(
                self.household(b, "summary"), self.offer(b), run=runs["own-done"]
            ),
            "own-run-partner-full": self.placement(
                self.household(b, "full"), self.offer(b), run=runs["own-done"]
            ),
            "own-run-sharing-withdrawn": self.placement(
                self.household(b, "none"), self.offer(b), run=runs["own-done"]
            ),
            "partner-run": self.placement(
                self.household(b, "summary"), self.offer(b), run=runs["partner-done"]
            ),
            "household-side": self.placement(self.household(a), self.offer(b)),
            "host-side": self.placement(self.household(b), self.offer(a)),
            "released-household-side": self.placement(
                self.household(a), self.offer(b), released=True
            ),
            "released-host-side": self.placement(self.household(b), self.offer(a), released=True),
            "unrelated": self.placement(self.household(b), self.offer(b)),
        }
        if not BorderCrossing.objects.exists():
            journey_services.crossings_sync()
        trips = {
            "own": journey_services.trip_create(
                actor=actor_for(self.users[Role.COORDINATOR]), data=trip_data()
            ),
            "partner": journey_services.trip_create(
                actor=actor_for(self.b_coordinator), data=trip_data()
            ),
            "driven-by-me": journey_services.trip_create(
                actor=actor_for(self.users[Role.DRIVER]), data=trip_data()
            ),
        }
        bookings = {
            "on-own-trip": journey_services.booking_request(
                trip=trips["own"], household=self.household(b), actor=actor_for(self.b_caseworker)
            ),
            "on-partner-trip": journey_services.booking_request(
                trip=trips["partner"],
                household=self.household(a),
                actor=actor_for(self.users[Role.CASEWORKER]),
            ),
        }
        journeys = {
            "own": journey_services.journey_for(hh["own"]),
            "partner": journey_services.journey_for(hh["partner-none"]),
        }
        legs = {
            rel: JourneyLeg.objects.create(
                journey=j, order=1, kind="ride", from_place="Lviv", to_place="Medyka"
            )
            for rel, j in journeys.items()
        }
        cases = {
            "own": Case.objects.create(organization=a, household=hh["own"], type="legal_status"),
            "own-child": Case.objects.create(
                organization=a, household=hh["own"], type="school", child=True
            ),
            "partner": Case.objects.create(
                organization=b, household=hh["partner-none"], type="legal_status"
            ),
        }
        referrals = {
            "incoming": Referral.objects.create(
                case=cases["partner"], from_organization=b, to_organization=a, consent="x"
            ),
            "outgoing": Referral.objects.create(
                case=cases["own"], from_organization=a, to_organization=b, consent="x"
            ),
        }
        warehouses = {
            org: Warehouse.objects.create(organization=org, name=f"W {org.slug}", city="Lublin")
            for org in (a, b)
        }
        shipments = {
            "own": Shipment.objects.create(warehouse=warehouses[a], destination="Sumy"),
            "partner": Shipment.objects.create(warehouse=warehouses[b], destination="Sumy"),
        }
        imports = {
            "own": ImportJob.objects.create(organization=a, kind="households", filename="a.csv"),
            "partner": ImportJob.objects.create(
                organization=b, kind="households", filename="b.csv"
            ),
        }
        tokens = {
            "own": api_services.token_create(
                actor=actor_for(self.users[Role.COORDINATOR]),
                user=self.users[Role.VIEWER],
                name="own",
            )[0],
            "partner": api_services.token_create(
                actor=actor_for(self.b_coordinator), user=self.b_caseworker, name="partner"
            )[0],
        }
        links = {
            **{
                f"proposal-{rel}": link_create(purpose="proposal", placement=p)[0]
                for rel, p in placements.items()
            },
            **{
                f"household-{rel}": link_create(purpose="household", household=h)[0]
                for rel, h in hh.items()
            },
            **{
                f"offers-{rel}": link_create(purpose="offers", host=o.host)[0]
                for rel, o in offers.items()
            },
        }
        self.records = {
            "link": links,
            "household": hh,
            "offer": offers,
            "placement": placements,
            "checkin": {r: p.checkins.get() for r, p in placements.items()},
            "trip": trips,
            "booking": bookings,
            "journey": journeys,
            "leg": legs,
            "crossing": {"any": BorderCrossing.objects.first()},
            "shipment": shipments,
            "aid_report": {"own": "stock"},
            "case": cases,
            "referral": referrals,
            "run": runs,
            "done-run": {"own": runs["own-done"], "partner": runs["partner-done"]},
            "import": imports,
            "apitoken": tokens,
        }

    # -- what a URL acts on -----------------------------------------------------------------

    def target(self, kind: str, record: Any) -> Any:
        """The object the capability is asked about (fresh from the database)."""
        if kind == "checkin":
            return Placement.objects.get(pk=record.placement_id)
        if kind == "booking":
            return Trip.objects.get(pk=record.trip_id)
        if kind == "leg":
            return Journey.objects.get(pk=record.journey_id)
        if kind == "aid_report" or record is None:
            return None
        return type(record).objects.get(pk=record.pk)

    def url_kwargs(self, kind: str, record: Any) -> dict[str, Any]:
        if kind == "checkin":
            return {"pk": record.placement_id, "checkin": record.pk}
        if kind == "aid_report":
            return {"kind": record}
        return {"pk": record.pk}

    # -- what the actor may read --------------------------------------------------------------

    def forbidden_secrets(self, actor: Actor | None) -> list[str]:
        """Contact values of every household and host `actor` may not read by any path."""
        hidden = []
        placements = list(Placement.objects.select_related("household", "offer"))
        for (kind, pk), values in self.secrets.items():
            if kind == "household":
                h = Household.objects.get(pk=pk)
                ok = capabilities.can(actor, "household.contact", h) or any(
                    p.household_id == pk
                    and capabilities.can(actor, "placement.household_contact", p)
                    for p in placements
                )
            elif kind == "household_name":
                h = Household.objects.get(pk=pk)
                ok = (
                    capabilities.can(actor, "household.name", h)
                    or any(
                        p.household_id == pk
                        and capabilities.can(actor, "placement.household_contact", p)
                        for p in placements
                    )
                    or any(
                        b.household_id == pk and capabilities.can(actor, "trip.passengers", b.trip)
                        for b in self.records["booking"].values()
                    )
                )
            else:
                o = HostOffer.objects.get(pk=pk)
                ok = capabilities.can(actor, "offer.contact", o) or any(
                    p.offer_id == pk and capabilities.can(actor, "placement.host_contact", p)
                    for p in placements
                )
            if not ok:
                hidden.extend(values)
        return hidden


def _relations(world: World, route: Route) -> list[tuple[str, Any]]:
    if route.kind is None:
        return [("-", None)]
    return list(world.records[route.kind].items())


def _answer(client: Any, method: str, url: str, data: dict, **extra: Any) -> Any:
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, **extra)
        elif "content_type" in extra:
            response = client.post(url, json.dumps(data), **extra)
        else:
            response = client.post(url, data, **extra)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), body.decode("utf-8", "replace")


def _judge(where: str, status: int, allowed: bool, action: str) -> list[str]:
    """What is wrong with an answer, given what the capability table says."""
    if status >= 500:
        return [f"{where}: server error"]
    if allowed and status in (403, 404):
        return [f"{where}: refused, but the table allows {action}"]
    if not allowed and status not in (403, 404):
        return [f"{where}: answered, but the table refuses {action}"]
    return []


def _leaks(where: str, hidden: list[str], body: str) -> list[str]:
    leaked = [s for s in hidden if s in body]
    return [f"{where}: shows {leaked[:3]}"] if leaked else []


def test_every_staff_url_and_api_operation_is_in_the_matrix(client):
    assert sorted(set(_staff_patterns()) - set(ROUTES)) == [], "add the new URL to ROUTES"
    assert sorted(set(ROUTES) - set(_staff_patterns())) == [], "a route no longer exists"
    spec = client.get("/api/openapi.json").json()
    operations = {o["operationId"] for ops in spec["paths"].values() for o in ops.values()}
    assert sorted(operations ^ set(API_ROUTES)) == [], "keep API_ROUTES in step with the API"
    for route in [*ROUTES.values(), *API_ROUTES.values()]:
        assert route.action in capabilities.RULES, route


@pytest.mark.django_db
def test_every_role_gets_what_the_capability_table_says_on_every_url(settings):
    settings.REQUIRE_2FA = False  # the second login step has its own tests
    world = World()
    clients: dict[str, Any] = {}
    for role in ROLES:
        c = VerifiedClient()
        if role != ANONYMOUS:
            c.force_login(world.users[role])
        clients[role] = c
    keys = {
        role: api_services.token_create(
            actor=actor_for(world.users[Role.COORDINATOR]), user=world.users[role], name=role
        )[1]
        for role in Role
    }
    spec = VerifiedClient().get("/api/openapi.json").json()
    api_paths = {
        o["operationId"]: (path, method.upper())
        for path, ops in spec["paths"].items()
        for method, o in ops.items()
    }
    failures: list[str] = []
    cases = 0
    for role in ROLES:
        actor = actor_for(world.users[role]) if role != ANONYMOUS else None
        hidden = world.forbidden_secrets(actor)
        for name, route in ROUTES.items():
            for relation, record in _relations(world, route):
                cases += 1
                target = world.target(route.kind, record) if route.kind else None
                allowed = capabilities.can(actor, route.action, target)
                kwargs = world.url_kwargs(route.kind, record) if route.kind else {}
                url = reverse(name, kwargs=kwargs)
                status, location, body = _answer(clients[role], route.method, url, route.data)
                where = f"{role} {route.method} {name} [{relation}] → {status}"
                if role == ANONYMOUS and status < 500:
                    if not (status == 302 and "/accounts/login/" in location):
                        failures.append(f"{where}: anonymous not sent to log in")
                else:
                    failures += _judge(where, status, allowed, route.action)
                failures += _leaks(where, hidden, body)
        for op, route in API_ROUTES.items():
            path, method = api_paths[op]
            for relation, record in _relations(world, route):
                cases += 1
                target = world.target(route.kind, record) if route.kind else None
                allowed = capabilities.can(actor, route.action, target)
                if route.also:
                    action, kind, rel = route.also
                    other = world.target(kind, world.records[kind][rel])
                    allowed = allowed and capabilities.can(actor, action, other)
                url = path
                if route.kind:
                    url = url.replace(url[url.index("{") : url.index("}") + 1], str(record.pk))
                headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"} if actor else {}
                data = dict(route.data)
                if route.also:
                    data = {route.also[1]: world.records[route.also[1]][route.also[2]].pk}
                status, _, body = _answer(
                    VerifiedClient(),
                    method,
                    url,
                    data,
                    content_type="application/json",
                    **headers,
                )
                where = f"{role} API {method} {path} [{relation}] → {status}"
                if status >= 500:
                    failures.append(f"{where}: server error")
                elif role == ANONYMOUS:
                    if status != 401:
                        failures.append(f"{where}: anonymous not refused with 401")
                elif method == "POST" and route.kind is None:
                    # Creates check the body before the role (an empty body is a 400 for
                    # everyone); their role checks are tested in prytulak/api/tests.
                    if status not in (400, 403, 409):
                        failures.append(f"{where}: an empty create was not refused")
                elif op in API_SCOPED_LISTS:
                    if status != 200:
                        failures.append(f"{where}: a scoped list must answer 200")
                else:
                    failures += _judge(where, status, allowed, route.action)
                failures += _leaks(where, hidden, body)
    print(f"authorisation matrix: {cases} cases, {len(failures)} failures")
    assert failures == [], "\n".join(failures[:60])
    assert cases > 1000
