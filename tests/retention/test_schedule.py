"""The hourly job: expired holds, courses whose time is up, and cases deleted a set time after
their end (sessions are the web layer's: tests/web/test_purge.py)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from accounts import audit
from app.config import Rate
from booking.rules import BookingRules
from retention import jobs
from stats import monthly as statistics
from store.sealing import Vault
from treatment import courses, decisions
from treatment.courses import NO_SHOW

import builders_course
from builders_course import RULES, granted_course, sessions

#: 1 September 2026, 12:00 in Copenhagen.
NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
KEEP_DAYS = 180


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


VAULT = Vault(Fernet.generate_key())
SETTINGS = SimpleNamespace(course=RULES, case_retention_days=KEEP_DAYS, providers=(), guarantee_days=14,
                           booking=BookingRules(), rates=(Rate(dt.date(2015, 7, 1), 71.0),))


def run(db):
    return jobs.run_hourly(db, VAULT, NOW, SETTINGS)


def make_case(db, **fields) -> str:
    """A case sealed as the app seals one (the hourly job opens waiting cases)."""
    screening = VAULT.seal({"answers": {"age_band": "25_plus"}, "assessment": {}})
    return builders_course.make_case(db, screening=screening, **fields)


def remaining(db) -> set[str]:
    return {row["id"] for row in db.query("select id from cases")}


def discharged_on(db, day: dt.date, **case_fields) -> str:
    case_id = granted_course(db, day - dt.timedelta(days=7), **case_fields)
    sessions(db, case_id, (day - dt.timedelta(days=1), NO_SHOW), (day, NO_SHOW))
    return case_id


def decided(db, outcome: str, day: dt.date, **case_fields) -> str:
    case_id = make_case(db, first_contact_day=(day - dt.timedelta(days=5)).isoformat(), **case_fields)
    decisions.decide(
        db, case_id, day - dt.timedelta(days=5), outcome, provider_ids=["p1"], guarantee_days=14,
        provider_id="p1", start_date=day, reason="other", rules=RULES, today=day, now=builders_course.noon(day))
    return case_id


def booking(db, case_id: str, state: str, hold_until: dt.datetime | None = None) -> None:
    db["bookings"].insert({
        "id": f"b-{case_id}", "case_id": case_id, "provider_id": "p1", "starts_at": "2026-09-10T08:00:00Z",
        "ends_at": "2026-09-10T09:00:00Z", "mode": "in_person", "state": state,
        "hold_until": hold_until.strftime("%Y-%m-%dT%H:%M:%SZ") if hold_until else None})


def test_an_ended_course_is_deleted_after_the_period_and_a_recent_one_kept(db):
    old = discharged_on(db, days_ago(KEEP_DAYS + 1))
    recent = discharged_on(db, days_ago(KEEP_DAYS))
    assert run(db)["cases"] == 1
    assert remaining(db) == {recent}
    assert courses.course_for(db, old) is None


def test_deleting_a_case_takes_its_bookings_decision_course_and_sessions_with_it(db):
    discharged_on(db, days_ago(KEEP_DAYS + 1))
    run(db)
    for table in ("cases", "bookings", "decisions", "courses", "course_sessions"):
        assert db[table].count == 0, table


@pytest.mark.parametrize("outcome", [decisions.NOT_GRANTED, decisions.DID_NOT_ATTEND])
def test_a_case_not_granted_ends_on_the_decision_day(db, outcome):
    decided(db, outcome, days_ago(KEEP_DAYS + 1))
    kept = decided(db, outcome, days_ago(KEEP_DAYS))
    run(db)
    assert remaining(db) == {kept}


def test_a_granted_decision_waiting_for_its_course_is_kept(db):
    kept = make_case(db, first_contact_day=days_ago(405).isoformat())
    db["decisions"].insert({"case_id": kept, "outcome": decisions.GRANTED, "provider_id": "p1",
                            "start_date": days_ago(400).isoformat(), "decided_day": days_ago(400).isoformat()})
    run(db)
    assert remaining(db) == {kept}


def test_an_abandoned_case_ends_90_days_after_first_contact(db):
    make_case(db, first_contact_day=days_ago(90 + KEEP_DAYS + 1).isoformat())
    kept = make_case(db, first_contact_day=days_ago(90 + KEEP_DAYS).isoformat())
    run(db)
    assert remaining(db) == {kept}


def test_a_case_with_an_active_booking_or_course_is_kept(db):
    booked = make_case(db, first_contact_day=days_ago(400).isoformat())
    booking(db, booked, "confirmed")
    attending = granted_course(db, days_ago(7))
    run(db)
    assert remaining(db) == {booked, attending}


def test_a_course_whose_time_is_up_is_ended_first_then_deleted_on_schedule(db):
    case_id = granted_course(db, days_ago(KEEP_DAYS + 30))
    assert courses.course_for(db, case_id).state == courses.ACTIVE
    counts = run(db)
    assert counts["courses_ended"] == 1 and counts["cases"] == 1
    assert remaining(db) == set()


def test_pending_bookings_past_their_hold_expire(db):
    case_id = make_case(db, first_contact_day=TODAY.isoformat())
    booking(db, case_id, "pending", hold_until=NOW - dt.timedelta(minutes=1))
    assert run(db)["bookings_expired"] == 1
    assert db["bookings"].get(f"b-{case_id}")["state"] == "expired"


def test_a_waiting_case_with_no_provider_slot_is_flagged_at_risk(db):
    # Given a case that first made contact today and no provider to book with
    case_id = make_case(db, first_contact_day=TODAY.isoformat())
    # When the hourly job runs, it is at risk
    assert run(db)["cases_at_risk"] == 1
    assert db.execute("select case_id from guarantee_at_risk").fetchall() == [(case_id,)]


def test_statistics_survive_the_purge(db):
    case_id = discharged_on(db, days_ago(KEEP_DAYS + 1))
    month = courses.course_for(db, case_id).start_date
    for _ in range(5):
        statistics.count_event(db, statistics.BOOKING_MADE, month, "p1")
    before = statistics.month_statistics(db, month.year, month.month, ["p1"])
    run(db)
    assert remaining(db) == set()
    assert statistics.month_statistics(db, month.year, month.month, ["p1"]) == before
    assert dict(before.providers)["p1"][0].shown == "5"


def test_the_purge_forgets_a_deleted_case_in_the_audit_log(db):
    # Given staff worked on a case that is now past its retention, and on one that is kept
    discharged_on(db, days_ago(KEEP_DAYS + 1), referral_number="R-GONE-0001")
    granted_course(db, days_ago(7), referral_number="R-KEPT-0001")
    for referral_number in ("R-GONE-0001", "R-KEPT-0001"):
        audit.write_audit(db, at=NOW - dt.timedelta(days=200, seconds=17), username="pia", role="provider",
                          action="attendance_recorded", referral_number=referral_number, detail="no_show")

    # When the hourly job purges it
    run(db)

    # Then the audit log keeps the action and its day, but nothing that leads to the case
    rows = list(db.query("select * from audit order by referral_number"))
    assert [(r["username"], r["action"], r["referral_number"], r["detail"]) for r in rows] == [
        ("pia", "attendance_recorded", None, None), ("pia", "attendance_recorded", "R-KEPT-0001", "no_show")]
    assert rows[0]["at"] == "2026-02-12T23:00:00Z"  # the start of 13 February in Copenhagen
    assert "R-GONE" not in repr(rows)
