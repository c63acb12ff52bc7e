"""Intake staff on a desktop browser, next to a citizen on a phone (DESIGN.md, "Staff" and
"Privacy rules"): the citizen books, staff confirm the booking from the queue and record the
decision, and the citizen's status page shows each step. Staff see referral numbers only, never
the citizen's code. Selectors use stable attributes, not visible text.
"""

import contextlib
import datetime as dt
import re
import sqlite3
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from common.clock import COPENHAGEN, day_start
from store.times import stamp

from test_citizen_browser import book_first_free_slot, confirm_code, finish_chat, get_code, serious_violations, start_chat

pytestmark = pytest.mark.browser

QUEUE_ROWS = "main table.queue tbody tr"
TODAY_ROWS = "main section.today table.queue tbody tr"
#: A laptop's screen, and a tablet held upright (issue 12: staff work on both).
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
STAFF_JAVASCRIPT = pytest.mark.parametrize("staff_javascript", [True, False], ids=["staff-js", "staff-no-js"])


# ---- a desktop browser for staff ------------------------------------------------------------



# ---- helpers -------------------------------------------------------------------------------


def citizen_books(page) -> str:
    """On the phone: the whole chat, a code, the first free time; returns the code as shown."""
    start_chat(page)
    finish_chat(page)
    code = get_code(page)
    confirm_code(page, code)
    book_first_free_slot(page)
    expect(page.locator("main .booking-status .state-pending")).to_be_visible()
    return code


