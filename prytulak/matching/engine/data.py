"""Engine input and output: plain NumPy arrays, no Django.

Days are integers (days since any fixed epoch); languages are bit masks (bit i = language i
of a list the caller chooses); coordinates are degrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

OPEN_END = np.iinfo(np.int32).max  # an offer with no end date


class EngineInputError(ValueError):
    """The input cannot be matched as given; the message says which field and why."""


def _arr(values, dtype) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(values, dtype=dtype))


@dataclass
class Households:
    """One row per household. `target_*` is where they should be placed near: the preferred
    region when they named one, otherwise the arrival point."""

    size: np.ndarray  # people
    children: np.ndarray  # bool: any member under 18
    single_woman: np.ndarray  # bool: the only adult is a woman (UNHCR safeguarding)
    pets: np.ndarray  # number of pets
    step_free: np.ndarray  # bool: needs step-free access
    languages: np.ndarray  # uint32 bit mask
    lat: np.ndarray
    lon: np.ndarray
    start: np.ndarray  # first night needed
    nights: np.ndarray  # nights needed
    priority: np.ndarray  # 0 normal .. 3 most urgent
    waiting_days: np.ndarray

    def __post_init__(self) -> None:
        for f, dtype in _HOUSEHOLD_TYPES.items():
            setattr(self, f, _arr(getattr(self, f), dtype))
        _check_lengths(self, "households")
        _check_coordinates(self.lat, self.lon, "household")
        _check_nonnegative(self, ["pets", "nights", "priority", "waiting_days"], "household")
        bad = np.flatnonzero(self.size < 1)
        if bad.size:
            raise EngineInputError(
                f"household {bad[0]}: size must be at least 1, got {self.size[bad[0]]}"
            )

    def __len__(self) -> int:
        return int(self.size.shape[0])

    @property
    def vulnerable(self) -> np.ndarray:
        return self.children | self.single_woman


@dataclass
class Offers:
    beds: np.ndarray
    max_households: np.ndarray  # 1 for a private home; >1 for collective centres
    lat: np.ndarray
    lon: np.ndarray
    start: np.ndarray
    end: np.ndarray  # last night available, OPEN_END when open-ended
    pets: np.ndarray  # bool: accepts pets
    children: np.ndarray  # bool: accepts children
    step_free: np.ndarray  # bool
    languages: np.ndarray  # uint32 bit mask
    verification: np.ndarray  # 0 e-mail .. 2 home visit / references
    single_male_host: np.ndarray  # bool: a man living alone

    def __post_init__(self) -> None:
        for f, dtype in _OFFER_TYPES.items():
            setattr(self, f, _arr(getattr(self, f), dtype))
        _check_lengths(self, "offers")
        _check_coordinates(self.lat, self.lon, "offer")
        for name in ("beds", "max_households"):
            bad = np.flatnonzero(getattr(self, name) < 1)
            if bad.size:
                raise EngineInputError(
                    f"offer {bad[0]}: {name} must be at least 1, got {getattr(self, name)[bad[0]]}"
                )
        bad = np.flatnonzero(self.end < self.start)
        if bad.size:
            raise EngineInputError(f"offer {bad[0]}: ends before it starts")

    def __len__(self) -> int:
        return int(self.beds.shape[0])


_HOUSEHOLD_TYPES = {
    "size": np.int32, "children": bool, "single_woman": bool, "pets": np.int32,
    "step_free": bool, "languages": np.uint32, "lat": np.float64, "lon": np.float64,
    "start": np.int32, "nights": np.int32, "priority": np.int32, "waiting_days": np.int32,
}  # fmt: skip
_OFFER_TYPES = {
    "beds": np.int32, "max_households": np.int32, "lat": np.float64, "lon": np.float64,
    "start": np.int32, "end": np.int32, "pets": bool, "children": bool, "step_free": bool,
    "languages": np.uint32, "verification": np.int32, "single_male_host": bool,
}  # fmt: skip


def _check_lengths(obj, what: str) -> None:
    lengths = {f.name: len(getattr(obj, f.name)) for f in fields(obj)}
    if len(set(lengths.values())) > 1:
        raise EngineInputError(f"{what}: arrays differ in length: {lengths}")


def _check_coordinates(lat: np.ndarray, lon: np.ndarray, what: str) -> None:
    bad = np.flatnonzero(
        ~np.isfinite(lat) | ~np.isfinite(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    )
    if bad.size:
        raise EngineInputError(
            f"{what} {bad[0]}: coordinates are missing or out of range ({lat[bad[0]]}, {lon[bad[0]]})"
        )


def _check_nonnegative(obj, names: list[str], what: str) -> None:
    for name in names:
        bad = np.flatnonzero(getattr(obj, name) < 0)
        if bad.size:
            raise EngineInputError(f"{what} {bad[0]}: {name} must not be negative")


@dataclass
class Policy:
    """Hard rules and weights. Safeguarding follows UNHCR's April 2022 advice."""

    max_km: float = 400.0
    candidates: int = 24  # nearest offers considered per household
    min_overlap: float = 0.8  # share of the nights needed the offer must cover
    vulnerable_min_verification: int = 1  # children / single women: identity checked at least
    no_single_male_host_for_vulnerable: bool = True
    distance_scale_km: float = 80.0
    w_distance: float = 0.5
    w_language: float = 0.3
    w_duration: float = 0.2
    priority_bonus: float = 0.15  # per priority step
    waiting_bonus_per_week: float = 0.02
    # Candidates grow (column generation) until the certificate's gap is this small.
    target_gap: float = 0.005
    max_rounds: int = 5


# Reasons a household may stay unmatched (codes; the Django side translates them).
UNMATCHED_REASONS = (
    "too_large",  # larger than every offer
    "no_offer_nearby",  # nothing within max_km
    "capacity",  # every offer within reach is full
    # free offers within reach, but the rule they break most often is:
    "beds",  # too few beds left
    "pets",
    "children",
    "step_free",
    "safeguarding",  # host not verified enough, or a man living alone
    "dates",  # does not cover enough of the stay
)


@dataclass
class Result:
    offer: np.ndarray  # per household: offer index, or -1
    value: np.ndarray  # per household: the assignment's value (0 if unmatched)
    distance_km: np.ndarray  # per household (nan if unmatched)
    reason: np.ndarray  # per household: index into UNMATCHED_REASONS, -1 if matched
    stats: dict = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return int((self.offer >= 0).sum())

    @property
    def total(self) -> float:
        return float(self.value.sum())
