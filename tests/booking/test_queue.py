"""The intake queue's order: guarantee at risk first, then the deadline."""

import datetime as dt

from booking import bookings
from booking.guarantee import mark_at_risk
from booking.providers import IN_PERSON
from booking.queue import intake_queue

from builders_booking import HOLD_HOURS, NOW, make_case, make_provider, slot_at

PROVIDER = make_provider()
TODAY = NOW.date()


def confirmed_booking(db, case_id, day=5):
    booking = bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, day, 9), IN_PERSON, NOW, HOLD_HOURS)
    return bookings.change_state(db, booking.id, bookings.CONFIRMED, NOW)


def test_queue_puts_guarantee_at_risk_first_then_deadline(db):
    early = make_case(db, first_contact_day="2026-02-20")
    late = make_case(db, first_contact_day="2026-03-01")
    risky = make_case(db, first_contact_day="2026-03-02")
    mark_at_risk(db, risky, True)
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
        mark_at_risk(db, case_id, True)
        entry = next(e for e in intake_queue(db, TODAY, NOW, 14) if e.case_id == case_id)
        assert entry.urgent is urgent, day


def test_expired_holds_leave_the_queue(db):
    case_id = make_case(db)
    bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, 5, 9), IN_PERSON, NOW, HOLD_HOURS)
    assert len(intake_queue(db, TODAY, NOW, 14)) == 1
    assert intake_queue(db, TODAY, NOW + dt.timedelta(hours=HOLD_HOURS + 1), 14) == []
