"""The rules that touch money, through the Flask client on a fixed clock: deleting a case keeps
its days billable, a changed decision needs a reason and ends the course, a course starts no
earlier than the conversation, and the invoice basis names who granted each course."""

import csv
import datetime as dt
import io

import pytest

from app.context import get_db, vault
from common.clock import COPENHAGEN, UTC, FixedClock
from store.times import parse_stamp

from citizen_client import Citizen
from test_staff_intake import only_booking, sign_in

HVIDOVRE = "laenke-hvidovre"


@pytest.fixture
def clock():
    return FixedClock(dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC))


@pytest.fixture
def held(make_app, clock):
    """A citizen whose conversation at Hvidovre was confirmed and has just been held (the clock
    stands two hours after its start); returns (app, citizen, code, referral number, its day)."""
    app = make_app(clock=clock)
    citizen = Citizen(app.test_client())
    code = citizen.book_first_time(HVIDOVRE)
    booking = only_booking(app)
    sign_in(app).post(f"/staff/bookings/{booking['id']}/confirm")
    with app.app_context():
        [row] = get_db().query("select starts_at from bookings")
    starts_at = parse_stamp(row["starts_at"])
    clock.moment = starts_at + dt.timedelta(hours=2)
    return app, citizen, code, booking["referral_number"], starts_at.astimezone(COPENHAGEN).date()


def decide(app, number, **form):
    staff = sign_in(app)
    staff.get(f"/staff/cases/{number}")
    staff.post(f"/staff/cases/{number}/decision", form)
    staff.get(f"/staff/cases/{number}")
    return staff


def grant(app, number, start: dt.date):
    return decide(app, number, outcome="granted", provider_id=HVIDOVRE, start_date=start.isoformat())


def invoice_rows(app, month: dt.date):
    hvidovre = sign_in(app, f"provider-{HVIDOVRE}")
    response = hvidovre.client.get(f"/provider/invoice.csv?month={month:%Y-%m}")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def test_deleting_my_data_keeps_the_days_already_treated_billable(held, clock):
    # Given a course granted from the day of the conversation
    app, citizen, code, number, day = held
    grant(app, number, day)
    # When the person deletes their data five days later
    clock.advance(days=5)
    citizen.get("/code")
    citizen.post("/code", {"code": code})
    citizen.post("/status/delete")
    with app.app_context():
        assert get_db()["cases"].count == 0
    # Then the month still bills their six days, on a line without a referral number
    rows = invoice_rows(app, day)
    assert rows[1][0] == "" and rows[1][3:6] == ["municipality", "1", "6"]
    assert rows[-1][4:6] == ["1", "6"]


def test_a_course_cannot_start_before_the_conversation(held):
    app, _citizen, _code, number, day = held
    staff = grant(app, number, day - dt.timedelta(days=1))
    assert "tidligst" in staff.page and "afklarende samtale" in staff.page
    with app.app_context():
        assert get_db()["courses"].count == 0
    grant(app, number, day)
    with app.app_context():
        assert get_db()["courses"].count == 1


def test_a_changed_decision_needs_a_reason_which_is_audited_and_ends_the_course(held, clock):
    app, _citizen, _code, number, day = held
    staff = grant(app, number, day)
    assert 'name="change_reason"' in staff.page
    clock.advance(days=3)
    staff = decide(app, number, outcome="not_granted", reason="other")
    assert "hvorfor afgørelsen ændres" in staff.page
    with app.app_context():
        assert get_db()["courses"].count == 1
    staff = decide(app, number, outcome="not_granted", reason="other", change_reason="Bor i en anden kommune")
    assert "Bor i en anden kommune" in staff.page
    with app.app_context():
        db = get_db()
        assert db["courses"].count == 0
        [audit] = db.query("select referral_number, detail from audit where action = 'decision_changed'")
        [stored] = db.execute("select change_reason from decisions").fetchone()
        opened = vault().open(stored)
    # The reason is free text about the person: sealed like a decline note, and kept out of the audit log
    assert audit == {"referral_number": number, "detail": "not_granted"}
    assert "kommune" not in stored and opened == "Bor i en anden kommune"
    assert invoice_rows(app, day)[-1][4:6] == ["1", "3"]  # the three days before the change


def test_the_invoice_basis_says_who_granted_each_course(held):
    app, _citizen, _code, number, day = held
    grant(app, number, day)
    hvidovre = sign_in(app, f"provider-{HVIDOVRE}")
    hvidovre.get(f"/provider/invoice?month={day:%Y-%m}")
    assert "Bevilget af" in hvidovre.page and "Kommunen" in hvidovre.page
    assert invoice_rows(app, day)[1][:4] == [number, "16-week anonymous group course (§ 101a)",
                                              "Lænke-ambulatoriet Hvidovre", "municipality"]
