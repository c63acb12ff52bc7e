"""Every language, the whole way through (issue 14): for each of the nine, a person on a phone
chooses it in the picker, answers, gets a code and books a time, with JavaScript on and off, and
axe-core finds no violation on any page, right to left included. Selectors use names, values and
roles, never visible text, so one walk serves every language.

This module serves its own app (a fresh database): its eighteen bookings would otherwise crowd
the shared server's intake queue, whose lists show fifty rows, past the booking a staff test
looks for.
"""

import pytest
from playwright.sync_api import expect

from common.languages import LANGUAGES, RIGHT_TO_LEFT

from served import serve
from test_citizen_browser import QUESTION, book_first_free_slot, choose_language, confirm_code, finish_chat, get_code, violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's own server (tests/served.py): two workers, a fresh instance."""
    yield from serve(tmp_path_factory)


def expect_language(page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if code in RIGHT_TO_LEFT else "ltr")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("code", list(LANGUAGES))
def test_each_language_walks_to_a_booked_slot_with_no_accessibility_violation(phone, code, javascript):
    page = phone(java_script_enabled=javascript)
    seen = []  # (name, html) of each page as shown

    def check(name):
        expect_language(page, code)
        seen.append((f"{name} ({code}, {'js' if javascript else 'no-js'})", page.content()))

    page.goto("/")
    if code != "da":
        choose_language(page, code)
    check("landing")
    page.locator('main a[href*="/chat"]').click()
    expect(page.locator(QUESTION)).to_have_value("age_band")
    page.wait_for_load_state("domcontentloaded")
    check("first question")
    finish_chat(page)
    check("result")
    code_shown = get_code(page)
    check("code")
    confirm_code(page, code_shown)
    check("places")
    book_first_free_slot(page)
    expect(page.locator("main .booking-status .state-pending")).to_be_visible()
    check("status")
    problems = accessibility_violations(phone, seen)
    assert problems == [], "\n".join(problems)


def accessibility_violations(phone, seen) -> list[str]:
    """axe-core on each page as it was shown. axe is a script, and a page without JavaScript runs
    none, so every page's HTML is loaded into one scripted phone at the server's address (its
    stylesheet and all), with Indgang's own script left out so the page stays as it was."""
    page = phone()
    page.route("**/static/indgang.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto("/healthz")
    problems = []
    for name, html in seen:
        page.set_content(html)
        problems.extend(violations(page, name))
    return problems


def test_a_phone_that_asks_for_arabic_gets_it_on_the_first_page_without_a_cookie(phone):
    page = phone(java_script_enabled=False, locale="ar-IQ")
    page.goto("/")
    expect_language(page, "ar")
    assert page.context.cookies() == []
