"""Deletion on schedule (DESIGN.md, "Privacy rules": abandoned chats within 48 hours, everything
about a case a configurable time after its end).

A case ends:

- when its course ended (passive, discharged or completed): on the course's `ended_on`;
- without a course, when the decision was not granted or the person did not attend: on the day
  of the decision;
- without a course or a decision: 90 days after first contact (`ABANDONED_AFTER_DAYS`), long
  past the 14-day guarantee, so a screening left without a booking does not stay for ever.

A case with a pending or confirmed booking, an active course, or a granted decision whose course
has not been started has not ended. An ended case is deleted once its end is more than
`case_days_after_end` days ago (with 180: on day 181 after it). Deleting the case row deletes its
bookings, decision, course and course sessions with it (foreign keys, `on delete cascade`),
after its treated days are kept as anonymous invoice lines (`treatment.closing`), and its audit
rows lose all that leads back to it (`accounts.audit.forget_referral`), whether the purge deletes
it or the person ("delete my data now"). Statistics events stay: they hold nothing that leads
back to a case (`stats.monthly`).
Abandoned chats are sessions, deleted by the web layer that owns them (`app.sessions`).
"""

import datetime as dt

from accounts import audit
from booking import bookings
from store.transaction import transaction
from treatment import closing, decisions
from treatment.courses import CourseRules

ABANDONED_AFTER_DAYS = 90


def ended_case_ids(db, today: dt.date, case_days_after_end: int) -> list[str]:
    """The cases whose end lies more than `case_days_after_end` days before `today`. Bring
    course states up to date first, so a course whose time is up counts as ended.

    Each way of ending is looked up by its own index (course end, decision day, first contact)
    from the cut-off back, so the purge reads only cases that are due, never every case."""
    cutoff = (today - dt.timedelta(days=case_days_after_end)).isoformat()
    rows = db.query(
        _ENDED_BEFORE,
        [cutoff, decisions.NOT_GRANTED, decisions.DID_NOT_ATTEND, cutoff, cutoff, f"-{ABANDONED_AFTER_DAYS} days",
         *bookings.ACTIVE],
    )
    return [row["id"] for row in rows]


def purge_ended_cases(db, today: dt.date, case_days_after_end: int, rates, rules: CourseRules) -> int:
    """Delete every case past its retention (and, by cascade, all that belongs to it)."""
    return delete_cases(db, ended_case_ids(db, today, case_days_after_end), today, rates, rules)


def delete_cases(db, case_ids: list[str], today: dt.date, rates, rules: CourseRules) -> int:
    """The one way a case is deleted: its treated days are kept as anonymous invoice lines, the
    case goes with all that belongs to it, and the audit log forgets it, in one transaction;
    returns how many were deleted."""
    with transaction(db):
        referral_numbers = closing.delete_cases(db, case_ids, today, rates, rules)
        for referral_number in referral_numbers:
            audit.forget_referral(db, referral_number)
    return len(referral_numbers)


#: The cases that ended before a cut-off day: a course ended before it; without a course, a
#: decision not granted or not attended made before it; without a course or a decision, first
#: contact more than `ABANDONED_AFTER_DAYS` before it. None with a pending or confirmed booking.
_ENDED_BEFORE = """
    select id from (
        select case_id as id from courses where ended_on < ?
        union
        select case_id from decisions where outcome in (?, ?) and decided_day < ?
            and not exists (select 1 from courses where courses.case_id = decisions.case_id)
        union
        select id from cases where first_contact_day < date(?, ?)
            and not exists (select 1 from courses where courses.case_id = cases.id)
            and not exists (select 1 from decisions where decisions.case_id = cases.id)
    ) as ended
    where not exists (select 1 from bookings where bookings.case_id = ended.id and bookings.state in (?, ?))
"""
