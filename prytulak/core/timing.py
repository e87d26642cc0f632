"""Seconds per step of a long piece of work (a matching run, storing its proposals), kept so
that a slow run shows what it spent its time on."""

from __future__ import annotations

import time


class Laps:
    """`lap(step)` adds the seconds since the last lap (or the start) to `step`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._last
        self._last = now

    def total(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self._start

    def rounded(self) -> dict[str, float]:
        return {step: round(s, 2) for step, s in self.seconds.items()}
