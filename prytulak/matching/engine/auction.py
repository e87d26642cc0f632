"""The optimiser: a forward–reverse auction (Bertsekas) over candidate edges, with ε-scaling.

Households bid for offers; an offer's price rises with each bid it accepts. A household
without an offer bids on its best offer at current prices (value minus price; a private home
costs its price, a collective centre its price per bed times the household's size), raising
the price by how much better that offer is than its second best (or than staying unplaced)
plus ε. A private home keeps the highest bid; a collective centre keeps the highest bids per
bed that fit its beds and household slots, and its price per bed becomes the lowest bid it
kept once it turns anyone away.

ε-scaling (coarse ε first, then finer) ends the price wars of crowds quickly. Between
phases households that are no longer within ε of their best let go and bid again; the
private homes they leave keep a price nobody pays, which the *reverse* step removes: such a
home lowers its price to just below what would make a second household want it and takes
the household that gains most (or costs nothing if nobody wants it). At the end every
household holds an offer within ε of its best at the final prices and every private home
nobody holds costs nothing: the prices are a certificate (see pricing.py).

Rounds are vectorised over the households still bidding (Jacobi auction); only the
collective centres that received bids in a round are settled one by one.
"""

from __future__ import annotations

import numpy as np

from .candidates import Edges
from .data import Households, Offers

ROUNDS = 20_000  # per call, a safety stop
PHASES = (10.0, 60.0, 400.0, 2_000.0)  # ε = mean edge value / these
CYCLES = 50  # forward/reverse alternations per phase, at most


def edge_use(h: Households, o: Offers, e: Edges) -> np.ndarray:
    return np.where(o.max_households[e.offer] == 1, 1.0, h.size[e.household].astype(np.float64))


