"""Exact pricing over every pair within reach, and the auction prototype (not yet used by
`solve`; see docs/benchmarks.md, "Towards a 1 % certificate")."""

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings

from prytulak.matching.engine import Policy, violations
from prytulak.matching.engine.auction import auction, auction_priced_centres
from prytulak.matching.engine.candidates import candidate_edges
from prytulak.matching.engine.certificate import capacity, lp_prices
from prytulak.matching.engine.pricing import best_reduced
from prytulak.matching.engine.scoring import edge_values
from prytulak.matching.engine.solver import total_value
from prytulak.matching.synthetic import instance

from .test_engine import _all_pairs_optimum, instances


def _every_pair(h, o, policy):
    e = candidate_edges(h, o, policy, np.full(len(h), max(len(o), 1), np.int64), pools=False)
    return e, edge_values(h, o, e, policy)


def _bound(h, o, policy, price):
    best, _arg, capped = best_reduced(h, o, policy, price)
    return float(np.maximum(best, 0).sum() + price @ capacity(o)), capped


def test_at_the_lp_prices_exact_pricing_gives_the_lp_optimum_over_every_pair():
    h, o = instance(300, 300, seed=5, concentrated=True)
    policy = Policy(max_km=800.0)
    e, values = _every_pair(h, o, policy)
    price, _x, lp = lp_prices(h, o, e, values)
    bound, capped = _bound(h, o, policy, price)
    assert capped == 0
    assert abs(bound - lp) <= 1e-6 * lp  # the Lagrangian at the LP duals is the LP optimum


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_for_any_prices_exact_pricing_bounds_the_exact_optimum(case):
    h, o, policy = case
    rng = np.random.default_rng(len(h) * 1000 + len(o))
    price = np.where(rng.random(len(o)) < 0.5, 0.0, rng.uniform(0, 5, len(o)))
    best = _all_pairs_optimum(h, o, policy)
    bound, _capped = _bound(h, o, policy, price)
    assert bound >= best - 1e-6 * max(1.0, best)


def test_the_auction_is_within_n_epsilon_of_the_optimum_on_private_homes():
    h, o = instance(400, 400, seed=3, concentrated=True)
    o = dataclasses.replace(o, max_households=np.ones(len(o), np.int32))
    policy = Policy(max_km=800.0)
    e = candidate_edges(h, o, policy)
    values = edge_values(h, o, e, policy)
    state = auction(h, o, e, values)
    _price, _x, lp = lp_prices(h, o, e, values)  # one household per offer: the LP is integral
    total = total_value(h, o, e, values, state.assigned)
    assert lp - len(h) * state.eps - 1e-6 <= total <= lp + 1e-6
    assert violations(h, o, state.assigned, policy) == []
    # offers nobody holds cost nothing; that is what makes the prices a certificate
    held = np.zeros(len(o), bool)
    held[state.assigned[state.assigned >= 0]] = True
    assert (state.price[~held] == 0).all()


def test_the_auction_with_collective_centres_breaks_no_rule():
    h, o = instance(400, 400, seed=4, concentrated=True)
    policy = Policy(max_km=800.0)
    e = candidate_edges(h, o, policy)
    values = edge_values(h, o, e, policy)
    state = auction_priced_centres(h, o, e, values)
    assert violations(h, o, state.assigned, policy) == []
    _price, _x, lp = lp_prices(h, o, e, values)
    assert total_value(h, o, e, values, state.assigned) >= 0.97 * lp


def _direct(h, o, policy, price):
    """Per household, the best reduced value over every feasible pair within reach, by brute
    force (-inf without any)."""
    from prytulak.matching.engine.certificate import price_of_edges

    e, values = _every_pair(h, o, policy)
    out = np.full(len(h), -np.inf)
    np.maximum.at(out, e.household, values - price_of_edges(h, o, e, price))
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_split_pricing_is_exact(case):
    from prytulak.matching.engine.pricing import best_reduced_split

    h, o, policy = case
    rng = np.random.default_rng(len(h) * 1000 + len(o))
    price = np.where(rng.random(len(o)) < 0.5, 0.0, rng.uniform(0, 5, len(o)))
    want = _direct(h, o, policy, price)
    got, arg, _capped = best_reduced_split(h, o, policy, price)
    np.testing.assert_allclose(
        np.maximum(got, 0), np.maximum(want, 0), rtol=1e-6, atol=1e-9
    )  # float32 distances
    assert ((arg >= 0) == np.isfinite(got)).all()


def test_pricing_that_looks_at_every_offer_is_exact():
    """300 households at as many points against 300 offers: past 300 / BRUTE offers the scan
    looks at every offer (no k-nearest queries); the result must not change."""
    from prytulak.matching.engine import pricing

    h, o = instance(300, 300, seed=9)
    policy = Policy(max_km=800.0)
    rng = np.random.default_rng(3)
    price = np.where(rng.random(len(o)) < 0.4, 0.0, rng.uniform(0, 8, len(o)))
    want = _direct(h, o, policy, price)
    assert len(np.unique(np.column_stack([h.lat, h.lon]), axis=0)) > pricing.BRUTE_POINTS
    for found in (
        best_reduced(h, o, policy, price),
        pricing.best_reduced_split(h, o, policy, price),
    ):
        got = found[0]
        np.testing.assert_allclose(
            np.maximum(got, 0), np.maximum(want, 0), rtol=1e-6, atol=1e-9
        )  # float32 distances
