"""Bad input never causes a 500: every form gets garbage in every field.

The test client re-raises any exception a view lets escape, so a crash fails the test;
we also check the status code and that the page still shows what was typed.
"""

import pytest
from django.urls import reverse

from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import CheckIn
from prytulak.journeys.models import Booking, BorderCrossing
from prytulak.orgs.scopes import actor_for

GARBAGE = [
    "",
    " ",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999",
    "NaN",
    "2024-13-45",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "Ж" * 5000,
    "🏠🐈" * 50,
    "\u202e\u200b",
    "[]",
    "{}",
]
# Null bytes and lists where a single value is expected.
SPECIAL = ["a\x00b", ["a", "b", "c"]]

FIELDS = {
    "host": [
        "kind",
        "household_type",
        "name",
        "email",
        "phone",
        "city",
        "country",
        "address",
        "beds",
        "available_from",
        "available_to",
        "pets_allowed",
        "children_allowed",
        "step_free",
        "languages",
        "is_free",
        "price_note",
        "notes",
        "consent",
    ],
    "need": [
        "women",
        "men",
        "infants",
        "children",
        "teens",
        "seniors",
        "lead_name",
        "phone",
        "email",
        "languages",
        "arrival_place",
        "arrival_date",
        "preferred_countries",
        "preferred_cities",
        "pets",
        "pet_notes",
        "needs_step_free",
        "needs",
        "notes",
        "consent",
    ],
    "household": [
        "lead_name",
        "phone",
        "email",
        "languages",
        "arrival_place",
        "arrival_date",
        "preferred_countries",
        "preferred_cities",
        "pets",
        "pet_notes",
        "needs_step_free",
        "needs",
        "notes",
        "members-TOTAL_FORMS",
        "members-INITIAL_FORMS",
        "members-0-age_band",
        "members-0-sex",
        "members-0-name",
        "members-0-id",
    ],
    "offer": [
        "kind",
        "household_type",
        "name",
        "email",
        "phone",
        "city",
        "country",
        "address",
        "beds",
        "available_from",
        "available_to",
        "languages",
        "is_free",
        "price_note",
        "notes",
    ],
    "login": ["username", "password"],
    "sharing": ["level", "how"],
    "erase": ["reason", "confirm"],
    "verify": ["document_type", "note"],
    "visit": ["note"],
    "propose": ["household"],
    "step": ["step", "reason"],
    "problem": ["side", "description"],
    "checkin": ["outcome", "note"],
    "token": ["token", "next"],
    "trip": [
        "origin",
        "destination",
        "crossing",
        "depart_earliest",
        "depart_latest",
        "arrive_by",
        "seats",
        "child_seats",
        "wheelchair_spaces",
        "pets_allowed",
        "luggage",
        "vehicle",
        "notes",
    ],
    "decide": ["decision", "reason"],
    "seat": ["trip"],
    "crossing_status": ["status", "note"],
    "status": ["status"],
    "filters": [
        "q",
        "status",
        "country",
        "min_beds",
        "min_size",
        "pets",
        "children",
        "available_on",
        "page",
    ],
}


def garbage_posts(fields):
    """One post per garbage value filling every field, plus one per field alone."""
    for value in [*GARBAGE, *SPECIAL]:
        yield dict.fromkeys(fields, value)
    for field in fields:
        for value in ["x" * 300, "-5", "\x00"]:
            yield {field: value}


@pytest.fixture
def staff_client(client, caseworker_a, coordinator_a):
    client.force_login(coordinator_a)
    return client


def check(response, data, kept=True):
    assert response.status_code < 500
    if (
        kept
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
    ):
        typed = next(
            (v for v in data.values() if isinstance(v, str) and v.isalpha() and len(v) < 100), None
        )
        if typed:
            assert typed in response.text or "&" in typed