class Auction:
    def __init__(self, h: Households, o: Offers, e: Edges, values: np.ndarray) -> None:
        self.h, self.o, self.e, self.values = h, o, e, values
        self.n, self.m = len(h), len(o)
        self.price = np.zeros(self.m)
        self.assigned = np.full(self.n, -1, np.int64)
        self.edge_of = np.full(self.n, -1, np.int64)  # the edge a placed household holds
        self.pay = np.zeros(self.n)  # a centre's households: their bid per bed
        self.out = np.zeros(self.n, bool)  # nothing on its edges is worth its price
        self.single = o.max_households == 1
        self.holder = np.full(self.m, -1, np.int64)  # private homes
        self.members: dict[int, set[int]] = {}  # collective centres
        self.beds_used = np.zeros(self.m, np.int64)
        self.slots_used = np.zeros(self.m, np.int64)
        self.use = edge_use(h, o, e)
        # pairs a centre turned away although the bid per bed was high enough (the household
        # did not fit among better bids): that household does not try that centre again
        self.dead = np.zeros(len(e), bool)
        self.start = np.searchsorted(e.household, np.arange(self.n + 1))
        by_offer = np.argsort(e.offer, kind="stable")
        self.by_offer = by_offer
        self.ostart = np.searchsorted(e.offer[by_offer], np.arange(self.m + 1))
        # the smallest household that could use each offer (a centre with fewer beds left
        # than that is full)
        self.smallest = np.full(self.m, np.iinfo(np.int64).max)
        np.minimum.at(self.smallest, e.offer, h.size[e.household].astype(np.int64))
        self.eps = 0.0
        self.open_centres = False  # centres take everyone at their price (priced outside)

    # -- views ---------------------------------------------------------------------------
    def _segments(self, start: np.ndarray, who: np.ndarray):
        counts = start[who + 1] - start[who]
        has = counts > 0
        who, counts = who[has], counts[has]
        seg = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
        idx = np.repeat(start[who] - seg, counts) + np.arange(int(counts.sum()))
        return who, idx, seg, counts

    def reduced(self, idx: np.ndarray) -> np.ndarray:
        w = self.values[idx] - self.price[self.e.offer[idx]] * self.use[idx]
        w[self.dead[idx]] = -np.inf
        return w

    def best_two(self, who: np.ndarray):
        """For households `who` with edges: best reduced value, its edge, and the second best
        (at least 0: staying unplaced)."""
        who, idx, seg, counts = self._segments(self.start, who)
        if who.size == 0:
            return who, np.zeros(0), np.zeros(0, np.int64), np.zeros(0)
        w = self.reduced(idx)
        w1 = np.maximum.reduceat(w, seg)
        owner = np.repeat(np.arange(who.size), counts)
        hit = np.flatnonzero(w >= w1[owner])
        firsts = hit[np.r_[True, np.diff(owner[hit]) != 0]]
        w[firsts] = -np.inf
        w2 = np.maximum.reduceat(w, seg)
        return who, w1, idx[firsts], np.maximum(w2, 0.0)

    def held_value(self, who: np.ndarray) -> np.ndarray:
        """Reduced value of what each household holds, at current prices (0: nothing)."""
        j = self.edge_of[who]
        placed = self.assigned[who] >= 0
        out = np.zeros(who.size)
        if placed.any():
            jj = j[placed]
            out[placed] = self.values[jj] - self.price[self.e.offer[jj]] * self.use[jj]
        return out

    # -- forward -------------------------------------------------------------------------
    def forward(self, eps: float, rounds: int = ROUNDS) -> int:
        used = 0
        for used in range(1, rounds + 1):  # noqa: B007 - reported
            bidders = np.flatnonzero((self.assigned < 0) & ~self.out)
            if bidders.size == 0:
                break
            who, w1, j1, w2 = self.best_two(bidders)
            self.out[np.setdiff1d(bidders, who, assume_unique=True)] = True
            worth = w1 > 0
            self.out[who[~worth]] = True
            who, w1, j1, w2 = who[worth], w1[worth], j1[worth], w2[worth]
            if who.size == 0:
                continue
            offer = self.e.offer[j1].astype(np.int64)
            private = self.single[offer]
            per = np.where(private, 1.0, self.h.size[who].astype(np.float64))
            bid = self.price[offer] + (w1 - w2 + eps) / per
            self.edge_of[who] = j1
            self._settle_private(who[private], offer[private], bid[private])
            if (~private).any():
                self._settle_centres(who[~private], offer[~private], bid[~private])
        return used

    def _settle_private(self, who, offer, bid) -> None:
        if who.size == 0:
            return
        order = np.lexsort((-bid, offer))
        first = order[np.r_[True, np.diff(offer[order]) != 0]]
        win, at, amount = who[first], offer[first], bid[first]
        beaten = self.holder[at]
        self.assigned[beaten[beaten >= 0]] = -1
        self.holder[at] = win
        self.assigned[win] = at
        self.price[at] = amount

    def _settle_centres(self, who, offer, bid) -> None:
        if self.open_centres:
            size = self.h.size
            self.assigned[who] = offer
            for hh, c in zip(who.tolist(), offer.tolist(), strict=True):
                self.members.setdefault(c, set()).add(hh)
                self.beds_used[c] += int(size[hh])
                self.slots_used[c] += 1
            return
        size = self.h.size
        for c in np.unique(offer).tolist():
            new = offer == c
            came, came_bid = who[new], bid[new]
            held = np.fromiter(self.members.get(c, ()), np.int64)
            pool = np.r_[held, came]
            pool_bid = np.r_[self.pay[held], came_bid]
            order = np.argsort(-pool_bid, kind="stable")
            beds, slots = int(self.o.beds[c]), int(self.o.max_households[c])
            keep = np.zeros(pool.size, bool)
            for i in order.tolist():  # highest bid per bed first, while it fits
                s = int(size[pool[i]])
                if s <= beds and slots > 0:
                    keep[i] = True
                    beds -= s
                    slots -= 1
            turned, kept = pool[~keep], pool[keep]
            self.assigned[turned] = -1
            self.assigned[kept] = c
            self.pay[pool] = pool_bid
            self.members[c] = set(kept.tolist())
            self.beds_used[c] = int(size[kept].sum())
            self.slots_used[c] = kept.size
            if turned.size and kept.size:
                floor = float(pool_bid[keep].min())
                self.dead[self.edge_of[turned[pool_bid[~keep] >= floor]]] = True
                self.price[c] = max(self.price[c], floor)

    def release(self, who: np.ndarray) -> None:
        who = who[self.assigned[who] >= 0]
        if who.size == 0:
            return
        at = self.assigned[who]
        private = self.single[at]
        self.holder[at[private]] = -1
        for hh, c in zip(who[~private].tolist(), at[~private].tolist(), strict=True):
            self.members[c].discard(hh)
            self.beds_used[c] -= int(self.h.size[hh])
            self.slots_used[c] -= 1
        self.assigned[who] = -1

    def loosen(self, eps: float) -> int:
        """Households no longer within ε of their best (at current prices) let go."""
        placed = np.flatnonzero(self.assigned >= 0)
        if placed.size == 0:
            return 0
        who, w1, _j1, _w2 = self.best_two(placed)
        loose = who[self.held_value(who) < w1 - 1.001 * eps]
        if loose.size:
            self.release(loose)
            self.out[:] = False
        return int(loose.size)

    # -- reverse -------------------------------------------------------------------------
    def stale(self) -> np.ndarray:
        """Offers with a price and room: a private home nobody holds, or a centre with a
        slot and beds for the smallest household that could come."""
        room = (self.slots_used < self.o.max_households) & (
            self.o.beds - self.beds_used >= self.smallest
        )
        if self.open_centres:
            room[:] = False
        empty = np.where(self.single, self.holder < 0, room)
        return np.flatnonzero(empty & (self.price > 0))

    def reverse(self, eps: float, rounds: int = ROUNDS) -> int:
        """Stale private homes lower their price and take the household that gains most;
        stale centres cost nothing again (their would-be households bid forward)."""
        moved = 0
        for _ in range(rounds):
            stale = self.stale()
            if stale.size == 0:
                break
            centres = stale[~self.single[stale]]
            self.price[centres] = 0.0
            homes = stale[self.single[stale]]
            if homes.size == 0:
                break
            objs, pos, seg, counts = self._segments(self.ostart, homes)
            empty = np.setdiff1d(homes, objs, assume_unique=True)
            self.price[empty] = 0.0
            if objs.size == 0:
                continue
            idx = self.by_offer[pos]  # edge indices, grouped by offer
            hh = self.e.household[idx].astype(np.int64)
            profit = self.held_value(hh)
            beta = self.values[idx] - profit
            beta[self.dead[idx]] = -np.inf
            b1 = np.maximum.reduceat(beta, seg)
            owner = np.repeat(np.arange(objs.size), counts)
            hit = np.flatnonzero(beta >= b1[owner])
            firsts = hit[np.r_[True, np.diff(owner[hit]) != 0]]
            beta2 = beta.copy()
            beta2[firsts] = -np.inf
            b2 = np.maximum.reduceat(beta2, seg)
            new_price = np.maximum(0.0, np.maximum(b2, -np.inf) - eps)
            wants = b1 - new_price > 0  # someone gains by moving (at least ε when b2 ≥ ε)
            self.price[objs[~wants]] = 0.0
            objs, j, new_price = objs[wants], idx[firsts][wants], new_price[wants]
            if objs.size == 0:
                continue
            person = self.e.household[j].astype(np.int64)
            # one person may be wanted by several homes: it takes the one it gains most from
            gain = self.values[j] - new_price
            order = np.lexsort((-gain, person))
            first = order[np.r_[True, np.diff(person[order]) != 0]]
            objs, j, new_price, person = objs[first], j[first], new_price[first], person[first]
            self.release(person)
            self.holder[objs] = person
            self.assigned[person] = objs
            self.edge_of[person] = j
            self.price[objs] = new_price
            moved += person.size
        return moved


