"""Helpers for the page-by-page browser tests: one headless Chromium (Debian's), sessions for
each persona, axe-core injected from the vendored file, and a 360 px phone viewport."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from prytulak.conftest import VerifiedClient

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE_WIDTH = 360

needs_chromium = pytest.mark.skipif(
    not Path(CHROMEDRIVER).exists() and not os.getenv("CI"),
    reason="Chromium is not installed (make browser installs it; CI requires it)",
)


def chromium() -> Any:
    """A headless Chromium; the caller quits it (see the `browser` fixtures)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="prytulak-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1000", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic",
        "--force-prefers-reduced-motion", f"--user-data-dir={profile}",
    ]:  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    driver._prytulak_profile = profile
    return driver


def quit_chromium(driver: Any) -> None:
    driver.quit()
    shutil.rmtree(driver._prytulak_profile, ignore_errors=True)


def log_in(driver: Any, base_url: str, user: Any, *, second_step: bool = True) -> None:
    """Give the browser `user`'s session (None: nobody's)."""
    driver.get(base_url + "/static/css/app.css")  # any URL of the site, for the cookie
    driver.delete_all_cookies()
    if user is None:
        return
    client = VerifiedClient() if second_step else Client()
    client.force_login(user)
    driver.add_cookie(
        {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}
    )


def phone(driver: Any, width: int = PHONE_WIDTH) -> None:
    """Lay pages out as a phone `width` CSS pixels wide would (meta viewport honoured)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 780, "deviceScaleFactor": 1, "mobile": True},
    )


def desktop(driver: Any) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def submit_emptied_form(driver: Any) -> None:
    """Submit the page's form that posts back to the page with its typed-in fields emptied
    (the browser's own checks off), and wait for the answer."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("tag name", "html")
    found = driver.execute_script(
        """
        var here = location.href.split("#")[0].split("?")[0];
        var forms = Array.from(document.querySelectorAll("main form")).filter(function (f) {
          return f.method === "post" && f.action.split("?")[0] === here;
        });
        var form = forms[forms.length - 1];
        if (!form) return false;
        form.noValidate = true;
        form.querySelectorAll("input, textarea").forEach(function (el) {
          if (["hidden", "checkbox", "radio", "submit", "button", "file"].indexOf(el.type) < 0) {
            el.value = "";
          }
        });
        HTMLFormElement.prototype.submit.call(form);
        return true;
        """
    )
    assert found, f"no form posting back to {driver.current_url}"
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(old))


def shows_errors(driver: Any) -> bool:
    return bool(
        driver.find_elements(
            "css selector", ".errorlist, .messages .error, [role=alert], [aria-invalid=true]"
        )
    )


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0–2.2 A and AA rules) on the page; its violations."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]},
                           resultTypes: ["violations"]})
          .then(function (r) { done(r.violations.map(function (v) {
            return {id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(function (n) {
                      return {target: n.target.join(" "), html: n.html.slice(0, 160),
                              summary: n.failureSummary};
                    })};
          })); })
          .catch(function (e) { done([{id: "axe-error", help: String(e), nodes: []}]); });
        """,
        AXE_TAGS,
    )
    return result


OVERFLOW_JS = """
var vw = document.documentElement.clientWidth, out = [];
var page = document.documentElement.scrollWidth;
if (page > vw) out.push("page scrollWidth " + page + " > " + vw);
function name(el) {
  var s = el.tagName.toLowerCase();
  if (el.id) s += "#" + el.id;
  if (typeof el.className === "string" && el.className.trim())
    s += "." + el.className.trim().split(/\\s+/).join(".");
  return s;
}
function clipped(el) {  // inside something that scrolls or clips sideways
  for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true;
  }
  return false;
}
document.body.querySelectorAll("*").forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) return;  // visually hidden helpers
  if (r.left >= -1 && r.right <= vw + 1) return;
  if (clipped(el)) return;
  out.push(name(el) + " spans " + Math.round(r.left) + ".." + Math.round(r.right) + " px");
});
return out;
"""


def overflow(driver: Any) -> list[str]:
    """What sticks out sideways of the viewport (nothing inside a scroll container counts:
    that container is checked itself)."""
    return driver.execute_script(OVERFLOW_JS)


def full_page_screenshot(driver: Any, name: str, max_height: int = 1600) -> Path:
    """The page from its top (down to `max_height` px) at the current viewport width, into
    test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = driver.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, max_height), "scale": 1},
        },
    )
    path = ARTIFACTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000
    return path