def the_conversation_has_started(live_server, referral: str) -> None:
    """Time passes: the server runs on the real clock, and a decision waits for the conversation's
    start, so the case's confirmed conversation is moved to an hour ago (off the whole hours that
    slots start on) in the server's database; in the first hour of a day in Copenhagen, to just
    after its midnight, for a conversation never comes before the day of first contact (today)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today_began = day_start(now.astimezone(COPENHAGEN).date())
    an_hour_ago = now - dt.timedelta(hours=1, minutes=1, seconds=7)
    just_after_midnight = min(today_began + dt.timedelta(seconds=7), now - dt.timedelta(seconds=1))
    started = max(an_hour_ago, just_after_midnight)
    with contextlib.closing(sqlite3.connect(live_server.instance / "indgang.sqlite3")) as db, db:
        db.execute(
            "update bookings set starts_at = ?, ends_at = ? where state = 'confirmed'"
            " and case_id = (select id from cases where referral_number = ?)",
            [stamp(started), stamp(started + dt.timedelta(hours=1)), referral],
        )


def sign_in(page, username: str, password: str = "demo") -> None:
    """Sign in on /staff/login (the page the staff pages send you to); stays where it lands."""
    page.locator("form.staff-form input[name=username]").fill(username)
    page.locator("form.staff-form input[name=password]").fill(password)
    page.locator("form.staff-form button.primary").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/staff/login")


def queued_referrals(page) -> list[str]:
    return [link.text_content().strip() for link in page.locator(f"{QUEUE_ROWS} th[scope=row] a").all()]


def assert_no_code(page, code: str, where: str) -> None:
    """The page holds the code in no formatting: with or without dashes, spaces, any case."""
    bare = re.sub(r"[^0-9a-z]", "", code.lower())
    assert len(bare) == 20, code  # four groups of five (intake.codes)
    html = page.content().lower()
    for text in (html, re.sub(r"<[^>]*>", "", html)):  # the markup, and the text split over tags
        assert bare not in re.sub(r"[^0-9a-z]", "", text), f"{where} shows the citizen's code"


# ---- the booking through staff's hands -----------------------------------------------------


@STAFF_JAVASCRIPT
def test_staff_confirm_and_decide_and_the_citizen_sees_both(phone, desk, staff_javascript, live_server):
    staff = desk(java_script_enabled=staff_javascript)
    staff.goto("/staff/")
    assert urlsplit(staff.url).path == "/staff/login"
    sign_in(staff, "intake")
    assert urlsplit(staff.url).path == "/staff/"
    waiting_before = set(queued_referrals(staff))

    citizen = phone()
    code = citizen_books(citizen)
    when = citizen.locator("main .booking-status .when").text_content().strip()
    start_time = re.search(r"\d{2}[:.]\d{2}$", when).group()

    staff.reload()
    new = [number for number in queued_referrals(staff) if number not in waiting_before]
    assert len(new) == 1, f"expected one new queue row, got {new}"
    referral = new[0]
    row = staff.locator(QUEUE_ROWS).filter(has=staff.locator(f'th[scope=row] a:text-is("{referral}")'))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_contain_text(start_time)
    assert_no_code(staff, code, "the queue")
    case_path = urlsplit(row.locator("th[scope=row] a").get_attribute("href")).path
    assert case_path.endswith(f"/staff/cases/{referral}")

    row.locator('form[action$="/confirm"] button.primary').click()

    staff.wait_for_url("**/staff/")
    expect(staff.locator("main p.flash.ok")).to_be_visible()
    assert referral not in queued_referrals(staff), "a confirmed booking still waits in the queue"
    citizen.goto("/status")
    expect(citizen.locator("main .booking-status .state-confirmed")).to_be_visible()
    expect(citizen.locator("main section.decision")).to_have_count(0)

    staff.goto(case_path)
    expect(staff.locator("main p.state-confirmed")).to_be_visible()
    assert_no_code(staff, code, "the case page")
    expect(staff.locator("main form.decision-form")).to_have_count(0)  # until the conversation starts
    the_conversation_has_started(live_server, referral)
    staff.reload()
    form = staff.locator("main form.decision-form")
    form.locator('input[name=outcome][value="granted"]').check()
    place = form.locator("#decision-provider option:not([value=''])").first
    place_id, place_name = place.get_attribute("value"), place.text_content().strip()
    form.locator("#decision-provider").select_option(place_id)
    start = dt.date.today() + dt.timedelta(days=14)
    form.locator("#decision-start").fill(start.isoformat())
    form.locator("button.primary").click()

    expect(staff.locator("main p.flash.ok")).to_be_visible()
    expect(staff.locator("main p.decision")).to_contain_text(place_name)
    expect(staff.locator("main p.state-attended")).to_be_visible()
    assert_no_code(staff, code, "the case page after the decision")

    citizen.reload()
    decision = citizen.locator("main section.decision")
    expect(decision).to_be_visible()
    expect(decision).to_contain_text("§ 101a")
    expect(decision).to_contain_text(place_name)


# ---- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username, landing", [("admin", "/admin/"), ("provider-laenke-hvidovre", "/provider/")])
def test_other_roles_are_refused_the_intake_queue(desk, username, landing):
    page = desk()
    page.goto("/staff/login")
    sign_in(page, username)
    assert urlsplit(page.url).path == landing

    response = page.goto("/staff/")

    assert response.status == 403
    assert urlsplit(page.url).path == "/staff/"
    expect(page.locator("main table.queue")).to_have_count(0)
    expect(page.locator(f'main a.button[href="{landing}"]')).to_be_visible()


# ---- accessibility --------------------------------------------------------------------------


def test_staff_pages_pass_automated_accessibility_check(phone, desk):
    citizen_books(phone())
    page = desk()
    problems = []
    page.goto("/staff/login")
    problems += serious_violations(page, "sign-in")
    sign_in(page, "intake")
    expect(page.locator(QUEUE_ROWS).first).to_be_visible()
    problems += serious_violations(page, "queue")
    page.locator(f"{QUEUE_ROWS} th[scope=row] a").first.click()
    page.wait_for_url("**/staff/cases/*")
    problems += serious_violations(page, "case")
    assert problems == [], "\n".join(problems)


# ---- the queue: today first, fits a laptop and a tablet --------------------------------------


def the_hold_ends_tonight(live_server, referral: str) -> None:
    """The pending booking's hold is set to end at midnight tonight (Copenhagen), as a booking
    for tomorrow's first time has it, whatever day the tests run on."""
    tonight = day_start(dt.datetime.now(COPENHAGEN).date() + dt.timedelta(days=1))
    with contextlib.closing(sqlite3.connect(live_server.instance / "indgang.sqlite3")) as db, db:
        db.execute(
            "update bookings set hold_until = ? where state = 'pending'"
            " and case_id = (select id from cases where referral_number = ?)",
            [stamp(tonight), referral],
        )