@pytest.mark.parametrize(
    ("url", "fields"),
    [("/en/host/", "host"), ("/uk/need/", "need"), ("/en/accounts/login/", "login")],
)
def test_public_forms_survive_garbage(client, db, settings, url, fields):
    settings.RATELIMIT_ENABLE = False
    for data in garbage_posts(FIELDS[fields]):
        check(client.post(url, data), data)


def test_staff_forms_survive_garbage(staff_client, org_a, coordinator_a):
    household = make_household(org_a)
    offer = make_offer(org_a)
    placement = placements.placement_propose(
        household=make_household(org_a, name="Placed"), offer=offer, actor=actor_for(coordinator_a)
    )
    checkin = CheckIn.objects.create(placement=placement, due_on=placement.start_date)
    urls = [
        (reverse("household-sharing", args=[household.pk]), "sharing"),
        (reverse("offer-verify", args=[offer.pk]), "verify"),
        (reverse("host-visit", args=[offer.pk]), "visit"),
        (reverse("offer-propose", args=[offer.pk]), "propose"),
        (reverse("placement-step", args=[placement.pk]), "step"),
        (reverse("placement-problem", args=[placement.pk]), "problem"),
        (reverse("checkin-record", args=[placement.pk, checkin.pk]), "checkin"),
        (reverse("two-factor"), "token"),
        (reverse("trip-create"), "trip"),
        (reverse("seat-request", args=[household.pk]), "seat"),
        (reverse("crossing-status", args=[BorderCrossing.objects.first().pk]), "crossing_status"),
        (reverse("household-erase", args=[household.pk]), "erase"),
        (reverse("household-create"), "household"),
        (reverse("household-edit", args=[household.pk]), "household"),
        (reverse("offer-create"), "offer"),
        (reverse("offer-edit", args=[offer.pk]), "offer"),
        (reverse("offer-status", args=[offer.pk]), "status"),
        (reverse("offer-verify", args=[offer.pk]), "status"),
        (reverse("household-claim", args=[household.pk]), "status"),
    ]
    for url, fields in urls:
        for data in garbage_posts(FIELDS[fields]):
            check(staff_client.post(url, data), data)


def test_trip_booking_decisions_survive_garbage(client, make_trip, coordinator_b, org_a):
    trip = make_trip()
    booking = Booking.objects.create(
        trip=trip, household=make_household(org_a), seats=1, requested_by=coordinator_b
    )
    client.force_login(coordinator_b)
    for data in garbage_posts(FIELDS["decide"]):
        check(client.post(reverse("booking-decide", args=[booking.pk]), data), data)


def test_aid_forms_survive_garbage(client, org_a):
    from prytulak.aid.models import Item, Shipment, Warehouse
    from prytulak.conftest import make_member
    from prytulak.orgs.models import Role

    keeper = make_member(org_a, Role.WAREHOUSE, "garbage_keeper")
    warehouse = Warehouse.objects.create(organization=org_a, name="W", city="Lublin", country="PL")
    Item.objects.create(name="Blanket", unit="pcs", category="clothing")
    shipment = Shipment.objects.create(warehouse=warehouse, destination="Sumy", status="crossed")
    client.force_login(keeper)
    line_fields = ["lines-TOTAL_FORMS", "lines-INITIAL_FORMS", "lines-0-item", "lines-0-quantity"]
    forms = [
        (reverse("donation-new"), ["warehouse", "donor", "received_on", "note", *line_fields,
                                   "lines-0-lot", "lines-0-expiry"]),
        (reverse("aid-request-new"), ["recipient", "place", "contact", "urgency", *line_fields]),
        (reverse("shipment-new"), ["warehouse", "request", "destination", *line_fields]),
        (reverse("write-off"), ["warehouse", "item", "lot", "quantity", "reason"]),
        (reverse("shipment-deliver", args=[shipment.pk]), ["confirmed_by", "note"]),
        (reverse("shipment-step", args=[shipment.pk]), ["step"]),
    ]  # fmt: skip
    for url, fields in forms:
        for data in garbage_posts(fields):
            check(client.post(url, data), data)


