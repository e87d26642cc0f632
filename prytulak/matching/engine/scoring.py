"""How good a placement is. Values are per person, so large families are not penalised
for needing more beds (measured: "+1 per household" packs small households first)."""

from __future__ import annotations

import numpy as np

from .candidates import Edges
from .data import Households, Offers, Policy


def popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint32)
    x = x - ((x >> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    return ((((x + (x >> 4)) & 0x0F0F0F0F) * 0x01010101) & 0xFFFFFFFF) >> 24


def components(h: Households, o: Offers, e: Edges, policy: Policy) -> dict[str, np.ndarray]:
    """The parts of each edge's quality, each in [0, 1], kept for explanations."""
    hi, oi = e.household, e.offer
    distance = np.exp(-e.km / policy.distance_scale_km)
    language = (popcount(h.languages[hi] & o.languages[oi]) > 0).astype(np.float32)
    start = h.start[hi].astype(np.int64)
    nights = np.maximum(h.nights[hi], 1).astype(np.int64)
    covered = np.minimum(start + nights, o.end[oi].astype(np.int64) + 1) - np.maximum(
        start, o.start[oi]
    )
    duration = np.clip(covered / nights, 0, 1)
    return {"distance": distance, "language": language, "duration": duration}


def urgency(h: Households, policy: Policy) -> np.ndarray:
    weeks = np.minimum(h.waiting_days / 7.0, 15)
    return 1 + policy.priority_bonus * h.priority + policy.waiting_bonus_per_week * weeks


def edge_values(h: Households, o: Offers, e: Edges, policy: Policy) -> np.ndarray:
    """value = people × urgency × (1 + quality); placing anyone beats placing no one."""
    c = components(h, o, e, policy)
    quality = (
        policy.w_distance * c["distance"]
        + policy.w_language * c["language"]
        + policy.w_duration * c["duration"]
    )
    return (h.size[e.household] * urgency(h, policy)[e.household] * (1 + quality)).astype(
        np.float64
    )
