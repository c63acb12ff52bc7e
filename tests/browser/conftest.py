"""Browser tests: the real app under gunicorn on a free loopback port, driven by Debian's Chromium.

One server and one browser serve the whole session; every test opens its own phone (a fresh
browser context, so a fresh session cookie). Any request for another host is refused and fails
the test: the site must make no third-party requests (DESIGN.md, "Privacy rules").
"""


import pytest
from playwright.sync_api import sync_playwright

from browser_helpers import DESKTOP, guarded

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
@pytest.fixture(scope="session")
def playwright():
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def guarded_contexts(browser, live_server):
    """Open browser contexts on the test server: `open_context(**options)`.

    Requests to any address but the test server are aborted and recorded; the test fails at
    teardown if there was one (the site must make no third-party requests).
    """
    yield from guarded(browser, live_server.url, allowed=(live_server.url,))


@pytest.fixture
def phone(playwright, guarded_contexts):
    """Open a page on an emulated Pixel 7 set to Danish (a new person each call):
    `phone(java_script_enabled=False)`; options replace the device's, e.g.
    `phone(viewport={"width": 320, "height": 640})` or `phone(locale="ar")` (the browser's language
    is the first page's, app/i18n.py)."""
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"} | {"locale": "da-DK"}

    def open_page(java_script_enabled: bool = True, **options):
        return guarded_contexts(**{**device, **options}, java_script_enabled=java_script_enabled).new_page()

    return open_page


@pytest.fixture
def desk(guarded_contexts):
    """Open a page in a desktop browser, 1366×900, Danish, no device emulation (staff and providers)."""

    def open_page(java_script_enabled: bool = True, **options):
        return guarded_contexts(**DESKTOP, java_script_enabled=java_script_enabled, **options).new_page()

    return open_page
