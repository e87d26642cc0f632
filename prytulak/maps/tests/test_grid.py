"""The aggregation itself, without Django: counts are kept, precision is bounded."""

import ast
import json
import math
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from prytulak.maps import grid


def columns(n: int, seed: int = 0) -> grid.Columns:
    rng = np.random.default_rng(seed)
    return grid.Columns(
        id=np.arange(n, dtype=np.int64),
        lat=rng.uniform(35, 70, n),
        lon=rng.uniform(-10, 40, n),
        beds=rng.integers(1, 7, n).astype(np.int16),
        flags=rng.integers(0, 16, n).astype(np.uint8),
        start=rng.integers(20000, 20100, n).astype(np.int32),
        end=np.where(rng.random(n) < 0.3, grid.OPEN_END, rng.integers(20100, 20400, n)).astype(
            np.int32
        ),
        country=rng.integers(0, 3, n).astype(np.uint16),
        countries=["DE", "PL", "SK"],
    )


boxes = st.tuples(
    st.floats(-20, 30), st.floats(30, 60), st.floats(1, 60), st.floats(1, 30), st.integers(0, 18)
)


# A level without banding on a power-of-two grid, so the test's own arithmetic is exact.
FINE = grid.Level("fine", min_cell=0.0625, quantum=0.0625)


@settings(max_examples=60, deadline=None)
@given(box=boxes, public=st.booleans())
def test_cells_hold_every_offer_of_the_cells_the_box_touches_and_sit_on_their_grid(box, public):
    west, south, width, height, zoom = box
    q = grid.Query(west=west, south=south, east=west + width, north=south + height, zoom=zoom)
    level = grid.PUBLIC if public else FINE
    cols = columns(3000)
    data = grid.aggregate(cols, q, level)
    size = data["cell"]
    assert data["kind"] == "cells" and size >= level.min_cell
    assert len(data["cells"]) <= grid.MAX_CELLS
    # The box is widened to the whole cells it touches.
    rows, columns_ = np.floor(cols.lat / size), np.floor(cols.lon / size)
    touched = (rows >= math.floor(q.south / size)) & (rows <= math.floor(q.north / size))
    touched &= (columns_ >= math.floor(q.west / size)) & (columns_ <= math.floor(q.east / size))
    truth = int((touched & grid.select(cols, q)).sum())
    assert sum(c[2] for c in data["cells"]) == data["offers"]
    assert sum(c[4] for c in data["cells"]) == data["few"]
    if public:  # each banded base cell holds one or two offers
        assert data["offers"] + data["few"] <= truth <= data["offers"] + 2 * data["few"]
    else:
        assert data["few"] == 0 and data["offers"] == truth
    for lat, lon, _count, _beds, _few in data["cells"]:
        for value in (lat, lon):  # a cell's centre, to the 6 decimals the answer carries
            k = round(value / size - 0.5)
            assert abs(value - (k + 0.5) * size) <= 1e-6


def test_points_are_snapped_and_capped():
    cols = columns(500)
    q = grid.Query(west=-10, south=35, east=40, north=70, zoom=12)
    staff = grid.Level("staff", 0.05, quantum=0.01, centred=True, point_limit=1000)
    data = grid.aggregate(cols, q, staff)
    assert data["kind"] == "points" and len(data["points"]) == 500
    for _id, lat, lon, _beds, _flags in data["points"]:
        assert abs(lat * 100 - round(lat * 100)) < 1e-6 and abs(lon * 100 - round(lon * 100)) < 1e-6
    capped = grid.aggregate(cols, q, grid.Level("staff", 0.05, 0.01, centred=True, point_limit=10))
    assert capped["kind"] == "cells"


def test_filters_select_what_they_say():
    cols = columns(2000, seed=3)
    everything = grid.Query(west=-10, south=35, east=40, north=70, zoom=4)
    q = grid.Query(**{**everything.__dict__, "pets": True, "min_beds": 3, "country": "PL"})
    mask = grid.select(cols, q)
    assert mask.sum() > 0
    assert np.all(cols.flags[mask] & grid.PETS) and np.all(cols.beds[mask] >= 3)
    assert set(cols.country[mask]) == {1}
    expected = (cols.flags & grid.PETS > 0) & (cols.beds >= 3) & (cols.country == 1)
    assert mask.sum() == expected.sum()
    unknown = grid.Query(**{**everything.__dict__, "country": "FR"})
    assert grid.select(cols, unknown).sum() == 0
    day = grid.Query(**{**everything.__dict__, "day": 20050})
    chosen = grid.select(cols, day)
    assert np.all(cols.start[chosen] <= 20050) and np.all(cols.end[chosen] >= 20050)


