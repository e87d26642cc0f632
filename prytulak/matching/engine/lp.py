"""The LP relaxation kept open between rounds of column generation (HiGHS through highspy):
new pairs join as columns and the simplex starts again from the last basis, instead of a
fresh solve per round (scipy's linprog: 2–13 s a round at 10k, measured).

Rows: one per household (at most one offer) and one per offer (private home: one household;
collective centre: its beds). Columns: (household, offer) pairs with their values.
"""

from __future__ import annotations

import highspy
import numpy as np

from .candidates import Edges
from .certificate import capacity
from .data import Households, Offers


class WarmLP:
    def __init__(self, h: Households, o: Offers) -> None:
        self.h, self.o = h, o
        self.n, self.m = len(h), len(o)
        self.lp = highspy.Highs()
        self.lp.setOptionValue("output_flag", False)
        self.lp.changeObjectiveSense(highspy.ObjSense.kMaximize)
        upper = np.r_[np.ones(self.n), capacity(o)]
        rows = self.n + self.m
        self.lp.addRows(rows, np.full(rows, -highspy.kHighsInf), upper, 0,
                        np.zeros(rows, np.int32), np.zeros(0, np.int32), np.zeros(0))  # fmt: skip
        self.keys = np.zeros(0, np.int64)  # household · m + offer, per column in order

    def add(self, e: Edges, values: np.ndarray) -> int:
        """Add the pairs of `e` not yet in the LP; returns how many were added."""
        key = e.household.astype(np.int64) * max(self.m, 1) + e.offer
        new = np.flatnonzero(~np.isin(key, self.keys))
        if new.size == 0:
            return 0
        hh, oo = e.household[new].astype(np.int32), e.offer[new].astype(np.int32)
        weight = np.where(self.o.max_households[oo] == 1, 1.0, self.h.size[hh].astype(float))
        count = new.size
        starts = (2 * np.arange(count)).astype(np.int32)
        index = np.column_stack([hh, self.n + oo]).ravel().astype(np.int32)
        coef = np.column_stack([np.ones(count), weight]).ravel()
        self.lp.addCols(count, values[new].astype(float), np.zeros(count), np.ones(count),
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

    def solution(self, e: Edges) -> np.ndarray:
        """The LP's value of each pair of `e` (0 for pairs not in the LP)."""
        x = np.asarray(self.lp.getSolution().col_value)
        order = np.argsort(self.keys, kind="stable")
        key = e.household.astype(np.int64) * max(self.m, 1) + e.offer
        pos = np.searchsorted(self.keys[order], key)
        pos = np.minimum(pos, max(order.size - 1, 0))
        hit = self.keys[order][pos] == key if order.size else np.zeros(len(e), bool)
        return np.where(hit, x[order[pos]], 0.0)
