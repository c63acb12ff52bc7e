"""Browser tests: the real app under gunicorn on a free loopback port, driven by Debian's Chromium.

One server and one browser serve the whole session; every test opens its own phone (a fresh
browser context, so a fresh session cookie). Any request for another host is refused and fails
the test: the site must make no third-party requests (DESIGN.md, "Privacy rules").
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parents[2]
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
STARTUP_SECONDS = 30
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class LiveServer:
    url: str
    log_path: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


#: urllib without proxies from the environment: the test talks to loopback only.
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(url: str) -> bool:
    try:
        with direct.open(f"{url}/healthz", timeout=1) as response:
            return response.status == 200 and response.read().decode() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    log_path = instance / "gunicorn.log"
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "INDGANG_INSTANCE": str(instance)}
    env.pop("INDGANG_CONFIG", None)  # the embedded default: Ishøj and Vallensbæk
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", "app/gunicorn_conf.py",
        "--bind", f"{LOOPBACK}:{port}",
        "--workers", "2",
        "app:create_app()",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz within {STARTUP_SECONDS} s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield LiveServer(url=url, log_path=log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