def test_the_grid_module_does_not_import_django():
    tree = ast.parse(Path(grid.__file__).read_text())
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in getattr(node, "names", [])
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.startswith("django")]


# The attacks of the security review, on the aggregation itself.


def _lone_offer(lat: float, lon: float, more: grid.Columns | None = None) -> grid.Columns:
    """`more` plus one offer at (lat, lon)."""
    more = more or grid.Columns.empty()
    extra = len(more) + 1000
    return grid.Columns(
        id=np.append(more.id, extra).astype(np.int64),
        lat=np.append(more.lat, lat),
        lon=np.append(more.lon, lon),
        beds=np.append(more.beds, 2).astype(np.int16),
        flags=np.append(more.flags, 0).astype(np.uint8),
        start=np.append(more.start, 20000).astype(np.int32),
        end=np.append(more.end, grid.OPEN_END).astype(np.int32),
        country=np.append(more.country, 0).astype(np.uint16),
        countries=more.countries or ["DE", "PL", "SK"],
    )


def _away_from(cols: grid.Columns, lat: float, lon: float, degrees: float) -> grid.Columns:
    """`cols` without the offers within `degrees` of (lat, lon)."""
    keep = (np.abs(cols.lat - lat) > degrees) | (np.abs(cols.lon - lon) > degrees)
    arrays = {name: getattr(cols, name)[keep] for name in ARRAYS}
    return grid.Columns(**arrays, countries=cols.countries)


ARRAYS = ["id", "lat", "lon", "beds", "flags", "start", "end", "country"]


def _answer(cols: grid.Columns, q: grid.Query, level: grid.Level = grid.PUBLIC) -> str:
    return json.dumps(grid.aggregate(cols, q, level), sort_keys=True)


def _same_base_cell(value: float, fraction: float) -> float:
    """Another value in the same 0.25° base cell as `value`."""
    return (math.floor(value / 0.25) + fraction) * 0.25


@settings(max_examples=80, deadline=None)
@given(
    box=boxes,
    fractions=st.lists(st.floats(0, 0.999), min_size=4, max_size=4),
)
def test_two_boxes_touching_the_same_base_cells_answer_exactly_alike(box, fractions):
    west, south, width, height, zoom = box
    q = grid.Query(west=west, south=south, east=west + width, north=south + height, zoom=zoom)
    moved = grid.Query(
        west=_same_base_cell(q.west, fractions[0]),
        south=_same_base_cell(q.south, fractions[1]),
        east=_same_base_cell(q.east, fractions[2]),
        north=_same_base_cell(q.north, fractions[3]),
        zoom=zoom,
    )
    cols = columns(3000, seed=5)
    assert _answer(cols, q) == _answer(cols, moved)


def test_an_edge_moved_across_an_offer_inside_its_base_cell_changes_nothing():
    cols = _lone_offer(50.123456, 19.9372)
    below = grid.Query(west=19, south=50.01, east=21, north=52, zoom=9)
    above = grid.Query(west=19, south=50.2, east=21, north=52, zoom=9)
    assert _answer(cols, below) == _answer(cols, above)


def test_cells_of_every_zoom_nest_on_the_levels_smallest_cells():
    """Cells of 45/2^zoom degrees would overlap the 0.25° ones and, intersected, pin an offer
    to 1/128°; powers of two of the smallest cell only ever split or join whole cells."""
    for level in (grid.PUBLIC, grid.STAFF):
        for zoom in range(19):
            for width in (0.1, 2, 30, 120, 360):
                q = grid.Query(west=-180, south=-80, east=-180 + width, north=80, zoom=zoom)
                ratio = grid.cell_size(q, level) / level.min_cell
                assert math.isclose(ratio, 2 ** round(math.log2(ratio))), (level, zoom, width)


