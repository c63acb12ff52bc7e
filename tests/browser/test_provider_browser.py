"""Provider staff on a desktop browser (README, "Privacy, as built"; seed 000): a citizen books
on a phone, intake staff confirm the booking and grant a course at the booked place, and the
place sees the referral by its number only, records attendance and reads the month's invoice
basis. Selectors use stable attributes; visible words are looked up in the page's own language.
"""

import contextlib
import datetime as dt
import gettext
import re
import sqlite3
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from store.times import stamp

from test_citizen_browser import (
    PROJECT_ROOT,
    book_first_free_slot,
    confirm_code,
    finish_chat,
    get_code,
    serious_violations,
    start_chat,
)
from test_staff_browser import QUEUE_ROWS, assert_no_code, queued_referrals, sign_in

pytestmark = pytest.mark.browser

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PROVIDER_ROWS = "main table.queue tbody tr"
COURSE = "main section[aria-labelledby=course-title]"


# ---- a desktop browser (as in test_staff_browser; imported, the fixture would shadow an import) ----



# ---- helpers -------------------------------------------------------------------------------


def today() -> dt.date:
    """The app's today: the date in Copenhagen."""
    return dt.datetime.now(COPENHAGEN).date()


def words(page, msgid: str) -> str:
    """`msgid` as the app says it in the page's language (html[lang]), from the compiled catalogue."""
    language = page.locator("html").get_attribute("lang")
    catalogue = gettext.translation("messages", PROJECT_ROOT / "translations", languages=[language])
    return catalogue.gettext(msgid)


def citizen_books_first_place(page) -> tuple[str, str, str]:
    """On the phone: the whole chat, a code, the first free time of the first place that offers one.

    Returns (the code as shown, the booked place's id, its name as /book shows it).
    """
    start_chat(page)
    finish_chat(page)
    code = get_code(page)
    confirm_code(page, code)
    first = page.locator("main section.provider").filter(has=page.locator('a[href*="/book/"]')).first
    place_id = urlsplit(first.locator('a[href*="/book/"]').get_attribute("href")).path.rsplit("/", 1)[-1]
    place_name = first.locator("h2").text_content().strip()
    assert first.locator("h2").get_attribute("id") == f"provider-{place_id}"
    book_first_free_slot(page)
    expect(page.locator("main .booking-status .state-pending")).to_be_visible()
    return code, place_id, place_name


def intake_confirms(staff, waiting_before: set[str]) -> tuple[str, str]:
    """On intake's desk: confirm the one new booking. Returns its referral number and case page."""
    staff.reload()
    new = [number for number in queued_referrals(staff) if number not in waiting_before]
    shown = staff.locator("main").inner_text()[:1500]
    assert len(new) == 1, f"expected one new queue row, got {new} on {staff.url}:\n{shown}"
    referral = new[0]
    row = staff.locator(QUEUE_ROWS).filter(has=staff.locator(f'th[scope=row] a:text-is("{referral}")'))
    case_path = urlsplit(row.locator("th[scope=row] a").get_attribute("href")).path
    row.locator('form[action$="/confirm"] button.primary').click()
    staff.wait_for_url("**/staff/")
    expect(staff.locator("main p.flash.ok")).to_be_visible()
    return referral, case_path


def conversation_held_this_morning(live_server, referral: str) -> dt.date:
    """Move the confirmed conversation to midnight today and return today: the live server runs
    on the real clock, and a course starts no earlier than the conversation (which cannot come
    before today's first contact)."""
    held_at = dt.datetime.combine(today(), dt.time(0), COPENHAGEN).astimezone(dt.UTC)
    with contextlib.closing(sqlite3.connect(live_server.instance / "indgang.sqlite3")) as db, db:
        db.execute(
            "update bookings set starts_at = ?, ends_at = ? where case_id = (select id from cases where referral_number = ?)",
            [stamp(held_at), stamp(held_at + dt.timedelta(hours=1)), referral],
        )
    return held_at.astimezone(COPENHAGEN).date()


