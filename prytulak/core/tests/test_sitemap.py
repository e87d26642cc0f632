"""The sitemap the accessibility and layout tests walk covers every URL of the site."""

import re
from collections import Counter

import pytest
from django.test import Client

from prytulak.conftest import VerifiedClient
from prytulak.core.tests import sitemap
from prytulak.orgs.tests.test_authorisation_matrix import ROUTES, World

FORM = re.compile(r"<form\b([^>]*)>", re.I)


def test_every_url_pattern_is_a_page_of_the_sitemap_or_says_why_not():
    post_actions = {n for n, r in ROUTES.items() if r.method == "POST"}
    known = (
        set(sitemap.PUBLIC_PAGES)
        | set(sitemap.staff_pages())
        | set(sitemap.STAFF_NOT_PAGES)
        | set(sitemap.NOT_PAGES)
        | post_actions  # POST only: they redirect to a page of the sitemap, with a message
    )
    patterns = set(sitemap.url_pattern_names())
    assert sorted(patterns - known) == [], "add the new URL to the sitemap (or NOT_PAGES)"
    assert sorted(known - patterns) == [], "the sitemap names a URL that no longer exists"
    assert sitemap.FORM_PAGES - known == set()


@pytest.mark.django_db
def test_every_page_answers_and_every_form_posting_to_itself_is_audited_with_errors():
    world = World()
    pages = sitemap.build(world)
    clients = {sitemap.PUBLIC: Client(), sitemap.SETUP: Client()}
    clients[sitemap.SETUP].force_login(sitemap.setup_user(world))
    for role, user in world.users.items():
        clients[role] = VerifiedClient()
        clients[role].force_login(user)
    unaudited, wrong = set(), []
    for page in pages:
        if page.errors:
            continue
        response = clients[page.who].get(page.url)
        expected = int(page.name) if page.name in ("403", "404") else 200
        if page.name.startswith("intake:host-") and response.status_code == 400:
            expected = 400  # a link followed twice (once per language) says so
        if response.status_code != expected:
            wrong.append(f"{page.label}: {response.status_code}")
            continue
        html = response.content.decode()
        for attrs in FORM.findall(html):
            action = re.search(r'action="([^"]*)"', attrs)
            to_itself = action is None or action.group(1) in ("", page.url)
            if "post" in attrs.lower() and to_itself and page.name not in sitemap.FORM_PAGES:
                unaudited.add(page.name)
    assert wrong == []
    assert sorted(unaudited) == [], "add these pages to sitemap.FORM_PAGES"
    audited = {p.name for p in pages if p.errors}
    assert audited == sitemap.FORM_PAGES, sitemap.FORM_PAGES - audited
    per_language = Counter(p.lang for p in pages)
    print(f"sitemap: {len(pages)} pages ({dict(per_language)})")
    assert per_language["uk"] == per_language["en"] > 100
