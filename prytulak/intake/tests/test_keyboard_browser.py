"""The two public intake forms with the keyboard only (headless Chromium, in Ukrainian): every
stop of the Tab key shows where focus is, the stops follow the page's order on screen, and a
form sent with errors says so."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from prytulak.core.tests import browser as b

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    b.needs_chromium,
]
FORMS = ["intake:host", "intake:need"]


@pytest.fixture(scope="module")
def driver():
    d = b.chromium()
    yield d
    b.quit_chromium(d)


# What Tab should reach, in document order: one stop per radio group, nothing disabled,
# hidden or taken out of the order with tabindex=-1.
TABBABLE_JS = """
var out = [];
document.querySelectorAll(
  "a[href], button, input, select, textarea, [tabindex]"
).forEach(function (el) {
  if (el.disabled || el.type === "hidden" || el.tabIndex < 0) return;
  var r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return;
  if (el.closest("[aria-hidden=true], [hidden]")) return;
  if (el.type === "radio") {  // a group's stop is its checked radio, else its first
    var group = Array.from(el.form.querySelectorAll("input[type=radio]"))
      .filter(function (r) { return r.name === el.name; });
    if (el !== (group.find(function (r) { return r.checked; }) || group[0])) return;
  }
  out.push(el);
});
return out;
"""

FOCUS_JS = """
var el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
var outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
return {visible: outline || s.boxShadow !== "none", top: r.top + scrollY, bottom: r.bottom + scrollY,
        left: r.left, name: el.name || el.id || el.textContent.trim().slice(0, 30),
        tag: el.tagName.toLowerCase(), role: el.getAttribute("role") || ""};
"""


def _open(driver: Any, base_url: str, name: str) -> None:
    b.log_in(driver, base_url, None)
    with translation.override("uk"):
        driver.get(base_url + reverse(name))


def _tab(driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).send_keys(Keys.TAB).perform()


def _tab_to_send_button(driver: Any) -> list[tuple[Any, dict]]:
    """Press Tab from the top of the page until the form's Send button has focus; every stop."""
    send = driver.find_element("css selector", "main form button.big")
    stops = []
    for _ in range(200):
        _tab(driver)
        active = driver.switch_to.active_element
        if stops and stops[-1][0] == active:
            continue  # a date input takes a Tab per part (day, month, year)
        stops.append((active, driver.execute_script(FOCUS_JS)))
        if active == send:
            return stops
    raise AssertionError("Tab never reached the Send button")


@pytest.mark.parametrize("name", FORMS)
def test_tab_goes_through_the_form_in_order_and_always_shows_focus(driver, live_server, name):
    _open(driver, live_server.url, name)
    assert driver.execute_script("return document.documentElement.lang") == "uk"
    assert (
        driver.execute_script(
            "return Array.from(document.querySelectorAll('[tabindex]'))"
            ".filter(function (el) { return el.tabIndex > 0; }).length"
        )
        == 0
    ), "no positive tabindex: it takes elements out of the page's order"

    stops = _tab_to_send_button(driver)
    expected = driver.execute_script(TABBABLE_JS)
    expected = expected[: expected.index(stops[-1][0]) + 1]
    describe = "return arguments[0].outerHTML.slice(0, 90)"
    assert [driver.execute_script(describe, el) for el, _ in stops] == [
        driver.execute_script(describe, el) for el in expected
    ], "Tab must follow the document's order"

    unseen = [f"{info['tag']} {info['name']}" for _, info in stops if not info["visible"]]
    assert unseen == [], "focus must be visible (an outline or a shadow) on every stop"

    # The document's order is the order on screen: no stop lies wholly above the one before
    # it, and on one row the next stop is to the right.
    form_top = driver.find_element("css selector", "main form").rect["y"]
    in_form = [info for _, info in stops if info["top"] >= form_top]
    assert len(in_form) > 8
    for before, after in zip(in_form, in_form[1:], strict=False):
        assert after["bottom"] > before["top"], (before, after)
        if after["top"] < before["bottom"] and after["bottom"] > before["top"]:
            assert after["left"] > before["left"], (before, after)
    print(f"\n{name}: {len(stops)} Tab stops, {len(in_form)} in the form, all with focus shown")


def _send_empty(driver: Any, base_url: str, name: str) -> None:
    _open(driver, base_url, name)
    _tab_to_send_button(driver)
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element("tag name", "html")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(page))


@pytest.mark.parametrize("name", FORMS)
def test_a_form_sent_empty_from_the_keyboard_comes_back_with_its_errors(driver, live_server, name):
    _send_empty(driver, live_server.url, name)
    errors = driver.find_elements("css selector", "main .errorlist")
    assert errors and all(e.text.strip() for e in errors)
    assert driver.find_elements("css selector", "main [aria-invalid=true]")


@pytest.mark.parametrize("name", FORMS)
def test_focus_lands_on_the_error_summary_when_a_form_comes_back(driver, live_server, name):
    _send_empty(driver, live_server.url, name)
    focused = driver.execute_script(FOCUS_JS)
    summary = driver.execute_script(
        "var el = document.activeElement;"
        "return !!(el.closest('[role=alert]') || el.closest('.error-summary'))"
    )
    assert summary, f"focus is on {focused['tag']} {focused['name']}"
