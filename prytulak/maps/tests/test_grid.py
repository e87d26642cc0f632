"""The aggregation itself, without Django: counts are kept, precision is bounded."""

import ast
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


@settings(max_examples=60, deadline=None)
@given(box=boxes, public=st.booleans())
def test_cells_hold_every_selected_offer_and_sit_on_their_grid(box, public):
    west, south, width, height, zoom = box
    q = grid.Query(west=west, south=south, east=west + width, north=south + height, zoom=zoom)
    level = grid.PUBLIC if public else grid.Level("staff", min_cell=0.05)
    cols = columns(3000)
    data = grid.aggregate(cols, q, level)
    assert data["kind"] == "cells" and data["cell"] >= level.min_cell
    assert len(data["cells"]) <= grid.MAX_CELLS
    assert sum(c[2] for c in data["cells"]) == data["offers"] == int(grid.select(cols, q).sum())
    for lat, lon, _count, _beds in data["cells"]:
        for value in (lat, lon):  # a cell's centre, to the 6 decimals the answer carries
            k = round(value / data["cell"] - 0.5)
            assert abs(value - (k + 0.5) * data["cell"]) <= 1e-6


def test_points_are_snapped_and_capped():
    cols = columns(500)
    q = grid.Query(west=-10, south=35, east=40, north=70, zoom=12)
    data = grid.aggregate(cols, q, grid.Level("staff", 0.05, point_snap=0.01, point_limit=1000))
    assert data["kind"] == "points" and len(data["points"]) == 500
    for _id, lat, lon, _beds, _flags in data["points"]:
        assert abs(lat * 100 - round(lat * 100)) < 1e-6 and abs(lon * 100 - round(lon * 100)) < 1e-6
    capped = grid.aggregate(cols, q, grid.Level("staff", 0.05, point_snap=0.01, point_limit=10))
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