def intake_grants(staff, case_path: str, place_id: str, start: dt.date) -> None:
    """On intake's desk: grant a course at `place_id` from `start`."""
    staff.goto(case_path)
    expect(staff.locator("main p.state-confirmed")).to_be_visible()
    form = staff.locator("main form.decision-form")
    form.locator('input[name=outcome][value="granted"]').check()
    form.locator("#decision-provider").select_option(place_id)
    form.locator("#decision-start").fill(start.isoformat())
    form.locator("button.primary").click()
    expect(staff.locator("main p.flash.ok")).to_be_visible()
    expect(staff.locator("main p.decision")).to_be_visible()


def provider_row(page, referral: str):
    return page.locator(PROVIDER_ROWS).filter(has=page.locator(f'th[scope=row] a:text-is("{referral}")'))


# ---- the referral through the provider's hands -----------------------------------------------


def test_provider_sees_the_confirmed_referral_records_attendance_and_invoices_it(phone, desk, live_server):
    staff = desk()
    staff.goto("/staff/")
    sign_in(staff, "intake")
    assert urlsplit(staff.url).path == "/staff/"
    waiting_before = set(queued_referrals(staff))

    code, place_id, place_name = citizen_books_first_place(phone())
    referral, case_path = intake_confirms(staff, waiting_before)
    start = session_day = conversation_held_this_morning(live_server, referral)
    intake_grants(staff, case_path, place_id, start)

    # A fresh desktop browser: the place's own staff.
    page = desk()
    page.goto("/provider/")
    assert urlsplit(page.url).path == "/staff/login"
    sign_in(page, f"provider-{place_id}")
    assert urlsplit(page.url).path == "/provider/"
    expect(page.locator("main h1")).to_contain_text(place_name)
    row = provider_row(page, referral)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text(words(page, "Granted"))
    expect(row.locator("td").nth(2)).to_have_text(words(page, "The course is under way."))
    assert_no_code(page, code, "the provider's referral list")
    problems = serious_violations(page, "provider referrals")

    row.locator("th[scope=row] a").click()
    page.wait_for_url(f"**/provider/referrals/{referral}")
    expect(page.locator("main h1")).to_contain_text(referral)
    assert_no_code(page, code, "the provider's referral page")
    problems += serious_violations(page, "provider referral")

    form = page.locator(f"{COURSE} form.attendance")
    form.locator("#session-day").fill(session_day.isoformat())
    form.locator('input[name=outcome][value="attended"]').check()
    attended = form.locator('label.tick:has(input[value="attended"])').text_content().strip()
    form.locator("button.primary").click()

    page.wait_for_url(f"**/provider/referrals/{referral}")
    expect(page.locator("main p.flash.ok")).to_be_visible()
    sessions = page.locator(f"{COURSE} ul.sessions li")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text(attended)
    expect(sessions.first).to_contain_text(str(session_day.day))
    expect(page.locator(f"{COURSE} p strong").first).to_have_text(words(page, "The course is under way."))
    assert_no_code(page, code, "the provider's referral page after attendance")

    # The invoice basis: the nav link opens last month; choose this month.
    page.locator('nav.staff-nav a[href$="/provider/invoice"]').click()
    page.wait_for_url("**/provider/invoice*")
    this_month = today().strftime("%Y-%m")
    if page.locator("#month").input_value() != this_month:
        page.locator("#month").fill(this_month)
        page.locator('main form:has(#month) button[type="submit"]').click()
        page.wait_for_url(f"**/provider/invoice?month={this_month}")
    expect(page.locator("#month")).to_have_value(this_month)
    expect(page.locator(f'main table.invoice tbody th[scope=row]:text-is("{referral}")')).to_have_count(1)
    expect(page.locator("main section.rules")).to_be_visible()
    expect(page.locator("main section.rules li").first).to_be_visible()
    assert_no_code(page, code, "the invoice basis")
    problems += serious_violations(page, "provider invoice")

    csv_href = page.locator('main a.button[href*="/provider/invoice.csv"]').get_attribute("href")
    assert f"month={this_month}" in csv_href
    response = page.context.request.get(csv_href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert referral in response.text()
    bare = re.sub(r"[^0-9a-z]", "", code.lower())
    assert bare not in re.sub(r"[^0-9a-z]", "", response.text().lower()), "the CSV holds the citizen's code"

    assert problems == [], "\n".join(problems)
