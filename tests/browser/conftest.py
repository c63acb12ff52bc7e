"""Browser tests: the real app under gunicorn on a free loopback port, driven by Debian's Chromium.

One server and one browser serve the whole session; every test opens its own phone (a fresh
browser context, so a fresh session cookie). Any request for another host is refused and fails
the test: the site must make no third-party requests (DESIGN.md, "Privacy rules").
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright
from served import LOOPBACK

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
def phone(playwright, browser, live_server):
    """Open a page on an emulated Pixel 7: `phone(java_script_enabled=False)`.

    Each call is a new browser context (a new person). Requests to any host but the test
    server are aborted and recorded; the test fails at teardown if there was one.
    """
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    contexts = []
    foreign = []

    def guard(route):
        if urlsplit(route.request.url).hostname == LOOPBACK:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    def open_page(java_script_enabled: bool = True, **options):
        context = browser.new_context(
            **device, java_script_enabled=java_script_enabled, base_url=live_server.url, **options
        )
        context.route("**/*", guard)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"
