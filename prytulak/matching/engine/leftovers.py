"""After the optimiser: households still unplaced go to any free offer within reach that
passes every rule (best value among the nearest free ones), and those still unplaced get the
reason that is true: every offer within reach is full, or which rule the free ones break."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy.spatial import cKDTree

from .candidates import Edges, chord_to_km, feasible, gives, km_to_chord, needs, unit_vectors
from .data import UNMATCHED_REASONS, Households, Offers, Policy
from .scoring import edge_values

CODE = {r: i for i, r in enumerate(UNMATCHED_REASONS)}
LOOK = 64  # free offers looked at per household and round


def km_between(h: Households, o: Offers, hi: np.ndarray, oi: np.ndarray) -> np.ndarray:
    a = unit_vectors(h.lat[hi], h.lon[hi])
    b = unit_vectors(o.lat[oi], o.lon[oi])
    return chord_to_km(np.linalg.norm(a - b, axis=1))


def room_left(h: Households, o: Offers, assigned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    placed = assigned >= 0
    beds = o.beds - np.bincount(assigned[placed], weights=h.size[placed], minlength=len(o))
    slots = o.max_households - np.bincount(assigned[placed], minlength=len(o))
    return beds.astype(np.int64), slots.astype(np.int64)


def _free_near(h, o, policy, who, beds, slots, k):
    """Pairs (household, free offer) for the k nearest offers with room within reach."""
    free = np.flatnonzero((beds > 0) & (slots > 0))
    if free.size == 0 or who.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), free
    tree = cKDTree(unit_vectors(o.lat[free], o.lon[free]))
    k = min(k, free.size)
    dist, idx = tree.query(
        unit_vectors(h.lat[who], h.lon[who]), k=k, distance_upper_bound=km_to_chord(policy.max_km)
    )
    dist, idx = dist.reshape(len(who), k), idx.reshape(len(who), k)
    keep = idx.ravel() < free.size
    hi = np.repeat(who, k)[keep]
    oi = free[idx.ravel()[keep]]
    return hi, oi, chord_to_km(dist.ravel()[keep]), free


FILL_PAIRS = 2_000_000  # (household, offer) pairs per query block, for bounded memory


def _usable_free_near(h, o, policy, who, beds, slots, k):
    """Pairs (household, free offer) that pass every rule: among the k nearest offers with
    room within reach of a kind the household may use (pets, children, step-free,
    safeguarding, beds left), the LOOK nearest whose dates fit. Memory stays bounded."""
    free = (beds > 0) & (slots > 0)
    offered = gives(o, policy)
    # kind: the rules a household needs and its size (larger ones share the top size)
    wants = needs(h)[who] * 16 + np.minimum(h.size[who], 15)
    chord = km_to_chord(policy.max_km)
    parts_h, parts_o, parts_d = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for kind in np.unique(wants).tolist():
        need, size = kind // 16, kind % 16
        rows = who[wants == kind]
        usable = np.flatnonzero(free & ((offered & need) == need) & (beds >= size))
        if usable.size == 0:
            continue
        tree = cKDTree(unit_vectors(o.lat[usable], o.lon[usable]))
        kk = min(k, usable.size)
        step = max(1, FILL_PAIRS // kk)
        for a in range(0, rows.size, step):
            chunk = rows[a : a + step]
            dist, idx = tree.query(
                unit_vectors(h.lat[chunk], h.lon[chunk]), k=kk, distance_upper_bound=chord
            )
            dist, idx = dist.reshape(len(chunk), kk), idx.reshape(len(chunk), kk)
            keep = np.flatnonzero(idx.ravel() < usable.size)
            hi, oi = np.repeat(chunk, kk)[keep], usable[idx.ravel()[keep]]
            ok = feasible(h, o, hi, oi, policy) & (h.size[hi] <= beds[oi])
            hi, oi, dd = hi[ok], oi[ok], dist.ravel()[keep][ok]
            # the LOOK nearest that fit, per household (pairs come sorted by distance)
            first = np.r_[0, np.flatnonzero(np.diff(hi)) + 1]
            rank = np.arange(hi.size) - np.repeat(first, np.diff(np.r_[first, hi.size]))
            near = rank < LOOK
            parts_h.append(hi[near])
            parts_o.append(oi[near])
            parts_d.append(chord_to_km(dd[near]))
    return np.concatenate(parts_h), np.concatenate(parts_o), np.concatenate(parts_d)


def fill_free(
    h: Households, o: Offers, policy: Policy, assigned: np.ndarray, rounds: int = 200
) -> tuple[np.ndarray, Edges]:
    """Place unplaced households in free offers that pass every rule (households propose in
    order of value, offers keep the best value per bed). Repeats while anyone is placed (each
    round, those still unplaced look again at what is still free); a household looks 8 times
    farther down the list of free offers of its kind when a round finds it no pair that fits,
    and stops once it has looked at every free offer. Returns the assignment and the new
    edges used, so their values can be looked up."""
    from .solver import deferred_acceptance

    assigned = assigned.copy()
    new_h, new_o, new_km = [], [], []
    look = np.full(len(h), LOOK, np.int64)  # per household: how far down it looks
    hopeless = np.zeros(len(h), bool)  # looked at every free offer: none fits (room only shrinks)
    for _ in range(rounds):
        who = np.flatnonzero((assigned < 0) & ~hopeless)
        if who.size == 0:
            break
        beds, slots = room_left(h, o, assigned)
        free = int(((beds > 0) & (slots > 0)).sum())
        parts = [_usable_free_near(h, o, policy, who[look[who] == k], beds, slots, int(k))
                 for k in np.unique(look[who]).tolist()]  # fmt: skip
        hi, oi, km = (np.concatenate(x) for x in zip(*parts, strict=True))
        found = np.zeros(len(h), bool)
        found[hi] = True
        lost = who[~found[who]]
        hopeless[lost[look[lost] >= free]] = True
        look[lost] *= 8
        if hi.size == 0:
            continue
        order = np.argsort(hi, kind="stable")
        e = Edges(hi[order].astype(np.int32), oi[order].astype(np.int32),
                  km[order].astype(np.float32), np.ones(len(h), bool))  # fmt: skip
        values = edge_values(h, o, e, policy)
        room = SimpleNamespace(beds=np.maximum(beds, 0), max_households=np.maximum(slots, 0))
        got = deferred_acceptance(h, room, e, values)  # type: ignore[arg-type]
        placed = np.flatnonzero(got >= 0)
        assigned[placed] = got[placed]
        new_h.append(placed)
        new_o.append(got[placed])
        new_km.append(km_between(h, o, placed, got[placed]))
    if not new_h:
        empty = np.zeros(0, np.int32)
        return assigned, Edges(empty, empty, np.zeros(0, np.float32), np.ones(len(h), bool))
    hh, oo, kk = np.concatenate(new_h), np.concatenate(new_o), np.concatenate(new_km)
    return assigned, Edges(hh.astype(np.int32), oo.astype(np.int32), kk.astype(np.float32),
                           np.ones(len(h), bool))  # fmt: skip


RULES = ("beds", "pets", "children", "step_free", "safeguarding", "dates")


def broken_rules(h, o, hi, oi, policy) -> np.ndarray:
    """Per pair, a column per rule in RULES: True where that rule fails."""
    start = h.start[hi].astype(np.int64)
    nights = np.maximum(h.nights[hi], 1).astype(np.int64)
    covered = np.minimum(start + nights, o.end[oi].astype(np.int64) + 1) - np.maximum(
        start, o.start[oi]
    )
    guarded = o.verification[oi] >= policy.vulnerable_min_verification
    if policy.no_single_male_host_for_vulnerable:
        guarded &= ~o.single_male_host[oi]
    return np.column_stack([
        h.size[hi] > o.beds[oi],
        (h.pets[hi] > 0) & ~o.pets[oi],
        h.children[hi] & ~o.children[oi],
        h.step_free[hi] & ~o.step_free[oi],
        (h.children[hi] | h.single_woman[hi]) & ~guarded,
        covered < np.ceil(policy.min_overlap * nights),
    ])  # fmt: skip


def reasons(h: Households, o: Offers, policy: Policy, assigned: np.ndarray) -> np.ndarray:
    """Per unplaced household, a code into UNMATCHED_REASONS (-1 when placed): too large for
    every offer; nothing within reach; every offer within reach full ("capacity"); else the
    rule that the nearest free offers within reach break most often."""
    n = len(h)
    out = np.full(n, -1, np.int8)
    who = np.flatnonzero(assigned < 0)
    if who.size == 0:
        return out
    if len(o) == 0:
        out[who] = CODE["no_offer_nearby"]
        return out
    tree = cKDTree(unit_vectors(o.lat, o.lon))
    chord = km_to_chord(policy.max_km)
    _d, idx = tree.query(unit_vectors(h.lat[who], h.lon[who]), k=1, distance_upper_bound=chord)
    any_near = np.asarray(idx).ravel() < len(o)
    out[who] = CODE["capacity"]
    beds, slots = room_left(h, o, assigned)
    hi, oi, _km, _free = _free_near(h, o, policy, who, beds, slots, LOOK)
    if hi.size:
        broken = broken_rules(h, o, hi, oi, policy)
        broken[:, 0] |= h.size[hi] > beds[oi]  # the beds left, not the beds offered
        counts = np.zeros((n, len(RULES)))
        np.add.at(counts, hi, broken.astype(np.float64))
        has_free = np.bincount(hi, minlength=n) > 0
        top = counts.argmax(axis=1)
        sel = who[has_free[who]]
        out[sel] = np.array([CODE[r] for r in RULES], np.int8)[top[sel]]
    out[who[~any_near]] = CODE["no_offer_nearby"]
    out[who[h.size[who] > o.beds.max()]] = CODE["too_large"]
    return out
