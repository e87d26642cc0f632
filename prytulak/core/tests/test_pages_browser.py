"""Every page of the sitemap (sitemap.py) in headless Chromium, in Ukrainian and English, as
every persona, forms also with their errors: axe-core finds no WCAG 2.2 A/AA violation, and
at 360 px wide nothing sticks out sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from prytulak.core.tests import browser as b
from prytulak.core.tests import sitemap
from prytulak.orgs.tests.test_authorisation_matrix import World

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    b.needs_chromium,
]


@pytest.fixture(scope="module")
def driver():
    d = b.chromium()
    yield d
    b.quit_chromium(d)


def _walk(driver: Any, base_url: str, check: Callable[[sitemap.Page], list[str]]) -> tuple:
    """Open every page of a fresh world's sitemap (as its persona) and run `check` on it."""
    from selenium.webdriver.support.ui import WebDriverWait

    world = World()
    pages = sitemap.build(world)
    users = {sitemap.PUBLIC: None, sitemap.SETUP: sitemap.setup_user(world), **world.users}
    problems: list[str] = []
    who = None
    for page in sorted(pages, key=lambda p: p.who):  # one log-in per persona
        if page.who != who:
            who = page.who
            b.log_in(driver, base_url, users[who], second_step=who != sitemap.SETUP)
        driver.get(base_url + page.url)
        landed = urlsplit(driver.current_url)
        if landed.path + (f"?{landed.query}" if landed.query else "") != page.url:
            # A page that sends the browser elsewhere would have the other page audited.
            problems.append(f"{page.label}: landed on {landed.path}?{landed.query}")
            continue
        if page.name == "map":  # audit the map once its pins and lists are drawn
            WebDriverWait(driver, 30).until(
                lambda d: d.execute_script(
                    "return document.getElementById('map').dataset.state === 'ready'"
                    " && document.querySelectorAll('#map-crossings-list li').length > 20"
                )
            )
        if page.errors:
            b.submit_emptied_form(driver)
            if not b.shows_errors(driver):
                problems.append(f"{page.label}: the empty form showed no error")
                continue
        problems += [f"{page.label}: {p}" for p in check(page)]
    return pages, problems


# Pages kept as pictures (test-artifacts/, shown in the README), in Ukrainian at 360 px.
SCREENSHOTS = {
    ("coordinator", "crossing-list", False): "crossings-uk-360.png",
    (sitemap.PUBLIC, "intake:need", True): "need-form-errors-uk-360.png",
}


def _report(name: str, problems: list[str]) -> None:
    """Every problem, for people to read (the assertion shows the first ones)."""
    b.ARTIFACTS.mkdir(exist_ok=True)
    (b.ARTIFACTS / name).write_text("\n".join(problems) + "\n", encoding="utf-8")


def test_axe_finds_no_wcag_violation_on_any_page(driver, live_server):
    b.desktop(driver)
    violations = 0

    def check(page: sitemap.Page) -> list[str]:
        nonlocal violations
        found = b.axe_violations(driver)
        violations += sum(len(v["nodes"]) for v in found)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])}× e.g. "
            f"{v['nodes'][0]['target'] if v['nodes'] else ''} {v['nodes'][0]['html'] if v['nodes'] else ''}"
            for v in found
        ]

    pages, problems = _walk(driver, live_server.url, check)
    print(f"\naxe-core: {len(pages)} pages audited, {violations} violations")
    _report("axe-report.txt", problems)
    assert problems == [], "\n".join(problems[:80])
    assert len(pages) > 200


def test_no_page_is_wider_than_a_360_px_phone(driver, live_server):
    b.phone(driver)
    try:

        def check(page: sitemap.Page) -> list[str]:
            wide = b.overflow(driver)
            if page.lang == "uk" and (page.who, page.name, page.errors) in SCREENSHOTS:
                b.full_page_screenshot(driver, SCREENSHOTS[page.who, page.name, page.errors])
            return [f"{w}" for w in wide[:5]]

        pages, problems = _walk(driver, live_server.url, check)
    finally:
        b.desktop(driver)
    _report("overflow-report.txt", problems)
    print(f"\noverflow at {b.PHONE_WIDTH} px: {len(pages)} pages checked, {len(problems)} problems")
    assert problems == [], "\n".join(problems[:80])
    assert len(pages) > 200
