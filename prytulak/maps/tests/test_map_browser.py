"""The map in a real browser: Debian's headless Chromium driven through Debian's ChromeDriver
(`make test` installs both). Screenshots are kept in test-artifacts/ for people to look at."""

import os
import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from prytulak.conftest import VerifiedClient, make_household, make_offer
from prytulak.housing import placements
from prytulak.housing.models import HostOffer
from prytulak.orgs.scopes import actor_for

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not Path(CHROMEDRIVER).exists() and not os.getenv("CI"),
        reason="Chromium is not installed (make browser installs it; CI requires it)",
    ),
]

TOWNS = [  # (lat, lon) across Europe, each gets several offers
    (52.23, 21.01), (50.06, 19.94), (54.69, 25.28), (52.52, 13.40), (48.14, 11.58),
    (50.08, 14.44), (48.15, 17.11), (47.50, 19.04), (44.43, 26.10), (47.01, 28.86),
    (41.90, 12.50), (40.42, -3.70), (48.86, 2.35), (52.37, 4.90), (59.33, 18.07),
]  # fmt: skip


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="prytulak-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1000", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic",
        f"--user-data-dir={profile}",
    ]:  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def europe(org_a):
    rng = random.Random(11)
    offers = []
    for i in range(150):
        lat, lon = TOWNS[i % len(TOWNS)]
        offer = make_offer(org_a, beds=rng.randint(1, 5), pets_allowed=i % 3 == 0)
        HostOffer.objects.filter(pk=offer.pk).update(latitude=lat, longitude=lon)
        offers.append(offer)
    return offers


