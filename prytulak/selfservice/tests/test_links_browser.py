"""Both sides answer a proposal on their own pages in a real browser (headless Chromium): the
host from the link in the proposal e-mail, the household from the link in an SMS captured on
a fake Twilio. Then each sees the other's contact, and the history says who accepted."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from prytulak.conftest import make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import PlacementStatus
from prytulak.maps.tests.test_map_browser import CHROMEDRIVER, _screenshot, browser  # noqa: F401
from prytulak.notify.tests.test_sms import twilio  # noqa: F401
from prytulak.orgs.scopes import actor_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not __import__("pathlib").Path(CHROMEDRIVER).exists(),
        reason="Chromium is not installed (make browser installs it; CI requires it)",
    ),
]
LINK = re.compile(r"(http://[^\s]+/l/[A-Za-z0-9_-]+/)")


def test_host_and_household_accept_on_their_own_pages(
    browser,  # noqa: F811
    live_server,
    settings,
    twilio,  # noqa: F811
    org_a,
    coordinator_a,
    keep_test_connection_in_worker,
):
    settings.SITE_URL = live_server.url
    household = make_household(org_a, name="Olena Kovalenko", phone="+380671234567", email="")
    offer = make_offer(org_a)
    placement = placements.placement_propose(
        household=household, offer=offer, actor=actor_for(coordinator_a)
    )
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    # The host: the link from the proposal e-mail; no name of the family before both accept.
    (message,) = mail.outbox
    assert message.to == ["jan@example.org"]
    host_url = LINK.search(message.body).group(1)
    browser.get(host_url)
    page = browser.find_element("tag name", "body").text
    assert "2 people" in page and "Przemyśl" in page
    assert "Olena" not in page and "+380671234567" not in page
    _submit(browser, "accept")
    assert "Thank you: you accepted." in browser.find_element("tag name", "body").text

    # The household: no e-mail, so the proposal came by SMS (and the host's yes after it).
    texts = [m["Body"] for m in twilio.messages]
    assert all(m["To"] == "+380671234567" for m in twilio.messages)
    assert texts[0].startswith("Притулак: житло в Kraków")
    family_url = LINK.search(texts[0]).group(1)
    browser.get(family_url)
    page = browser.find_element("tag name", "body").text
    assert "Kraków" in page and "Jan Kowalski" not in page
    _submit(browser, "accept")
    page = browser.find_element("tag name", "body").text
    assert "Дякуємо: ви погодилися." in page
    assert "Ваш господар" in page and "Jan Kowalski" in page and "+48 600 100 200" in page
    _screenshot(browser, "link-household.png")

    browser.get(host_url)
    page = browser.find_element("tag name", "body").text
    assert "Olena Kovalenko" in page and "+380671234567" in page
    events = browser.find_element("id", "events").text
    assert "Accepted by the host" in events and "Accepted by the household" in events
    _screenshot(browser, "link-host.png")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    assert [e.by_party for e in placement.events.all()] == ["", "host", "household"]
    assert browser.execute_script("return document.scripts.length") == 0  # no JavaScript


def _submit(driver, button_id: str) -> None:
    """Click a form's button and wait for the next page (the old one goes stale first)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "body")
    driver.find_element("id", button_id).click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(old))
