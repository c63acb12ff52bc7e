"""No staff, provider or admin page reads a whole table that grows with cases (issue 13).

A small database is seeded through the domain's own functions; every SQL statement the pages
and the hourly job run is captured (sqlite3's trace callback hands over each statement with its
values) and explained with `EXPLAIN QUERY PLAN`. A `SCAN` of a growing table fails the test, with
two exceptions: a walk along an index that a `LIMIT` ends (a page read newest first stops when it
is full), and the statements listed in `ALLOWED` with the reason they may.
"""

import dataclasses
import datetime as dt
import re

import pytest

import app.context
from accounts.audit import write_audit
from app.config import load_settings
from booking import bookings, for_case, guarantee, slots
from booking.queue import OPEN_STATES
from common.clock import COPENHAGEN, UTC, FixedClock
from intake import cases, screening
from intake.catalogue import load_catalogue
from intake.eligibility import screen
from store.connection import open_database
from treatment import courses, decisions

from builders import answers
from citizen_client import Citizen

GROWING = {"cases", "bookings", "courses", "course_sessions", "superseded_courses", "decisions", "audit",
           "statistics_events", "guarantee_at_risk", "archived_invoice_lines", "archived_invoice_parts"}
#: Statements that may scan a growing table ({pattern of the statement: why}); none need to.
ALLOWED: dict[str, str] = {}
#: Monday 16 March 2026, 10:00 in Copenhagen.
NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=COPENHAGEN).astimezone(UTC)
PROVIDER = "laenke-hvidovre"
PAGES = {
    "intake": ("/staff/", "/staff/cases/{pending}", "/staff/cases/{waiting}/book", "/staff/bookings/{booking}/move",
               "/staff/phone",
               *(f"/staff/open/{state}" for state in OPEN_STATES), "/staff/find?referral={treated}"),
    f"provider-{PROVIDER}": ("/provider/", "/provider/referrals/{treated}", "/provider/invoice?month=2026-02",
                             "/provider/invoice.csv?month=2026-02"),
    "admin": ("/admin/", "/admin/audit", "/admin/audit?action=case_viewed&username=intake&referral={treated}",
              "/admin/audit?since=2026-03-01&before=2026-03-20", "/admin/stats", "/admin/stats.csv"),
}
SCAN = re.compile(r"^SCAN (\w+)( USING (?:COVERING )?INDEX \w+)?")



@pytest.fixture
def seeded(make_app):
    """An app whose database holds a case of each kind the pages show; returns (app, names)."""
    flask_app = make_app(settings=dataclasses.replace(load_settings(None), demo=True), clock=FixedClock(NOW))
    with flask_app.app_context():
        names = _seed(app.context.get_db(), flask_app)
    return flask_app, names


def _seed(db, flask_app) -> dict:
    settings = app.context.settings()
    made = {}

    def case(first: dt.date):
        fitting = answers()
        assessment = screen(load_catalogue(), fitting, list(settings.served_municipalities), settings.burden_limit,
                            settings.money_factor)
        case_id, _code = screening.finish(db, flask_app.extensions["indgang.vault"],
                                          flask_app.extensions["indgang.code_key"], answers=fitting,
                                          assessment=assessment, first_contact_day=first, today=first)
        return cases.load_case(db, flask_app.extensions["indgang.vault"], case_id)

    def booked(first: dt.date):
        found = case(first)
        booked_at = dt.datetime.combine(first, dt.time(10), COPENHAGEN).astimezone(UTC)
        provider = settings.provider(PROVIDER)
        slot = slots.provider_slots(provider, booked_at + dt.timedelta(days=1), booked_at + dt.timedelta(days=8))[0]
        booking = for_case.book_for_case(db, found, slot, "in_person", now=booked_at, providers=settings.providers,
                                         rules=settings.booking, guarantee_days=settings.guarantee_days)
        return found, booking, booked_at

    pending, booking, _ = booked(NOW.date())
    treated, conversation, booked_at = booked(dt.date(2026, 2, 2))
    bookings.change_state(db, conversation.id, bookings.CONFIRMED, booked_at)
    decisions.decide(db, treated.id, treated.first_contact_day, decisions.GRANTED,
                     provider_ids=[p.id for p in settings.providers], guarantee_days=settings.guarantee_days,
                     rules=settings.course, provider_id=PROVIDER, start_date=conversation.local_day,
                     today=conversation.local_day, now=conversation.starts_at)
    courses.record_session(db, treated.id, PROVIDER, conversation.local_day, courses.ATTENDED, NOW.date(),
                           settings.course)
    waiting = case(NOW.date() - dt.timedelta(days=3))
    guarantee.mark_at_risk(db, waiting.id, True)
    for found in (pending, treated, waiting):
        write_audit(db, at=NOW, username="intake", role="intake", action="case_viewed",
                    referral_number=found.referral_number)
    made.update(pending=pending.referral_number, booking=booking.id, treated=treated.referral_number,
                waiting=waiting.referral_number)
    return made


def test_no_page_scans_a_table_that_grows_with_cases(seeded, statements):
    flask_app, names = seeded
    for username, paths in PAGES.items():
        staff = _signed_in(flask_app, username)
        for path in paths:
            response = staff.client.get(path.format(**names))
            assert response.status_code in (200, 302), path
    with flask_app.app_context():
        from app.maintenance import run_hourly  # the hourly job, as `flask purge` runs it

        run_hourly(app.context.get_db())
    scans = _scans(flask_app, statements)
    assert not scans, "\n".join(f"{detail}\n    in: {sql}" for sql, detail in scans)


def _signed_in(flask_app, username: str) -> Citizen:
    staff = Citizen(flask_app.test_client())
    staff.get("/staff/login")
    assert staff.post("/staff/login", {"username": username, "password": "demo"}).status_code == 302
    return staff


def _scans(flask_app, statements) -> list[tuple[str, str]]:
    """(statement, plan line) for every scan of a growing table not allowed."""
    db = open_database(flask_app.config["DATABASE"])
    try:
        found = []
        for sql in dict.fromkeys(statements):
            if not re.match(r"\s*(select|with|insert|update|delete)\b", sql, re.IGNORECASE):
                continue
            if any(re.search(pattern, sql) for pattern in ALLOWED):
                continue
            for row in db.conn.execute(f"explain query plan {sql}"):
                scan = SCAN.match(row[3])
                if scan and scan[1] in GROWING and not (scan[2] and re.search(r"\blimit\b", sql, re.IGNORECASE)):
                    found.append((sql, row[3]))
        return found
    finally:
        db.close()
