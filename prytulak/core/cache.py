"""Django's RedisCache that keeps pages serving while Redis is unreachable.

Nothing in Prytulak keeps data only in the cache: it holds rate-limit counters and the map
snapshot's version. When Redis is down a read is a miss, a write is dropped, and `incr` says the
key is missing, so django-ratelimit sees no count and applies RATELIMIT_FAIL_OPEN
(docs/deployment.md, *Redis*). Each failure is logged; nothing raises into a view.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _down(operation: str, exc: Exception) -> None:
    log.warning("Redis cache unavailable (%s): %s", operation, exc)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        # redis-py retries a failed connection with backoff by default; for a cache a miss is
        # cheaper than the wait, so one try, then a miss.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except DOWN as exc:
            _down("add", exc)
            return False

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except DOWN as exc:
            _down("get", exc)
            return default

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except DOWN as exc:
            _down("set", exc)

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return super().delete(key, version)
        except DOWN as exc:
            _down("delete", exc)
            return False

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except DOWN as exc:
            _down("get_many", exc)
            return {}

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            return super().incr(key, delta, version)
        except DOWN as exc:
            _down("incr", exc)
            # What Django's backends raise for a missing key; callers already handle it.
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from exc

    def clear(self) -> None:
        try:
            super().clear()
        except DOWN as exc:
            _down("clear", exc)