def _bisect(visible, inside: float, outside: float, steps: int = 60) -> tuple[float, float]:
    """The attacker's binary search between an edge that shows the offer and one that does
    not; returns the final (showing, not showing) pair."""
    for _ in range(steps):
        middle = (inside + outside) / 2
        if visible(middle):
            inside = middle
        else:
            outside = middle
    return inside, outside


def test_halving_the_box_never_pins_an_offer_finer_than_its_base_cell():
    lat = 50.123456
    cols = _lone_offer(lat, 19.9372, _away_from(columns(3000, seed=9), lat, 20, 3))

    def shown(south: float, north: float) -> bool:
        q = grid.Query(west=19.5, south=south, east=20.5, north=north, zoom=12)
        data = grid.aggregate(cols, q, grid.PUBLIC)
        return data["offers"] + data.get("few", 0) > 0  # "few": absent from the old answers

    # Raise the southern edge until the offer disappears, lower the northern one likewise.
    _, above = _bisect(lambda south: shown(south, 51), inside=49.5, outside=51)
    _, below = _bisect(lambda north: shown(49.5, north), inside=51, outside=49.5)
    assert below <= lat < above
    assert above - below >= 0.25 - 1e-9  # all the attacker learns is the base cell
    assert math.isclose(below, 50.0, abs_tol=1e-9) and math.isclose(above, 50.25, abs_tol=1e-9)


def test_staff_boxes_never_pin_an_offer_finer_than_the_staff_snap():
    lat = 50.0612
    cols = _lone_offer(lat, 19.9372)

    def shown(south: float, north: float) -> bool:
        q = grid.Query(west=19.5, south=south, east=20.5, north=north, zoom=12)
        return grid.aggregate(cols, q, grid.STAFF)["offers"] > 0

    _, above = _bisect(lambda south: shown(south, 51), inside=49.5, outside=51)
    _, below = _bisect(lambda north: shown(49.5, north), inside=51, outside=49.5)
    assert below <= lat < above
    assert above - below >= 0.01 - 1e-9
    # The offer's snapped position (50.06) sits inside the interval, as the points show it.
    assert below <= 50.06 < above


@settings(max_examples=40, deadline=None)
@given(box=boxes, seed=st.integers(0, 1000))
def test_a_base_cell_with_one_offer_answers_exactly_like_one_with_two(box, seed):
    west, south, width, height, zoom = box
    q = grid.Query(west=west, south=south, east=west + width, north=south + height, zoom=zoom)
    cols = _away_from(columns(400, seed=seed), 48.1, 11.6, 1)
    # An offer in a base cell of its own, then a second one beside it (other beds, flags).
    alone = _lone_offer(48.1, 11.6, cols)
    two = _lone_offer(48.2, 11.7, alone)
    two.beds[-1], two.flags[-1] = 6, grid.PETS
    assert _answer(alone, q) == _answer(two, q)
    filtered = grid.Query(**{**q.__dict__, "min_beds": 2})
    assert _answer(alone, filtered) == _answer(two, filtered)


def test_a_third_offer_makes_the_count_exact():
    two = _lone_offer(48.2, 11.7, _lone_offer(48.1, 11.6))
    three = _lone_offer(48.15, 11.65, two)
    q = grid.Query(west=11, south=48, east=12, north=49, zoom=10)
    assert grid.aggregate(two, q, grid.PUBLIC)["cells"] == [[48.125, 11.625, 0, 0, 1]]
    assert grid.aggregate(three, q, grid.PUBLIC)["cells"] == [[48.125, 11.625, 3, 6, 0]]


def test_the_sorted_count_for_very_large_boxes_answers_like_the_dense_one(monkeypatch):
    cols = columns(5000, seed=2)
    queries = [
        grid.Query(west=-25, south=34, east=45, north=72, zoom=z, pets=z % 2 == 0)
        for z in (2, 4, 7, 10)
    ]
    dense = [_answer(cols, q) for q in queries]
    monkeypatch.setattr(grid, "DENSE_LIMIT", 0)
    assert [_answer(cols, q) for q in queries] == dense
