"""Staff sign in through the municipality's identity provider in a real browser: the real
OpenID provider (oidc-provider, tests/oidc_served.py) and the app under gunicorn with
[staff.oidc] on, each on its own loopback port; a request to any other address fails the test."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from browser_helpers import DESKTOP, guarded
from test_citizen_browser import violations

pytestmark = pytest.mark.browser


@pytest.fixture
def oidc_contexts(browser, oidc_live_server, oidc_provider):
    yield from guarded(browser, oidc_live_server.url, allowed=(oidc_live_server.url, oidc_provider.issuer))


@pytest.fixture
def desk(oidc_contexts):
    """A desktop browser on the app with sign-in through the provider."""
    return lambda: oidc_contexts(**DESKTOP).new_page()


def at(path: str):
    return lambda url: urlsplit(url).path == path


def sign_in_at_the_provider(page, issuer: str, username: str) -> None:
    """On our sign-in page: the provider's button, then the provider's own sign-in page."""
    page.locator("form.oidc-start button").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    page.locator("#username").fill(username)
    page.locator("button[type=submit]").click()


@pytest.mark.parametrize("username, landing", [("anna", "/staff/"), ("pia", "/provider/"), ("ida", "/admin/")])
def test_staff_sign_in_and_out_through_the_municipality_s_provider(desk, oidc_provider, username, landing):
    page = desk()
    page.goto(landing)
    page.wait_for_url(at("/staff/login"))
    sign_in_at_the_provider(page, oidc_provider.issuer, username)
    page.wait_for_url(at(landing))
    expect(page.locator("header .signed-in")).to_contain_text(username)
    expect(page.locator("header a[href='/staff/totp']")).to_have_count(0)  # the provider's own two factors
    # Signing out ends the session here, then at the provider (it asks first)
    page.locator("header form.sign-out button").click()
    page.wait_for_url(f"{oidc_provider.issuer}/session/end**")
    page.locator("button[name=logout]").click()
    page.wait_for_url(at("/staff/signed-out"))
    expect(page.locator("#signed-out")).to_be_visible()
    page.goto(landing)
    page.wait_for_url(at("/staff/login"))
    # The provider's session ended too: signing in asks who you are again
    page.locator("form.oidc-start button").click()
    page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")


def test_a_person_without_a_group_of_indgang_sees_why_in_their_language(desk, oidc_provider):
    page = desk()
    page.goto("/staff/login?lang=en")
    problems = violations(page, "sign-in page with the identity provider", impacts=("serious", "critical"))
    sign_in_at_the_provider(page, oidc_provider.issuer, "otto")
    expect(page.locator("#oidc-refused")).to_contain_text("your account has no access to Indgang")
    problems += violations(page, "refused sign-in", impacts=("serious", "critical"))
    assert problems == []
    page.goto("/staff/")
    page.wait_for_url(at("/staff/login"))
