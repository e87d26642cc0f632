"""A harness for concurrency tests: many real processes calling one service at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections


def _run(fn: Callable[..., Any], args: Sequence[Any], start: Any, results: Any) -> None:
    """In a forked child with its own database connection: wait for the signal, call, report."""
    from prytulak.core.errors import ServiceError

    connections.close_all()  # never share the parent's socket
    start.wait()
    try:
        fn(*args)
        results.put(("ok", ""))
    except ServiceError as exc:
        results.put(("refused", " ".join(exc.messages)))
    except Exception as exc:  # reported, so the test fails with the reason
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def race(fn: Callable[..., Any], calls: Sequence[Sequence[Any]]) -> list[tuple[str, str]]:
    """Call `fn(*args)` for every `args` in `calls`, each in its own forked process, all
    released at the same moment. Returns ("ok" | "refused" | "error", message) per call."""
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(fn, args, start, results)) for args in calls]
    for proc in procs:
        proc.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    return outcomes
