"""The LP relaxation kept open between rounds of column generation (HiGHS through highspy):
new pairs join as columns and the simplex starts again from the last basis, instead of a
fresh solve per round (scipy's linprog: 2–13 s a round at 10k, measured).

Rows: one per kind of household (households alike in every field a value depends on, see
pricing.twins: the LP cannot tell them apart, so one row with their count is the same LP, and
at the 100k demo 39,214 households are 13,684 kinds) and one per offer (private home: one
household; collective centre: its beds). Columns: (kind, offer) pairs with their values.
"""

from __future__ import annotations

import highspy
import numpy as np

from .candidates import Edges
from .certificate import capacity
from .data import Households, Offers
from .pricing import twins


class WarmLP:
    def __init__(self, h: Households, o: Offers, kind: np.ndarray | None = None) -> None:
        """`kind`: per household its kind (pricing.twins), computed when not given."""
        self.h, self.o = h, o
        self.kind = twins(h, np.arange(len(h))) if kind is None else kind
        self.count = np.bincount(self.kind).astype(np.float64) if len(h) else np.zeros(0)
        self.n, self.m = len(self.count), len(o)
        self.lp = highspy.Highs()
        self.lp.setOptionValue("output_flag", False)
        self.lp.changeObjectiveSense(highspy.ObjSense.kMaximize)
        upper = np.r_[self.count, capacity(o)]
        rows = self.n + self.m
        self.lp.addRows(rows, np.full(rows, -highspy.kHighsInf), upper, 0,
                        np.zeros(rows, np.int32), np.zeros(0, np.int32), np.zeros(0))  # fmt: skip
        self.keys = np.zeros(0, np.int64)  # household · m + offer, per column in order

    def add(self, e: Edges, values: np.ndarray) -> int:
        """Add the (kind, offer) pairs of `e` not yet in the LP; returns how many were added."""
        key = self._keys(e)
        _unique, first = np.unique(key, return_index=True)
        new = first[~np.isin(key[first], self.keys)]
        if new.size == 0:
            return 0
        hh, oo = e.household[new], e.offer[new].astype(np.int32)
        kk = self.kind[hh].astype(np.int32)
        weight = np.where(self.o.max_households[oo] == 1, 1.0, self.h.size[hh].astype(float))
        count = new.size
        starts = (2 * np.arange(count)).astype(np.int32)
        index = np.column_stack([kk, self.n + oo]).ravel().astype(np.int32)
        coef = np.column_stack([np.ones(count), weight]).ravel()
        self.lp.addCols(count, values[new].astype(float), np.zeros(count), self.count[kk],
                        2 * count, starts, index, coef)  # fmt: skip
        self.keys = np.r_[self.keys, key[new]]
        return int(count)

    def solve(self) -> tuple[np.ndarray, float] | None:
        """Solve (from the last basis); the offers' prices and the LP's value, or None."""
        self.lp.run()
        if self.lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.lp.getSolution()
        dual = np.asarray(sol.row_dual)[self.n :]
        return np.maximum(0.0, np.abs(dual)), float(self.lp.getInfo().objective_function_value)

    def _keys(self, e: Edges) -> np.ndarray:
        return self.kind[e.household].astype(np.int64) * max(self.m, 1) + e.offer

    def solution(self, e: Edges) -> np.ndarray:
        """The LP's value of each pair of `e`, as households of its kind placed there (0 for
        pairs not in the LP)."""
        x = np.asarray(self.lp.getSolution().col_value)
        order = np.argsort(self.keys, kind="stable")
        key = self._keys(e)
        pos = np.searchsorted(self.keys[order], key)
        pos = np.minimum(pos, max(order.size - 1, 0))
        hit = self.keys[order][pos] == key if order.size else np.zeros(len(e), bool)
        return np.where(hit, x[order[pos]], 0.0)

    def rounded(self) -> np.ndarray:
        """Per household an offer (-1 none): each (kind, offer) pair's whole part of the LP's
        value, that many households of the kind placed there (the rest left to repair)."""
        x = np.asarray(self.lp.getSolution().col_value)
        whole = np.floor(x + 1e-6).astype(np.int64)
        cols = np.flatnonzero(whole > 0)
        kind, offer = self.keys[cols] // max(self.m, 1), self.keys[cols] % max(self.m, 1)
        order = np.argsort(kind, kind="stable")
        kind, offer, times = kind[order], offer[order], whole[cols][order]
        # the households of each kind, in order; the kind's columns take them in turn
        members = np.argsort(self.kind, kind="stable")
        first = np.r_[0, np.cumsum(self.count.astype(np.int64))][kind]
        slot_kind = np.repeat(kind, times)
        slot_offer = np.repeat(offer, times)
        start_of_kind = np.r_[0, np.flatnonzero(np.diff(slot_kind)) + 1]
        runs = np.diff(np.r_[start_of_kind, slot_kind.size])
        within = np.arange(slot_kind.size) - np.repeat(start_of_kind, runs)
        fits = within < self.count[slot_kind]
        who = members[np.repeat(first, times)[fits] + within[fits]]
        assigned = np.full(len(self.h), -1, np.int64)
        assigned[who] = slot_offer[fits]
        return assigned