def test_case_forms_survive_garbage(client, caseworker_a, org_a):
    from prytulak.assistance import services as case_services

    household = make_household(org_a)
    case = case_services.case_open(
        actor=actor_for(caseworker_a), household=household, type="medical", checklist=["x"]
    )
    client.force_login(caseworker_a)
    forms = [
        (reverse("case-new", args=[household.pk]),
         ["type", "person", "due_on", "provider", "checklist", "notes"]),
        (reverse("case-move", args=[case.pk]), ["status", "note"]),
        (reverse("case-assign", args=[case.pk]), ["user"]),
        (reverse("case-checklist", args=[case.pk]), ["done"]),
        (reverse("case-refer", args=[case.pk]), ["to_organization", "consent"]),
    ]  # fmt: skip
    for url, fields in forms:
        for data in garbage_posts(fields):
            check(client.post(url, data), data)
    for data in garbage_posts(["q", "kind", "country"]):
        check(client.get(reverse("provider-list"), data), data)


def test_map_requests_survive_garbage(client, db):
    fields = [
        "bbox",
        "zoom",
        "min_beds",
        "pets",
        "children",
        "step_free",
        "kind",
        "country",
        "date",
    ]
    for data in garbage_posts(fields):
        response = client.get(reverse("map-offers"), data)
        assert response.status_code in (200, 400)


def test_list_filters_survive_garbage(staff_client):
    for url in [reverse("offer-list"), reverse("household-list")]:
        for data in garbage_posts(FIELDS["filters"]):
            check(staff_client.get(url, data), data)
            # htmx gets only the results block, which has no inputs to keep values in
            check(staff_client.get(url, data, headers={"HX-Request": "true"}), data, kept=False)


def test_odd_urls_answer_404_not_500(staff_client):
    for url in [
        "/en/staff/offers/999999/",
        "/en/staff/households/0/",
        "/en/host/confirm/%00/",
        "/xx/",
    ]:
        assert staff_client.get(url).status_code in (400, 404)
    assert staff_client.get("/places/suggest/", {"q": "\x00" * 3}).status_code == 200


def test_link_pages_survive_garbage(db, settings, org_a, coordinator_a):
    """The public own pages of hosts and households (by signed link): garbage in every form
    gets a clear answer, never a 500."""
    from django.test import Client

    from prytulak.selfservice.services import link_create

    settings.RATELIMIT_ENABLE = False
    offer = make_offer(org_a)
    placement = placements.placement_propose(
        household=make_household(org_a, name="Placed"), offer=offer, actor=actor_for(coordinator_a)
    )
    CheckIn.objects.create(placement=placement, due_on=placement.start_date)
    web = Client()
    _l, host = link_create(purpose="proposal", placement=placement, language="en")
    _l, family = link_create(purpose="household", household=placement.household, language="uk")
    _l, offers = link_create(purpose="offers", host=offer.host, language="pl")
    fields = ["reason", "description", "outcome", "note", "checkin", "placement"]
    offer_fields = [f"o{offer.pk}-{f}" for f in FIELDS["offer"]] + [
        f"o{offer.pk}-available_from",
        f"o{offer.pk}-beds",
    ]
    urls = [
        *[(reverse("link-action", args=[t, a]), fields) for t in (host, family) for a in
          ("accept", "decline", "problem", "checkin", "rematch", "nonsense")],
        *[(reverse("link-offer-action", args=[offers, offer.pk, a]), offer_fields) for a in
          ("change", "pause", "reopen", "reconfirm", "nonsense")],
    ]  # fmt: skip
    for url, names in urls:
        for data in garbage_posts(names):
            response = web.post(url, data)
            assert response.status_code < 500, (url, data)
    for token in ["x" * 300, "%00", "../../etc", "A" * 22]:
        assert web.get(f"/l/{token}/").status_code in (404, 429)
