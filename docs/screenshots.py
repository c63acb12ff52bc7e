"""Screenshots for the README, taken from the real app so they can be refreshed after a change.

    make screenshots      # writes docs/screenshots/*.png

The app runs under gunicorn as the browser tests run it (`tests/served.py`, a fresh instance with
the embedded default configuration and its demo accounts); Debian's Chromium is driven through
the browser tests' own helpers. A citizen goes through on a Pixel 7 in Danish, and the chat and result are
taken in Arabic and Urdu (right to left) on a 320 px phone; four more book so
the intake queue and the statistics have something to show; intake confirms and grants the first
one a course at Lænke Hvidovre, whose staff record attendance and read the invoice basis; the
admin reads the month's statistics. Any request to another host is refused and fails the run, as in the tests.
"""

import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser"), str(ROOT / "tests")]  # the browser conftest first

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the browser tests' Chromium, reused as is)

from served import LOOPBACK, serve  # noqa: E402
from test_citizen_browser import answer, confirm_code, finish_chat, get_code, shown_question, start_chat  # noqa: E402
from test_provider_browser import conversation_held_this_morning, intake_confirms, intake_grants, provider_row, today  # noqa: E402
from test_staff_browser import citizen_books, new_referral, queued_referrals, sign_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PLACE = "laenke-hvidovre"
#: The chat question shown: the substances, ticked from a list.
QUESTION_SHOWN = "substances"
#: Extra citizens who book, so the queue has rows and the statistics reach 5 (smaller figures show as <5).
OTHER_CITIZENS = 4
#: Right-to-left languages photographed at the narrowest phone width: the chat and the result.
RIGHT_TO_LEFT_SHOWN = ("ar", "ur")
NARROW = {"width": 320, "height": 640}
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "locale": "da-DK"}


class _Factory:
    """What `serve` expects of pytest's tmp_path_factory: folders under `base`."""

    def __init__(self, base: str):
        self.base = Path(base)

    def mktemp(self, name):
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.base))


class Browser:
    """Fresh contexts (a new person each) on the served app; requests to other hosts are refused
    and remembered in `foreign`."""

    def __init__(self, playwright, url: str):
        self.chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        pixel = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
        self.phone_options = {**pixel, "device_scale_factor": 1, "locale": "da-DK"}
        self.url = url
        self.foreign = []

    def _guard(self, route):
        if urlsplit(route.request.url).hostname == LOOPBACK:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def page(self, options):
        context = self.chromium.new_context(base_url=self.url, **options)
        context.route("**/*", self._guard)
        return context.new_page()

    def phone(self):
        return self.page(self.phone_options)

    def narrow_phone(self):
        return self.page({**self.phone_options, "viewport": NARROW})

    def desk(self):
        return self.page(DESKTOP)


def shoot(page, name: str) -> None:
    """The visible screen as docs/screenshots/<name>.png, once fonts and images have loaded."""
    page.wait_for_load_state("load")
    page.screenshot(path=OUT / f"{name}.png", full_page=False, animations="disabled", caret="hide")
    print(f"docs/screenshots/{name}.png")


def citizen(page) -> None:
    """The citizen's way through, photographed: landing, a question, result, code, times, status."""
    page.goto("/")
    shoot(page, "citizen-1-landing")
    start_chat(page)
    while shown_question(page) != QUESTION_SHOWN:
        answer(page)
    shoot(page, "citizen-2-question")
    finish_chat(page)
    shoot(page, "citizen-3-result")
    code = get_code(page)
    shoot(page, "citizen-4-code")
    confirm_code(page, code)
    page.locator(f'main a[href$="/book/{PLACE}"]').first.click()
    page.wait_for_url(f"**/book/{PLACE}*")
    shoot(page, "citizen-5-booking")
    page.locator("form.booking input[name=slot]").first.check()
    page.locator("form.booking button.primary").click()
    page.wait_for_url("**/status")
    expect(page.locator("main .booking-status .state-pending")).to_be_visible()
    shoot(page, "citizen-6-status")


def right_to_left(page, language: str) -> None:
    """The chat question and the result in `language`, at 320 px."""
    page.goto(f"/?lang={language}")
    page.locator('main a[href*="/chat"]').click()
    while shown_question(page) != QUESTION_SHOWN:
        answer(page)
    shoot(page, f"citizen-{language}-1-chat")
    finish_chat(page)
    shoot(page, f"citizen-{language}-2-result")


def intake(page, live, referral: str) -> None:
    """The queue; then `referral`'s booking confirmed and a course granted at PLACE from today
    (the conversation moved to this morning, as the live server runs on the real clock)."""
    page.reload()
    shoot(page, "staff-1-queue")
    _, case_path = intake_confirms(page, set(queued_referrals(page)) - {referral})
    intake_grants(page, case_path, PLACE, conversation_held_this_morning(live, referral))
    shoot(page, "staff-2-case")


def provider(page, referral: str) -> None:
    """The place's staff: the referral with one attended day, then this month's invoice basis."""
    page.goto("/staff/login")
    sign_in(page, f"provider-{PLACE}")
    provider_row(page, referral).locator("th[scope=row] a").click()
    page.wait_for_url(f"**/provider/referrals/{referral}")
    form = page.locator("main section[aria-labelledby=course-title] form.attendance")
    form.locator("#session-day").fill(today().isoformat())
    form.locator('input[name=outcome][value="attended"]').check()
    form.locator("button.primary").click()
    expect(page.locator("main p.flash.ok")).to_be_visible()
    shoot(page, "provider-1-referral")
    page.goto(f"/provider/invoice?month={today():%Y-%m}")
    expect(page.locator("main table.invoice")).to_be_visible()
    shoot(page, "provider-2-invoice")


def admin(page) -> None:
    page.goto("/staff/login")
    sign_in(page, "admin")
    page.goto(f"/admin/stats?month={today():%Y-%m}")
    shoot(page, "admin-1-statistics")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="indgang-screenshots-") as base:
        server = serve(_Factory(base))
        live = next(server)
        try:
            with sync_playwright() as playwright:
                browser = Browser(playwright, live.url)
                staff = browser.desk()
                staff.goto("/staff/login")
                sign_in(staff, "intake")
                waiting_before = set(queued_referrals(staff))
                citizen(browser.phone())
                for language in RIGHT_TO_LEFT_SHOWN:
                    right_to_left(browser.narrow_phone(), language)
                referral = new_referral(staff, waiting_before)
                for _ in range(OTHER_CITIZENS):
                    citizen_books(browser.phone())
                intake(staff, live, referral)
                provider(browser.desk(), referral)
                admin(browser.desk())
                browser.chromium.close()
        finally:
            server.close()
    if browser.foreign:
        print(f"requests to other hosts: {browser.foreign}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
