import numpy as np

from prytulak.matching.engine import Households, Offers, Policy, solve
from prytulak.matching.engine.data import OPEN_END


def test_a_crowd_whose_nearest_offers_do_not_fit_its_dates_is_placed_farther_out():
    """600 single adults at Medyka, none yet placed. The 1,500 offers nearest to the crossing
    end before the families' stay begins; 700 offers farther out (still within reach) fit.
    Every family must be placed: found on the 100k demo, where 6,785 families were left
    "dates" while free offers that fit stood within reach."""
    rng = np.random.default_rng(5)
    n, near, far = 600, 1500, 700
    m = near + far
    h = Households(
        size=np.ones(n, int), children=np.zeros(n, bool), single_woman=np.zeros(n, bool),
        pets=np.zeros(n, int), step_free=np.zeros(n, bool), languages=np.ones(n, int),
        lat=np.full(n, 49.80), lon=np.full(n, 22.93), start=np.full(n, 100),
        nights=np.full(n, 30), priority=np.zeros(n, int), waiting_days=np.zeros(n, int),
    )  # fmt: skip
    # near offers within ~150 km of Medyka, far ones 300-600 km away
    angle = rng.uniform(0, 2 * np.pi, m)
    km = np.r_[rng.uniform(5, 150, near), rng.uniform(300, 600, far)]
    lat = 49.80 + km / 111 * np.sin(angle)
    lon = 22.93 + km / (111 * np.cos(np.radians(49.8))) * np.cos(angle)
    o = Offers(
        beds=np.full(m, 2), max_households=np.ones(m, int), lat=lat, lon=lon,
        start=np.zeros(m, int), end=np.r_[np.full(near, 50), np.full(far, OPEN_END)],
        pets=np.ones(m, bool), children=np.ones(m, bool), step_free=np.ones(m, bool),
        languages=np.ones(m, int), verification=np.full(m, 2), single_male_host=np.zeros(m, bool),
    )  # fmt: skip
    result = solve(h, o, Policy(max_km=800))
    assert (result.offer >= 0).sum() == n
    assert (result.offer >= near).all()  # only the offers whose dates fit were used
