"""The engine never breaks a hard rule or a capacity, is deterministic, is exact on
single-slot offers, and explains every outcome. No database needed."""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prytulak.matching.engine import (
    OPEN_END,
    UNMATCHED_REASONS,
    EngineInputError,
    Households,
    Offers,
    Policy,
    explain,
    solve,
    violations,
)
from prytulak.matching.synthetic import instance


@st.composite
def instances(draw):
    n = draw(st.integers(0, 40))
    m = draw(st.integers(0, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # a small region so that households and offers meet
    h = Households(
        size=rng.integers(1, 7, n), children=rng.random(n) < 0.5, single_woman=rng.random(n) < 0.2,
        pets=rng.integers(0, 2, n), step_free=rng.random(n) < 0.1, languages=rng.integers(0, 8, n),
        lat=rng.uniform(49, 53, n), lon=rng.uniform(14, 24, n), start=rng.integers(0, 30, n),
        nights=rng.integers(0, 120, n), priority=rng.integers(0, 4, n), waiting_days=rng.integers(0, 90, n),
    )  # fmt: skip
    beds = rng.integers(1, 9, m)
    start = rng.integers(0, 30, m)
    o = Offers(
        beds=beds, max_households=np.where(rng.random(m) < 0.2, rng.integers(1, 5, m), 1),
        lat=rng.uniform(49, 53, m), lon=rng.uniform(14, 24, m), start=start,
        end=np.where(rng.random(m) < 0.3, OPEN_END, start + rng.integers(0, 200, m)),
        pets=rng.random(m) < 0.5, children=rng.random(m) < 0.8, step_free=rng.random(m) < 0.3,
        languages=rng.integers(0, 8, m), verification=rng.integers(0, 3, m),
        single_male_host=rng.random(m) < 0.2,
    )  # fmt: skip
    policy = Policy(
        candidates=draw(st.integers(1, 30)), min_overlap=draw(st.sampled_from([0.5, 0.8, 1.0]))
    )
    return h, o, policy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(["optimise", "greedy"]))
def test_no_hard_rule_or_capacity_is_ever_broken(case, method):
    h, o, policy = case
    result = solve(h, o, policy, method=method)
    assert violations(h, o, result.offer, policy) == []
    # every household is either placed or has a reason
    assert np.all((result.offer >= 0) == (result.reason < 0))
    assert set(result.reason[result.reason >= 0].tolist()) <= set(range(len(UNMATCHED_REASONS)))


@settings(max_examples=40, deadline=None)
@given(instances())
def test_the_engine_is_deterministic(case):
    h, o, policy = case
    a, b = solve(h, o, policy), solve(h, o, policy)
    assert np.array_equal(a.offer, b.offer)
    assert np.array_equal(a.value, b.value)


@settings(max_examples=40, deadline=None)
@given(instances())
def test_single_slot_offers_do_at_least_as_well_as_the_exact_optimum_of_the_nearest(case):
    h, o, policy = case
    o = dataclasses.replace(o, max_households=np.ones(len(o), np.int32))
    optimised = solve(h, o, policy).total  # sees the nearest offers and more
    exact = solve(h, o, policy, method="exact").total  # over the nearest offers only
    assert optimised >= exact - 1e-9


def test_the_optimiser_beats_first_come_first_served_on_realistic_data():
    h, o = instance(1500, 1500, seed=3)
    greedy, best, exact = (solve(h, o, method=m) for m in ("greedy", "optimise", "exact"))
    assert best.total >= greedy.total * 1.10
    assert best.matched >= greedy.matched
    # The MILP over the nearest offers only is no longer the yardstick: the certificate is.
    assert exact.total <= best.total <= best.stats["bound"]
    assert violations(h, o, best.offer) == []


def test_a_household_larger_than_every_offer_gets_a_reason_not_a_crash():
    h, o = instance(50, 50, seed=1)
    h = dataclasses.replace(h, size=np.where(np.arange(50) == 0, 999, h.size))
    result = solve(h, o)
    assert result.offer[0] == -1
    assert UNMATCHED_REASONS[result.reason[0]] == "too_large"
    assert explain(h, o, result, 0) == {"matched": False, "reason": "too_large"}


def test_a_household_far_from_every_offer_is_told_so():
    h, o = instance(20, 20, seed=2)
    h = dataclasses.replace(h, lat=np.full(20, -33.9), lon=np.full(20, 18.4))  # Cape Town
    result = solve(h, o)
    assert result.matched == 0
    assert {UNMATCHED_REASONS[r] for r in result.reason} == {"no_offer_nearby"}


def test_safeguarding_keeps_children_away_from_unverified_or_single_male_hosts():
    h, o = instance(400, 400, seed=4)
    result = solve(h, o)
    placed = np.flatnonzero((result.offer >= 0) & (h.children | h.single_woman))
    assert placed.size > 0
    assert np.all(o.verification[result.offer[placed]] >= Policy().vulnerable_min_verification)
    assert not o.single_male_host[result.offer[placed]].any()


def test_explanations_give_the_facts_behind_a_proposal():
    h, o = instance(300, 300, seed=5)
    result = solve(h, o)
    i = int(np.flatnonzero(result.offer >= 0)[0])
    why = explain(h, o, result, i)
    assert why["matched"] and why["offer"] == result.offer[i]
    assert why["km"] == pytest.approx(result.distance_km[i]) and why["km"] <= Policy().max_km + 1e-3
    assert why["pets_ok"] and why["children_ok"]
    assert 0 < why["covers_share"] <= 1


def test_empty_sets_are_fine():
    h, o = instance(5, 5, seed=1)
    empty_h = Households(**{f.name: getattr(h, f.name)[:0] for f in dataclasses.fields(h)})
    empty_o = Offers(**{f.name: getattr(o, f.name)[:0] for f in dataclasses.fields(o)})
    assert solve(empty_h, o).matched == 0
    result = solve(h, empty_o)
    assert result.matched == 0 and {UNMATCHED_REASONS[r] for r in result.reason} <= {
        "too_large",
        "no_offer_nearby",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lat", np.nan, "coordinates are missing"),
        ("lon", 500.0, "coordinates are missing or out of range"),
        ("beds", -2, "beds must be at least 1"),
        ("max_households", 0, "max_households must be at least 1"),
        ("end", -5, "ends before it starts"),
    ],
)
def test_bad_offers_are_refused_with_a_clear_message(field, value, message):
    _h, o = instance(3, 3, seed=1)
    values = {f.name: getattr(o, f.name).copy() for f in dataclasses.fields(o)}
    values[field] = values[field].astype(float if field in ("lat", "lon") else values[field].dtype)
    values[field][1] = value
    with pytest.raises(EngineInputError, match=message):
        Offers(**values)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lat", np.inf, "coordinates"),
        ("size", 0, "size must be at least 1"),
        ("pets", -1, "must not be negative"),
    ],
)
def test_bad_households_are_refused_with_a_clear_message(field, value, message):
    h, _o = instance(3, 3, seed=1)
    values = {f.name: getattr(h, f.name).copy() for f in dataclasses.fields(h)}
    values[field][2] = value
    with pytest.raises(EngineInputError, match=message):
        Households(**values)


