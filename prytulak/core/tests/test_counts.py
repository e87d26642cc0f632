"""Lists' totals from the cache (prytulak.core.counts)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prytulak.core.counts import CachedCountPaginator, cached_count
from prytulak.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _org(slug: str) -> Organization:
    return Organization.objects.create(name=slug, slug=slug, country="PL")


def test_counted_once_then_from_the_cache(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 30
    _org("a")
    _org("b")
    qs = Organization.objects.filter(slug__in=["a", "b"])
    with CaptureQueriesContext(connection) as first:
        assert cached_count(qs) == 2
    _org("c")
    with CaptureQueriesContext(connection) as second:
        # The same query within the time: the cached total, no query.
        assert cached_count(Organization.objects.filter(slug__in=["a", "b"])) == 2
    assert len(first.captured_queries) == 1
    assert len(second.captured_queries) == 0
    # Another filter is another entry: never one user's total for another's list.
    assert cached_count(Organization.objects.filter(slug__in=["a", "b", "c"])) == 3
    assert cached_count(Organization.objects.filter(slug="c")) == 1


def test_off_by_default_counts_every_time(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 0
    _org("a")
    qs = Organization.objects.filter(slug__startswith="a")
    assert cached_count(qs) == 1
    _org("ab")
    with CaptureQueriesContext(connection) as ctx:
        assert cached_count(Organization.objects.filter(slug__startswith="a")) == 2
    assert len(ctx.captured_queries) == 1


def test_empty_queryset_and_lists(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 30
    assert cached_count(Organization.objects.none()) == 0
    assert cached_count([1, 2, 3]) == 3


def test_paginator_uses_it(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 30
    for slug in "abc":
        _org(slug)
    page = CachedCountPaginator(Organization.objects.order_by("slug"), 2).get_page(2)
    assert page.paginator.count == 3
    assert page.paginator.num_pages == 2
    assert [o.slug for o in page] == ["c"]
