"""Locust users for `make load` (scripts/load.py starts the production profile and runs this).

A realistic mix on loopback: the public (intake posts, the map at mixed zooms), staff in the
browser (household lists, detail pages, search, offers) and partner systems on the API (reads
and writes). Every accepted intake is written to LOAD_ACCEPTED_FILE so the script can check
afterwards that each one is in the database.

Environment: LOAD_RUN_ID (marks this run's records), LOAD_ACCEPTED_FILE, LOAD_API_KEY,
LOAD_STAFF_USER, LOAD_STAFF_PASSWORD.

The users are locust's FastHttpUser (geventhttpclient): locust runs on the same two cores as the
stack it measures, and this client spends a fraction of the CPU per request that the
requests-based HttpUser does. Like a browser, it keeps cookies and asks for gzip.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import re
import threading
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

RUN_ID = os.environ.get("LOAD_RUN_ID", "manual")
ACCEPTED_FILE = os.environ.get("LOAD_ACCEPTED_FILE", "")
API_KEY = os.environ.get("LOAD_API_KEY", "")
STAFF_USER = os.environ.get("LOAD_STAFF_USER", "byhelp-coordinator")
STAFF_PASSWORD = os.environ.get("LOAD_STAFF_PASSWORD", "prytulak-demo")
_counter = itertools.count(1)
_lock = threading.Lock()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Boxes from a country down to a town, as the map asks for them at each zoom.
VIEWS = [
    ("-25,34,45,72", 4),
    ("14,49,24,55", 6),
    ("19,49.5,23,51.5", 8),
    ("21.8,49.6,23.2,50.3", 10),
    ("19.8,49.9,20.1,50.15", 12),
]
PLACES = ["Przemyśl", "Chełm", "Medyka", "Kraków", "Warszawa", "Vilnius"]


def _accepted(name: str) -> None:
    if ACCEPTED_FILE:
        with _lock, open(ACCEPTED_FILE, "a", encoding="utf-8") as f:
            f.write(name + "\n")


class Public(FastHttpUser):
    """Someone fleeing or a host: the map, and now and then the "We need a place" form."""

    weight = 6
    wait_time = between(1, 4)

    @task(5)
    def map_offers(self) -> None:
        bbox, zoom = random.choice(VIEWS)
        self.client.get(f"/api/map/offers/?bbox={bbox}&zoom={zoom}", name="map offers")

    @task(1)
    def intake(self) -> None:
        page = self.client.get("/en/need/", name="intake form")
        token = TOKEN.search(page.text)
        if token is None:
            return
        name = f"Load {RUN_ID} {next(_counter)}"
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "women": "1",
            "children": "1",
            "men": "0",
            "infants": "0",
            "teens": "0",
            "seniors": "0",
            "lead_name": name,
            "phone": "",
            "email": f"load-{RUN_ID}-{random.randrange(10**9)}@example.org",
            "languages": ["uk"],
            "arrival_place": random.choice(PLACES),
            "arrival_date": datetime.date.today().isoformat(),
            "preferred_countries": ["PL"],
            "preferred_cities": "",
            "pets": "0",
            "pet_notes": "",
            "needs": "",
            "notes": "",
            "consent": "on",
            "website": "",
        }
        with self.client.post(
            "/en/need/",
            data=urlencode(data, doseq=True),
            headers=FORM,
            name="intake post",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/need/thanks/" in response.headers.get(
                "Location", ""
            ):
                _accepted(name)
                response.success()
            else:
                response.failure(f"not accepted: {response.status_code}")


class Staff(FastHttpUser):
    """A coordinator at work: lists, a household, a search, the offers."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        page = self.client.get("/en/accounts/login/", name="login form")
        token = TOKEN.search(page.text)
        self.client.post(
            "/en/accounts/login/",
            data=urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "username": STAFF_USER,
                    "password": STAFF_PASSWORD,
                }
            ),
            headers=FORM,
            name="login",
        )
        self.ids: list[str] = []

    @task(3)
    def households(self) -> None:
        page = self.client.get("/en/staff/households/", name="staff household list")
        self.ids = re.findall(r"/staff/households/(\d+)/", page.text)[:20] or self.ids

    @task(3)
    def household(self) -> None:
        if self.ids:
            pk = random.choice(self.ids)
            self.client.get(f"/en/staff/households/{pk}/", name="staff household detail")

    @task(2)
    def search(self) -> None:
        q = random.choice(["Olena", "Kov", "+380", "Iryna", "Load"])
        self.client.get(f"/en/staff/households/?q={q}", name="staff search")

    @task(2)
    def offers(self) -> None:
        self.client.get("/en/staff/offers/", name="staff offer list")


class Api(FastHttpUser):
    """A partner's system on the JSON API: mostly reads, some registrations."""

    weight = 2
    wait_time = between(1, 3)
    default_headers = {"Authorization": f"Bearer {API_KEY}"}

    @task(4)
    def offers(self) -> None:
        self.client.get("/api/v1/offers/", name="api offers")

    @task(3)
    def households(self) -> None:
        self.client.get("/api/v1/households/", name="api households")

    @task(1)
    def register(self) -> None:
        body = {
            "lead_name": f"Load {RUN_ID} api {next(_counter)}",
            "email": f"api-{RUN_ID}-{random.randrange(10**9)}@example.org",
            "languages": ["uk"],
            "arrival_place": random.choice(PLACES),
            "arrival_date": datetime.date.today().isoformat(),
            "people": {"women": 1, "children": 2},
        }
        with self.client.post(
            "/api/v1/households/", json=body, name="api register", catch_response=True
        ) as response:
            if response.status_code == 201:
                _accepted(body["lead_name"])
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
