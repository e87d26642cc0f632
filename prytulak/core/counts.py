"""How many rows a list has, counted at most every LIST_COUNT_CACHE_SECONDS.

A list page shows 25 rows read from an index, but its paginator counts every row the user may
see: a sequential scan of the whole table (50–125 ms at 100k households on PostgreSQL, on every
page view of every coordinator). With LIST_COUNT_CACHE_SECONDS > 0 (the production profile sets
it) the total is kept in the shared cache under the query's own SQL and parameters, so each
organisation's scope and each filter has its own entry and nothing is shared between users who
see different rows; the rows themselves are always read fresh. 0 (the default, and tests)
counts every time.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet


def _key(queryset: QuerySet) -> str | None:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    digest = hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()
    return f"list-count:{digest}"


def cached_count(queryset: Any) -> int:
    """queryset.count(), from the cache when the same query was counted moments ago."""
    seconds = settings.LIST_COUNT_CACHE_SECONDS
    if not isinstance(queryset, QuerySet):
        return len(queryset)
    key = _key(queryset) if seconds > 0 else None
    if key is None:
        return queryset.count()
    value = cache.get(key)
    if value is None:
        value = queryset.count()
        cache.set(key, value, seconds)
    return int(value)


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return cached_count(self.object_list)