def test_arrays_of_different_lengths_are_refused():
    h, _o = instance(3, 3, seed=1)
    values = {f.name: getattr(h, f.name) for f in dataclasses.fields(h)}
    values["size"] = values["size"][:2]
    with pytest.raises(EngineInputError, match="differ in length"):
        Households(**values)


def test_the_engine_imports_no_django():
    import subprocess
    import sys

    code = "import sys, prytulak.matching.engine, prytulak.matching.synthetic; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _all_pairs_optimum(h, o, policy):
    """The exact MILP optimum over every feasible pair within reach (all offers looked at)."""
    from prytulak.matching.engine.candidates import candidate_edges
    from prytulak.matching.engine.scoring import edge_values
    from prytulak.matching.engine.solver import exact_milp

    everything = candidate_edges(h, o, dataclasses.replace(policy, candidates=max(len(o), 1)))
    _assigned, total, proven = exact_milp(h, o, everything, edge_values(h, o, everything, policy))
    assert proven
    return total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.booleans())
def test_the_certificate_bounds_the_optimum_over_every_feasible_pair(case, one_point):
    h, o, policy = case
    policy = dataclasses.replace(policy, candidates=min(policy.candidates, 4))
    if one_point:  # every household at one border crossing
        h = dataclasses.replace(h, lat=np.full(len(h), 49.79), lon=np.full(len(h), 22.95))
    result = solve(h, o, policy)
    best = _all_pairs_optimum(h, o, policy)
    assert result.stats["bound"] >= best - 1e-6 * max(1.0, best)
    assert result.total >= 0.99 * best - 1e-9
    assert violations(h, o, result.offer, policy) == []


