"""What a copy of the database file tells about time (issue 11 item 1): after a citizen's and a
staff member's way through, every sealed value is of the version that carries no time and opens
with the key, and every stored time is no finer than designed for what it is about."""

import datetime as dt
import re
import sqlite3

import pytest

from accounts.audit import CALL_ACTIONS
from app.context import vault
from common.clock import COPENHAGEN, UTC, FixedClock

from citizen_client import SLOT, Citizen
from test_staff_intake import answer_phone_screening, only_booking, sign_in

#: A moment at an odd second, so any time kept finer than designed shows.
ODD_MOMENT = dt.datetime(2026, 3, 2, 8, 17, 43, tzinfo=UTC)
SEALED = {"cases.screening", "sessions.data", "accounts.totp_secret", "bookings.decline_note"}

DAY = re.compile(r"\d{4}-\d\d-\d\d").fullmatch
MONTH = re.compile(r"\d{4}-\d\d(-01)?").fullmatch
HOUR = re.compile(r"\d{4}-\d\d-\d\dT\d\d:00:00Z").fullmatch
MINUTE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z").fullmatch
SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").fullmatch


def _local_midnight(value: str) -> bool:
    """A stamp of midnight in Copenhagen: it says the day only."""
    return bool(SECOND(value)) and dt.datetime.fromisoformat(value).astimezone(COPENHAGEN).time() == dt.time(0)


LOCAL_DAY = _local_midnight

TIME_LIKE = re.compile(r"\d{4}-\d\d(-\d\d)?([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?")

#: Every column that stores a time, with the finest it may be (README, "What we store").
PRECISION = {
    # about a citizen
    "cases.first_contact_day": DAY, "cases.ended_day": DAY,
    "sessions.expires_at": HOUR,
    "bookings.starts_at": MINUTE, "bookings.ends_at": MINUTE,  # the booked slot: exact by design
    "bookings.hold_until": HOUR,
    "decisions.start_date": DAY, "decisions.decided_day": DAY,
    "courses.start_date": DAY, "courses.ended_on": DAY, "courses.closing_conversation_on": DAY,
    "course_sessions.session_date": DAY,
    "superseded_courses.start_date": DAY, "superseded_courses.ended_on": DAY,
    "statistics_events.month": MONTH, "archived_invoice_lines.month": MONTH,
    "audit.at": None,  # by row: see audit_precision
    # about staff and the machine, exact on purpose (lockouts, sign-outs, the hourly job)
    "accounts.locked_until": SECOND, "accounts.code_locked_until": SECOND,
    "accounts.credentials_changed_at": SECOND, "maintenance.last_run": SECOND,
    "accounts.set_password_until": SECOND, "accounts.last_signed_in_day": DAY,
    "providers.retired_on": DAY,
    "_sqlite_migrations.applied_at": None,
}


def audit_precision(row: dict):
    """A row written during a citizen's call, or about a deleted case, keeps the day; one naming a
    referral number the minute; the others (staff's own doings) the second."""
    if row["action"] in CALL_ACTIONS or row["case_deleted"]:
        return LOCAL_DAY
    return MINUTE if row["referral_number"] else SECOND


@pytest.fixture
def journey(make_app):
    """A citizen books on the web; intake staff confirm it, take a call, book for the caller and
    decline that booking with a note."""
    app = make_app(clock=FixedClock(ODD_MOMENT))
    citizen = Citizen(app.test_client())
    citizen.book_first_time()
    staff = sign_in(app)
    booking = only_booking(app)
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{booking['id']}/confirm")
    answer_phone_screening(staff)
    staff.post("/staff/phone/case")
    staff.get("/staff/phone/code")
    book_page = staff.post("/staff/phone/code").headers["Location"]
    staff.get(book_page)
    staff.post(book_page, {"slot": SLOT.findall(staff.page)[1], "mode": "in_person"})
    conn = sqlite3.connect(app.config["DATABASE"])
    conn.row_factory = sqlite3.Row
    [caller_booking] = conn.execute("select id from bookings where state = 'pending'").fetchall()
    staff.get(f"/staff/cases/{booking['referral_number']}")
    staff.post(f"/staff/bookings/{caller_booking['id']}/decline", {"reason": "provider_unavailable", "note": "ferie"})
    yield app, conn
    conn.close()


def every_value(conn):
    for (table,) in conn.execute("select name from sqlite_master where type = 'table'"):
        for row in map(dict, conn.execute(f"select * from {table}")):
            for column, value in row.items():
                yield table, column, row, value


def test_every_sealed_value_opens_and_carries_no_time(journey):
    app, conn = journey
    sealed = [(f"{t}.{c}", v) for t, c, _row, v in every_value(conn) if f"{t}.{c}" in SEALED and v is not None]
    assert {name for name, _ in sealed} >= SEALED - {"accounts.totp_secret"}  # each kind a citizen leaves
    with app.app_context():
        for name, value in sealed:
            assert value.startswith("v2."), name
            vault().open(value)


def test_no_stored_time_is_finer_than_designed(journey):
    _app, conn = journey
    seen = set()
    for table, column, row, value in every_value(conn):
        name = f"{table}.{column}"
        if not isinstance(value, str) or name in SEALED or not TIME_LIKE.fullmatch(value):
            continue
        assert name in PRECISION, f"{name} stores a time ({value}): add it, with its precision"
        precision = audit_precision(row) if name == "audit.at" else PRECISION[name]
        if precision is not None:
            assert precision(value), (name, value, row)
            seen.add(name)
    assert {"cases.first_contact_day", "sessions.expires_at", "bookings.hold_until", "audit.at"} <= seen