def new_referral(staff, waiting_before: set[str]) -> str:
    staff.reload()
    [referral] = [number for number in queued_referrals(staff) if number not in waiting_before]
    return referral


def test_the_queue_shows_today_with_its_count_and_fits_a_laptop_and_a_tablet(phone, desk, live_server):
    staff = desk()
    staff.set_viewport_size(LAPTOP)
    staff.goto("/staff/login")
    sign_in(staff, "intake")
    waiting_before = set(queued_referrals(staff))
    citizen_books(phone())
    referral = new_referral(staff, waiting_before)
    # Given the new booking's hold ends tonight
    the_hold_ends_tonight(live_server, referral)
    staff.reload()
    # Then the today group lists it, and its count is the number of today's rows
    today_rows = staff.locator(TODAY_ROWS)
    expect(today_rows.filter(has=staff.locator(f'th[scope=row] a:text-is("{referral}")'))).to_have_count(1)
    assert int(staff.locator("#today-title .count").text_content()) == today_rows.count()
    row = today_rows.filter(has=staff.locator(f'th[scope=row] a:text-is("{referral}")'))
    expect(row.locator("td.confirm-by")).to_contain_text("24")
    # and on the laptop at least ten rows fit on the first screen, with no sideways scrolling
    box = row.bounding_box()
    assert staff.locator(QUEUE_ROWS).first.bounding_box()["y"] + 10 * box["height"] <= LAPTOP["height"], box
    for viewport in (LAPTOP, TABLET):
        staff.set_viewport_size(viewport)
        overflow = staff.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the queue scrolls sideways by {overflow} px at {viewport['width']} px"


# ---- accessibility: every impact, laptop and tablet ----------------------------------------


def every_violation(page, name: str) -> list[str]:
    """axe-core's violations of any impact (minor included)."""
    results = Axe().run(page)
    return [
        f"{name}: {violation['id']} ({violation['impact']}) at "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


def at_size(page, viewport):
    page.set_viewport_size(viewport)
    return page


def visit(page, path: str, name: str, problems: list[str]) -> None:
    page.goto(path)
    problems += every_violation(page, name)


@pytest.mark.parametrize("viewport", [LAPTOP, TABLET], ids=["laptop", "tablet"])
def test_staff_provider_and_admin_pages_have_no_accessibility_violation(phone, desk, viewport):
    citizen_books(phone())
    page = at_size(desk(), viewport)
    problems = []
    visit(page, "/staff/login", "sign-in", problems)
    sign_in(page, "intake")
    visit(page, "/staff/", "queue", problems)
    case_path = urlsplit(page.locator(f"{QUEUE_ROWS} th[scope=row] a").first.get_attribute("href")).path
    visit(page, case_path, "case", problems)
    move = page.locator('main a[href$="/move"]')
    if move.count():
        visit(page, urlsplit(move.first.get_attribute("href")).path, "move the booking", problems)
    for state in ("awaiting_confirmation", "awaiting_conversation", "in_course"):
        visit(page, f"/staff/open/{state}", state, problems)
    visit(page, "/staff/find?referral=R-ZZZZ-ZZZZ", "not found", problems)
    visit(page, "/staff/phone", "phone intake", problems)
    for role, paths in (("provider-laenke-hvidovre", ("/provider/", "/provider/invoice")),
                        ("admin", ("/admin/", "/admin/audit", "/admin/audit?since=nonsense", "/admin/stats"))):
        page = at_size(desk(), viewport)
        page.goto("/staff/login")
        sign_in(page, role)
        for path in paths:
            visit(page, path, path, problems)
    assert problems == [], "\n".join(problems)