def test_households_crowding_one_crossing_are_all_placed_when_beds_are_ample():
    h, o = instance(600, 600, seed=11)
    h = dataclasses.replace(h, lat=np.full(600, 49.79), lon=np.full(600, 22.95))  # Medyka
    policy = Policy(max_km=1500)
    baseline = solve(h, o, dataclasses.replace(policy, max_rounds=1), method="greedy")
    result = solve(h, o, policy)
    assert result.stats["gap"] <= 0.01
    assert result.matched >= 0.95 * len(h) > baseline.matched
    assert violations(h, o, result.offer, policy) == []


def test_no_household_stays_unplaced_while_a_free_offer_within_reach_fits_it():
    from prytulak.matching.engine.candidates import feasible
    from prytulak.matching.engine.leftovers import km_between, room_left

    h, o = instance(400, 300, seed=12, beds_scale=0.5)
    h = dataclasses.replace(h, lat=np.full(400, 50.47), lon=np.full(400, 23.41))  # Hrebenne
    policy = Policy(max_km=800)
    result = solve(h, o, policy)
    beds, slots = room_left(h, o, result.offer)
    for i in np.flatnonzero(result.offer < 0):
        free = np.flatnonzero((beds >= h.size[i]) & (slots > 0))
        hi = np.full(free.size, i)
        within = km_between(h, o, hi, free) <= policy.max_km
        assert not (feasible(h, o, hi, free, policy) & within).any()
        assert UNMATCHED_REASONS[result.reason[i]] != "no_offer_nearby"


def test_region_by_region_matching_copes_with_no_candidate_edges():
    """Found on a second pool run at 100k: every household left had no feasible offer."""
    from prytulak.matching.engine.candidates import Edges
    from prytulak.matching.engine.solver import optimise

    h, o = instance(30, 30, seed=3)
    o = dataclasses.replace(o, max_households=np.ones(30, np.int32))
    none = Edges(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32),
                 np.zeros(30, bool))  # fmt: skip
    assigned = optimise(h, o, none, np.zeros(0), per_region=5, workers=1)
    assert (assigned == -1).all()


def test_the_fill_goes_on_while_free_offers_that_fit_are_left():
    """Found on a second pool run at 100k: it placed 3,164 households the first had left."""
    from prytulak.matching.engine.leftovers import fill_free

    h, o = instance(300, 400, seed=13)
    one = np.ones(300, bool)
    h = dataclasses.replace(h, lat=np.full(300, 50.0), lon=np.full(300, 20.0), size=one,
                            children=~one, single_woman=~one, pets=~one, step_free=~one,
                            start=np.zeros(300), nights=np.full(300, 30))  # fmt: skip
    o = dataclasses.replace(o, max_households=np.ones(400, np.int32), start=np.zeros(400),
                            end=np.full(400, OPEN_END), beds=np.full(400, 2))  # fmt: skip
    assigned, _edges = fill_free(h, o, Policy(max_km=2000), np.full(300, -1))
    assert (assigned >= 0).all()
    assert violations(h, o, assigned, Policy(max_km=2000)) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.booleans())
def test_the_column_generation_certificate_bounds_the_optimum_over_every_feasible_pair(
    case, one_point
):
    """The same, through the path that runs from 10k households (LP with column generation,
    priced exactly over every pair within reach), forced on small instances."""
    from unittest import mock

    import prytulak.matching.engine as engine

    h, o, policy = case
    policy = dataclasses.replace(policy, candidates=min(policy.candidates, 4))
    if one_point:  # every household at one border crossing
        h = dataclasses.replace(h, lat=np.full(len(h), 49.79), lon=np.full(len(h), 22.95))
    with mock.patch.object(engine, "ALL_PAIRS", 0):
        result = solve(h, o, policy)
    best = _all_pairs_optimum(h, o, policy)
    if len(h) and len(o):
        assert "lp_s" in result.stats  # the column generation ran, not the small path
    assert result.stats["bound"] >= best - 1e-6 * max(1.0, best)
    # No 1 % promise on the value here: on a few dozen households the integer optimum may
    # use pairs the LP never needed (found: 1.3 % below); tiny runs take the small path.
    assert violations(h, o, result.offer, policy) == []
