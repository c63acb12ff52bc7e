"""What follows from the municipality's decision, in one place: the decision itself, the course
when granted, and the anonymous statistics events (which outlive the case)."""

import contextlib
import datetime as dt

from booking import bookings, decisions
from course import statistics
from course.courses import CourseExists, start_course


def decide(
    db,
    case_id: str,
    first_contact_day: dt.date,
    outcome: str,
    *,
    provider_ids,
    guarantee_days: int,
    provider_id: str | None = None,
    start_date: dt.date | None = None,
    reason: str | None = None,
    today: dt.date,
    now: dt.datetime,
) -> decisions.Decision:
    """Record the decision (raises `decisions.InvalidDecision`), start the course if granted,
    and count the conversation (held or not) and the decision for the statistics."""
    held = _decided_booking(db, case_id)
    decision = decisions.record_decision(
        db, case_id, outcome, provider_ids=provider_ids, provider_id=provider_id,
        start_date=start_date, reason=reason, today=today, now=now,
    )
    if outcome == decisions.GRANTED:
        with contextlib.suppress(CourseExists):  # a corrected decision keeps the course it has
            start_course(db, case_id, provider_id, start_date)
    statistics.count_event(db, statistics.DECISION_EVENTS[outcome], today)
    if held is not None:
        _count_conversation(db, held, outcome, first_contact_day, guarantee_days)
    return decision


def _decided_booking(db, case_id: str) -> bookings.Booking | None:
    """The confirmed booking the decision closes (it becomes attended or no-show)."""
    booking = bookings.latest_booking(db, case_id)
    return booking if booking and booking.state == bookings.CONFIRMED else None


def _count_conversation(db, booking, outcome, first_contact_day, guarantee_days) -> None:
    day = booking.local_day
    if outcome == decisions.DID_NOT_ATTEND:
        statistics.count_event(db, statistics.NO_SHOW, day, booking.provider_id)
        return
    waited = (day - first_contact_day).days
    statistics.count_conversation(db, day, booking.provider_id, waited, waited <= guarantee_days)
