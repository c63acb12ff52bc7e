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
bookings, decision, course and course sessions with it (foreign keys, `on delete cascade`).
Statistics events stay: they hold nothing that leads back to a case (`course.statistics`).
"""

import datetime as dt

from booking import bookings, decisions
from booking.slots import COPENHAGEN, UTC
from course import courses

ABANDONED_AFTER_DAYS = 90


def purge(db, now: dt.datetime, chat_hours: int, case_days_after_end: int, rules: courses.CourseRules) -> dict[str, int]:
    """Run the schedule as of `now` (aware); returns how many rows of each kind changed.

    First it brings courses up to date (`courses.refresh_course_states`, so a course whose time
    is up counts as ended). Sessions go when they expire, and also when they would outlive
    `chat_hours` from now (saved before the setting was lowered). Pending bookings whose hold has
    run out become expired, releasing their slots."""
    today = now.astimezone(COPENHAGEN).date()
    courses_ended = courses.refresh_course_states(db, today, rules)
    sessions = db.execute(
        "delete from sessions where expires_at <= ? or expires_at > ?",
        [_iso(now), _iso(now + dt.timedelta(hours=chat_hours))],
    ).rowcount
    expired = bookings.expire_pending(db, now)
    cases = db.execute(
        f"delete from cases where id in (select id from ({_CASE_ENDS}) where ended < ?)",
        [*bookings.ACTIVE, decisions.NOT_GRANTED, decisions.DID_NOT_ATTEND, f"+{ABANDONED_AFTER_DAYS} days",
         (today - dt.timedelta(days=case_days_after_end)).isoformat()],
    ).rowcount
    return {"sessions": sessions, "bookings_expired": expired, "courses_ended": courses_ended, "cases": cases}


#: Each case's end day as ISO text, or null while it has not ended.
_CASE_ENDS = """
    select cases.id,
        case
            when exists (select 1 from bookings where bookings.case_id = cases.id and bookings.state in (?, ?))
                then null
            when courses.case_id is not null then courses.ended_on
            when decisions.outcome in (?, ?) then decisions.decided_day
            when decisions.case_id is null then date(cases.first_contact_day, ?)
        end as ended
    from cases
    left join courses on courses.case_id = cases.id
    left join decisions on decisions.case_id = cases.id
"""


def _iso(moment: dt.datetime) -> str:
    """The form `app.sessions` stores `expires_at` in (UTC isoformat), so text compares as time."""
    return moment.astimezone(UTC).isoformat()
