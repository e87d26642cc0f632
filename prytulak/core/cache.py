"""Django's RedisCache that keeps pages serving while Redis is unreachable.

Nothing in Prytulak keeps data only in the cache: it holds rate-limit counters and the map
snapshot's version. When Redis is down a read is a miss, a write is dropped, and `incr` says the
key is missing; `failing` says whether the last call failed, so the public forms can apply
RATELIMIT_FAIL_OPEN (docs/deployment.md, *Redis*). Each failure is logged; nothing raises
into a view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _down(cache: ResilientRedisCache, operation: str, exc: Exception) -> None:
    cache.failing = True
    log.warning("Redis cache unavailable (%s): %s", operation, exc)


def unreachable(cache: object) -> bool:
    """Did the last call on this cache fail to reach Redis? (False for other backends.)"""
    return bool(getattr(cache, "failing", False))


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        # redis-py retries a failed connection with backoff by default; for a cache a miss is
        # cheaper than the wait, so one try, then a miss.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self.failing = False

    def _try(self, operation: str, call: Callable[[], Any], fallback: Any) -> Any:
        try:
            result = call()
        except DOWN as exc:
            _down(self, operation, exc)
            return fallback
        self.failing = False
        return result

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._try(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._try(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._try(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._try(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def clear(self) -> None:
        self._try("clear", lambda: super(ResilientRedisCache, self).clear(), None)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        value = self._try(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing
        )
        if value is missing:
            # What Django's backends raise for a missing key; callers already handle it.
            raise ValueError(f"Key {key!r} not found (cache unavailable)")
        return value
