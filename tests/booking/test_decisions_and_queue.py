"""Decisions after the clarifying conversation, and the intake queue's order."""

import datetime as dt

import pytest
from builders import fresh_database
from builders_booking import HOLD_HOURS, NOW, make_case, make_provider, slot_at

from booking import bookings, decisions
from booking.providers import IN_PERSON
from booking.queue import intake_queue

PROVIDER = make_provider()
TODAY = NOW.date()


@pytest.fixture
def db(tmp_path):
    database = fresh_database(tmp_path / "indgang.db")
    yield database
    database.close()


def decide(db, case_id, outcome, **fields):
    return decisions.record_decision(db, case_id, outcome, provider_ids=["p1"], today=TODAY, now=NOW, **fields)


def confirmed_booking(db, case_id, day=5):
    booking = bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, day, 9), IN_PERSON, NOW, HOLD_HOURS)
    return bookings.change_state(db, booking.id, bookings.CONFIRMED, NOW)


def test_granted_needs_a_provider_and_start_date(db):
    case_id = make_case(db)
    with pytest.raises(decisions.InvalidDecision) as error:
        decide(db, case_id, decisions.GRANTED, start_date=TODAY)
    assert error.value.field == "provider_id"
    with pytest.raises(decisions.InvalidDecision) as error:
        decide(db, case_id, decisions.GRANTED, provider_id="p1")
    assert error.value.field == "start_date"
    decision = decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY + dt.timedelta(days=3))
    assert decisions.decision_for(db, case_id) == decision


def test_not_granted_needs_a_listed_reason(db):
    case_id = make_case(db)
    with pytest.raises(decisions.InvalidDecision) as error:
        decide(db, case_id, decisions.NOT_GRANTED, reason="because")
    assert error.value.field == "reason"
    decision = decide(db, case_id, decisions.NOT_GRANTED, reason="other_social_problems", provider_id="p1")
    assert decision.provider_id is None and decision.reason == "other_social_problems"


def test_unknown_outcome_is_refused(db):
    with pytest.raises(decisions.InvalidDecision):
        decide(db, make_case(db), "maybe")


@pytest.mark.parametrize("outcome, state", [(decisions.GRANTED, bookings.ATTENDED), (decisions.DID_NOT_ATTEND, bookings.NO_SHOW)])
def test_deciding_closes_the_confirmed_booking(db, outcome, state):
    case_id = make_case(db)
    booking = confirmed_booking(db, case_id)
    decide(db, case_id, outcome, provider_id="p1", start_date=TODAY)
    assert bookings.get_booking(db, booking.id).state == state


def test_a_decision_can_be_corrected(db):
    case_id = make_case(db)
    decide(db, case_id, decisions.DID_NOT_ATTEND)
    decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY)
    assert decisions.decision_for(db, case_id).outcome == decisions.GRANTED


def test_deleting_the_case_deletes_its_decision(db):
    case_id = make_case(db)
    decide(db, case_id, decisions.DID_NOT_ATTEND)
    db.execute("delete from cases where id = ?", [case_id])
    assert decisions.decision_for(db, case_id) is None


def test_queue_puts_guarantee_at_risk_first_then_deadline(db):
    early = make_case(db, first_contact_day="2026-02-20")
    late = make_case(db, first_contact_day="2026-03-01")
    risky = make_case(db, first_contact_day="2026-03-02", guarantee_at_risk=1)
    confirmed = make_case(db, first_contact_day="2026-02-19")
    bookings.book(db, late, slot_at(PROVIDER, 2026, 3, 3, 9), IN_PERSON, NOW, HOLD_HOURS)
    bookings.book(db, early, slot_at(PROVIDER, 2026, 3, 4, 9), IN_PERSON, NOW, HOLD_HOURS)
    confirmed_booking(db, confirmed, day=6)
    entries = intake_queue(db, TODAY, NOW, 14)
    assert [e.case_id for e in entries] == [risky, early, late]
    assert entries[0].booking is None and entries[0].guarantee_at_risk
    assert entries[1].last_day == dt.date(2026, 3, 6) and entries[1].days_left == 4


def test_queue_marks_two_days_or_fewer_as_urgent(db):
    for day, urgent in (("2026-02-16", True), ("2026-02-18", True), ("2026-02-19", False)):
        case_id = make_case(db, first_contact_day=day)
        db["cases"].update(case_id, {"guarantee_at_risk": 1})
        entry = next(e for e in intake_queue(db, TODAY, NOW, 14) if e.case_id == case_id)
        assert entry.urgent is urgent, day


def test_expired_holds_leave_the_queue(db):
    case_id = make_case(db)
    bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, 5, 9), IN_PERSON, NOW, HOLD_HOURS)
    assert len(intake_queue(db, TODAY, NOW, 14)) == 1
    assert intake_queue(db, TODAY, NOW + dt.timedelta(hours=HOLD_HOURS + 1), 14) == []