def auction(h: Households, o: Offers, e: Edges, values: np.ndarray) -> Auction:
    """Solve over the edges; returns the state (assignment and prices)."""
    state = Auction(h, o, e, values)
    scale = float(values.mean()) if len(values) else 1.0
    for k, divisor in enumerate(PHASES):
        eps = scale / divisor
        state.eps = eps
        state.dead[:] = False  # a finer phase may fit them after all
        if k:
            state.loosen(eps)
        for _ in range(CYCLES):
            state.forward(eps)
            before = state.price.sum()
            state.reverse(eps)
            if state.price.sum() < before:
                state.out[:] = False  # prices fell: households that gave up may bid again
            # centres freed by the reverse step may now be worth moving to
            if not state.loosen(eps) and not ((state.assigned < 0) & ~state.out).any():
                break
    return state


CENTRE_ROUNDS = 30


def auction_priced_centres(h: Households, o: Offers, e: Edges, values: np.ndarray) -> Auction:
    """Centres priced from outside: the auction runs with centres open to everyone at
    their price per bed; between runs each centre's price moves with how far its load is
    over (or under) its beds; at the end over-full centres keep their best bids per bed and
    the rest bid again with that centre closed."""
    state = Auction(h, o, e, values)
    state.open_centres = True
    scale = float(values.mean()) if len(values) else 1.0
    centres = np.flatnonzero(~state.single)
    step = scale / max(float(h.size.mean()), 1.0) * 0.5
    for r in range(CENTRE_ROUNDS):
        for divisor in PHASES if r == 0 else PHASES[-1:]:
            eps = scale / divisor
            state.eps = eps
            state.loosen(eps)
            for _ in range(CYCLES):
                state.forward(eps)
                before = state.price.sum()
                state.reverse(eps)
                if state.price.sum() < before:
                    state.out[:] = False
                if not state.loosen(eps) and not ((state.assigned < 0) & ~state.out).any():
                    break
        over = (state.beds_used[centres] - o.beds[centres]) / o.beds[centres]
        over = np.maximum(
            over,
            (state.slots_used[centres] - o.max_households[centres]) / o.max_households[centres],
        )
        if (
            centres.size == 0
            or (over <= 0.02).all()
            and (state.price[centres][over < -0.1] <= 0).all()
        ):
            break
        state.price[centres] = np.maximum(0.0, state.price[centres] + step * over / np.sqrt(r + 1))
        state.out[:] = False
    # make it feasible: over-full centres keep their best value per bed
    state.open_centres = False
    for c in centres.tolist():
        if state.beds_used[c] <= o.beds[c] and state.slots_used[c] <= o.max_households[c]:
            continue
        mem = np.fromiter(state.members.get(c, ()), np.int64)
        j = state.edge_of[mem]
        density = values[j] / h.size[mem]
        order = np.argsort(-density, kind="stable")
        beds, slots = int(o.beds[c]), int(o.max_households[c])
        drop = []
        for i in order.tolist():
            s_ = int(h.size[mem[i]])
            if s_ <= beds and slots > 0:
                beds -= s_
                slots -= 1
            else:
                drop.append(mem[i])
                state.dead[state.edge_of[mem[i]]] = True
        state.release(np.asarray(drop, np.int64))
    state.out[:] = False
    eps = scale / PHASES[-1]
    state.forward(eps)
    return state