def _wait(driver, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _ready(driver, offers=None):
    def check(d):
        el = d.find_element("id", "map")
        state, shown = el.get_attribute("data-state"), el.get_attribute("data-offers")
        return state == "ready" and (offers is None or shown == str(offers))

    _wait(driver, check)


def _cluster_total(driver):
    spans = driver.find_elements("css selector", ".marker-cluster span")
    return sum(int(s.text) for s in spans if s.text.strip())


def _log_in(driver, live_server, user):
    client = VerifiedClient()
    client.force_login(user)
    driver.get(live_server.url + "/static/css/app.css")  # any page of the site, for the cookie
    driver.add_cookie(
        {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}
    )


def _no_script_errors(driver):
    """Nothing failed in the page: no script error, no missing file, no blocked request."""
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def _screenshot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_the_public_map_shows_europe_with_clusters_and_filters_work(
    browser, live_server, europe, make_trip
):
    make_trip()  # trips are for staff: the public map must not draw it
    browser.get(live_server.url + "/en/map/")
    _ready(browser, offers=150)
    # The offline base layer: country outlines from world-atlas, drawn as SVG paths.
    _wait(
        browser, lambda d: len(d.find_elements("css selector", ".leaflet-outlines-pane path")) > 30
    )
    clusters = browser.find_elements("css selector", ".marker-cluster")
    assert len(clusters) >= 10
    assert _cluster_total(browser) == 150
    assert browser.find_element("id", "map-summary").text.startswith("150 offers in this area")
    _screenshot(browser, "map-public.png")

    browser.find_element("id", "id_pets").click()
    _ready(browser, offers=50)
    _wait(browser, lambda d: _cluster_total(d) == 50)
    browser.find_element("id", "id_min_beds").send_keys("5")
    browser.find_element("id", "id_min_beds").send_keys("\t")  # change fires on blur
    # Few big offers with pets are left per town: a town with 1 or 2 shows as a band.
    per_town = Counter(
        TOWNS[i % len(TOWNS)] for i, o in enumerate(europe) if o.pets_allowed and o.beds >= 5
    )
    exact = sum(n for n in per_town.values() if n >= 3)
    few = sum(1 for n in per_town.values() if n < 3)
    assert few, "the data should leave some town with one or two such offers"
    _wait(
        browser,
        lambda d: (
            (
                d.find_element("id", "map").get_attribute("data-offers"),
                d.find_element("id", "map").get_attribute("data-few"),
            )
            == (str(exact), str(few))
        ),
    )
    icons = [s.text for s in browser.find_elements("css selector", ".marker-cluster span")]
    assert "1–2" in icons and not {"1", "2"} & set(icons)
    summary = browser.find_element("id", "map-summary").text
    assert summary.startswith(f"{exact + few}–{exact + 2 * few} offers in this area, at least")
    _screenshot(browser, "map-public-filtered.png")
    # Nothing on the public page points at a single offer.
    assert not browser.find_elements("css selector", ".offer-pin")
    assert not browser.find_elements("css selector", "path.trip-line")
    assert _crossings_shown(browser) == 21
    assert "/staff/offers/" not in browser.page_source
    _no_script_errors(browser)


def _crossings_shown(driver):
    """Crossings on the map: single pins plus the number on each group of them."""
    groups = driver.find_elements("css selector", ".crossing-group span")
    pins = driver.find_elements("css selector", ".crossing-pin")
    return len(pins) + sum(int(g.text) for g in groups)


def _zoom_in(driver, times):
    for _ in range(times):
        before = driver.find_element("id", "map").get_attribute("data-places-zoom")
        driver.find_element("css selector", ".leaflet-control-zoom-in").click()
        _wait(driver, lambda d, b=before: (
            d.find_element("id", "map").get_attribute("data-places-zoom") != b
        ))  # fmt: skip


def _labels(driver):
    return [el.text for el in driver.find_elements("css selector", ".place-label")]


def test_offline_the_map_names_towns_in_the_readers_language_and_more_of_them_up_close(
    browser, live_server, db
):
    browser.get(live_server.url + "/uk/map/")
    _wait(browser, lambda d: len(_labels(d)) > 10)
    europe = _labels(browser)
    assert {"Варшава", "Берлін"} <= set(europe), europe
    # Europe zoom: the crossings on the Ukrainian border are grouped, each group with its count.
    _wait(browser, lambda d: d.find_elements("css selector", ".crossing-group"))
    assert len(browser.find_elements("css selector", ".crossing-pin")) < 21
    assert _crossings_shown(browser) == 21
    _screenshot(browser, "map-offline-europe-uk.png")
    _zoom_in(browser, 6)  # city zoom around Ostrava and Katowice
    _wait(browser, lambda d: "Острава" in _labels(d) or "Ostrava" in _labels(d))
    close = _labels(browser)
    assert len(close) > len([n for n in europe if n in close]) + 3
    # Names are text, drawn under the markers, never taking a click.
    assert (
        browser.execute_script(
            "return getComputedStyle(document.querySelector('.leaflet-labels-pane')).pointerEvents"
        )
        == "none"
    )
    _screenshot(browser, "map-offline-city-uk.png")
    _no_script_errors(browser)


def test_staff_see_trips_grouped_at_europe_zoom_and_a_rich_offer_popup(
    browser, live_server, viewer_a, org_a, make_trip
):
    for lat, lon in [(49.84, 24.03), (49.80, 24.10), (49.90, 23.95)]:  # around Lviv
        make_trip(origin_latitude=lat, origin_longitude=lon)
    offer = make_offer(org_a, beds=1, pets_allowed=False, children_allowed=True)
    HostOffer.objects.filter(pk=offer.pk).update(latitude=52.52, longitude=13.40, city="Berlin")
    _log_in(browser, live_server, viewer_a)
    browser.get(live_server.url + "/en/map/")
    _ready(browser, offers=1)
    map_el = lambda d: d.find_element("id", "map")  # noqa: E731
    _wait(browser, lambda d: map_el(d).get_attribute("data-trips-grouped") == "yes")
    assert map_el(browser).get_attribute("data-trips") == "1"
    assert len(browser.find_elements("css selector", "path.trip-group")) == 1
    _open_tooltips(browser, "path.trip-group")
    tooltip = browser.find_element("css selector", ".leaflet-tooltip").text
    assert tooltip.startswith("3 planned trips, 12 seats free"), tooltip

    browser.execute_script("document.querySelector('.offer-pin').click()")
    _wait(browser, lambda d: d.find_elements("css selector", ".offer-popup [data-state=ready]"))
    popup = browser.find_element("css selector", ".offer-popup")
    assert popup.text.startswith("Berlin: 1 bed\nAvailable"), popup.text
    assert "No pets" in popup.text and "Children welcome" in popup.text and "Host:" in popup.text
    link = popup.find_element("css selector", "a")
    assert link.get_attribute("href").endswith(f"/staff/offers/{offer.pk}/")
    _screenshot(browser, "map-staff-popup.png")

    _zoom_in(browser, 3)  # zoom 7: every trip on its own
    _wait(browser, lambda d: map_el(d).get_attribute("data-trips-grouped") == "no")
    assert map_el(browser).get_attribute("data-trips") == "3"
    assert not browser.find_elements("css selector", "path.trip-group")
    _no_script_errors(browser)


def test_staff_see_clustered_offers_households_and_trips_in_ukrainian(
    browser, live_server, europe, viewer_a, org_a, make_trip
):
    make_household(org_a)
    make_trip()
    _log_in(browser, live_server, viewer_a)
    browser.get(live_server.url + "/uk/map/")
    _ready(browser, offers=150)
    assert browser.find_element("tag name", "h1").text == "Мапа Європи"
    assert browser.find_element("id", "map-summary").text.startswith("150 пропозицій")
    labels = [el.text for el in browser.find_elements("css selector", "#map-filters label")]
    assert "Тип житла:" in labels and "Країна:" in labels
    # Staff get single offers, grouped by Leaflet.markercluster into clusters.
    _wait(browser, lambda d: len(d.find_elements("css selector", ".marker-cluster")) >= 5)
    _wait(browser, lambda d: d.find_elements("css selector", ".household-point"))
    _wait(browser, lambda d: d.find_elements("css selector", "path.trip-line"))
    # Leaflet's own controls speak the page's language too.
    title = lambda css: browser.find_element("css selector", css).get_attribute("title")  # noqa: E731
    assert title(".leaflet-control-zoom-in") == "Наблизити"
    assert title(".leaflet-control-zoom-out") == "Віддалити"
    assert title(".leaflet-control-layers-toggle") == "Шари"
    # The household point's tooltip counts in Ukrainian (worded by the server).
    assert _open_tooltips(browser, ".household-point") == 1
    texts = lambda d: [el.text for el in d.find_elements("css selector", ".leaflet-tooltip")]  # noqa: E731
    _wait(browser, lambda d: "1 родина чекає тут" in texts(d))
    _screenshot(browser, "map-staff-uk.png")
    _no_script_errors(browser)


def test_a_placements_journey_is_drawn_for_its_caseworker(
    browser, live_server, caseworker_a, org_a
):
    household = make_household(org_a)
    offer = make_offer(org_a)
    placement = placements.placement_propose(
        household=household, offer=offer, actor=actor_for(caseworker_a)
    )
    _log_in(browser, live_server, caseworker_a)
    browser.get(live_server.url + f"/en/map/?placement={placement.pk}")
    _wait(browser, lambda d: d.find_elements("css selector", "path.route-line"))
    _screenshot(browser, "map-journey.png")
    _no_script_errors(browser)


# Markup typed into a form (or stored by any other way) is shown as text, never built.
MARKUP = (
    '<img src=x onerror="window.__pwned=1"><b>bold</b>'
    '<meta http-equiv="refresh" content="0;url=about:blank">'
)


def _open_tooltips(driver, selector):
    """Hover every element matching `selector` (as a mouse would), so Leaflet opens their
    tooltips; returns how many there were."""
    return driver.execute_script(
        """
        var found = document.querySelectorAll(arguments[0]);
        found.forEach(function (el) {
          el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
        });
        return found.length;
        """,
        selector,
    )


def test_names_holding_markup_show_as_text_in_every_tooltip_and_build_nothing(
    browser, live_server, caseworker_a, org_a, make_trip
):
    from prytulak.assistance.models import ServiceProvider
    from prytulak.journeys.models import BorderCrossing

    # Stored straight through the ORM: the forms refuse such names now.
    make_trip(origin=f"Lviv {MARKUP}")
    BorderCrossing.objects.filter(code="PL-MEDYKA").update(name=f"Medyka {MARKUP}")
    ServiceProvider.objects.create(
        name=f"Clinic {MARKUP}", kind="lawyer", case_types=["legal_status"], city="Kraków",
        country="PL", latitude=50.06, longitude=19.94, languages=["uk"],
    )  # fmt: skip
    household = make_household(org_a)
    offer = make_offer(org_a)
    placement = placements.placement_propose(
        household=household, offer=offer, actor=actor_for(caseworker_a)
    )
    household.__class__.objects.filter(pk=household.pk).update(arrival_place=f"Przemyśl {MARKUP}")
    HostOffer.objects.filter(pk=offer.pk).update(city=f"Kraków, {MARKUP}")

    _log_in(browser, live_server, caseworker_a)
    browser.get(live_server.url + f"/en/map/?placement={placement.pk}")

    def drawn(selector, count=None):
        def check(d):
            # A <meta http-equiv="refresh"> built from a name would take the page elsewhere.
            assert d.current_url.startswith(live_server.url + "/en/map/"), d.current_url
            found = d.find_elements("css selector", selector)
            return len(found) == count if count else found

        return check

    for selector in ("path.route-line", "path.trip-line", ".service-pin"):
        _wait(browser, drawn(selector))
    _wait(browser, drawn(".crossing-pin", 21))
    assert _open_tooltips(browser, ".service-pin, .crossing-pin, path.trip-line") == 23
    texts = [el.text for el in browser.find_elements("css selector", ".leaflet-tooltip")]

    # Each name is there, character for character: the route's two stops (permanent
    # tooltips), the trip, the crossing and the service.
    for name in (
        f"Przemyśl {MARKUP}",
        f"Kraków, {MARKUP}",
        f"Lviv {MARKUP}",
        f"Medyka {MARKUP}",
        f"Clinic {MARKUP}",
    ):
        assert any(name in text for text in texts), (name, texts)
    # …and nothing was built from it.
    assert browser.execute_script(
        "return [document.querySelectorAll('img[src=\"x\"]').length,"
        " document.querySelectorAll('.leaflet-tooltip b, .leaflet-tooltip meta, meta[http-equiv]').length,"
        " typeof window.__pwned, location.pathname]"
    ) == [0, 0, "undefined", "/en/map/"]  # fmt: skip
    _screenshot(browser, "map-markup-as-text.png")
    _no_script_errors(browser)


def test_town_names_come_on_when_the_tiles_cannot_be_had_and_stay_off_over_working_tiles(
    browser, live_server, db, settings
):
    # Tiles that load (an image of the site itself): they name towns, ours stay off.
    settings.MAP_TILE_URL = live_server.url + "/static/favicon.ico?{z}/{x}/{y}"
    browser.get(live_server.url + "/en/map/")
    _ready(browser)
    _wait(browser, lambda d: d.find_elements("css selector", ".leaflet-tile-loaded"))
    assert not _labels(browser)
    # Tiles that cannot be had (a machine offline): the names from the gazetteer come on.
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    browser.get(live_server.url + "/en/map/")
    _wait(browser, lambda d: len(_labels(d)) > 10)
    assert "Warsaw" in _labels(browser)
