"""Idempotency keys keep what a request created, not the answer's body: a replay is answered
afresh for the same object, through the caller's rights today, and the table holds no personal
data."""

import pytest
from django.db import connection
from django.utils import timezone

from prytulak.api.models import IdempotencyKey
from prytulak.api.tests.test_api import call, household_body, key_for
from prytulak.audit.models import AccessLog
from prytulak.conftest import make_offer
from prytulak.orgs.models import Membership, Role
from prytulak.people.models import Household

PHONE = "+380 50 765 4321"
EMAIL = "kateryna.melnyk@example.org"
NOTE = "Daughter needs insulin every morning"


@pytest.fixture
def key_a(coordinator_a):
    return key_for(coordinator_a)


def _register(key, idempotency_key="intake-17"):
    body = household_body(phone=PHONE, email=EMAIL, notes=NOTE, needs="ground floor")
    return call("post", "/api/v1/households/", key, body, HTTP_IDEMPOTENCY_KEY=idempotency_key)


@pytest.mark.django_db
def test_a_replay_answers_the_same_status_and_object(key_a):
    first = _register(key_a)
    again = _register(key_a)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.json()["contact"]["phone"] == PHONE
    assert Household.objects.count() == 1
    record = IdempotencyKey.objects.get()
    assert (record.status, record.object_type, record.object_id) == (
        201,
        "people.household",
        first.json()["id"],
    )


@pytest.mark.django_db
def test_a_replay_is_logged_like_a_read(key_a):
    first = _register(key_a)
    viewed = AccessLog.objects.filter(
        action="household.contact_viewed", object_id=str(first.json()["id"])
    )
    assert viewed.count() == 1
    _register(key_a)
    assert viewed.count() == 2


@pytest.mark.django_db
def test_a_replay_shows_contacts_only_if_the_caller_still_may_see_them(key_a, coordinator_a, org_a):
    assert _register(key_a).json()["contact"] is not None
    Membership.objects.filter(user=coordinator_a, organization=org_a).update(role=Role.VIEWER)
    again = _register(key_a)
    assert again.status_code == 201
    assert again.json()["contact"] is None


@pytest.mark.django_db
def test_the_idempotency_table_holds_no_phone_email_or_notes(key_a, org_a):
    _register(key_a)
    offer_body = {
        "host": {"kind": "person", "household_type": "couple", "name": "Jan Nowak",
                 "email": "jan.nowak@example.pl",
                 "phone": "+48 601 234 567"},
        "city": "Kraków", "country": "PL", "beds": 2,
        "available_from": timezone.localdate().isoformat(), "languages": ["pl"],
        "address": "ul. Długa 5, Kraków", "notes": "The host Jan speaks Ukrainian",
    }  # fmt: skip
    make_offer(org_a)  # the pool is not empty
    created = call("post", "/api/v1/offers/", key_a, offer_body, HTTP_IDEMPOTENCY_KEY="offer-1")
    assert created.status_code == 201, created.json()
    assert IdempotencyKey.objects.filter(status__isnull=False).count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_idempotencykey")
        stored = repr(cursor.fetchall())
    # (Digits alone would also turn up in the request hash: look for the numbers as written.)
    for secret in ("765 4321", "507654321", "kateryna", "insulin", "ground floor", "jan.nowak",
                   "601 234", "Długa", "Kateryna", "Melnyk", "speaks Ukrainian"):  # fmt: skip
        assert secret not in stored, secret


@pytest.mark.django_db
def test_each_create_operation_replays_its_own_object(key_a, household_a, org_a):
    offer = make_offer(org_a, beds=4)
    body = {"household": household_a.pk, "offer": offer.pk}
    first = call("post", "/api/v1/placements/", key_a, body, HTTP_IDEMPOTENCY_KEY="p-1")
    again = call("post", "/api/v1/placements/", key_a, body, HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert IdempotencyKey.objects.get(key="p-1").object_type == "housing.placement"
