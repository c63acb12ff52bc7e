"""The course (forløb) after a granted decision, stored: start, sessions, closing conversation.

Seed 000: "et 16 ugers gruppeforløb samt en afsluttende samtale". The state follows from the
recorded sessions and today's date by the rules in `course.rules` (discharge, passivation,
completion, and what `ended_on` means); it is stored so that lists can read it, and brought up to
date when a session is recorded and by the hourly job (`refresh_course_states`). Pages never
write: they show `current_course`, the stored course with its state worked out for today, and the
invoice works out each course as of the month's end (`treatment_stretches`).

A changed decision ends the course its earlier decision started (`supersede_course`): the days
before the day of the change stay billable, kept as a *superseded course* (this module owns
`superseded_courses`), and a course that had not begun by the day of the change is simply
removed. A new course can then start, from the day of the change at the earliest
(`treatment.decisions`).
"""

import dataclasses
import datetime as dt
import sqlite3
from dataclasses import dataclass

from booking import bookings
from stats import monthly
from store.times import day, parse_day
from store.transaction import Part, one_value, read_together, row_from, transaction
from treatment.rules import (
    ACTIVE,
    ATTENDED,
    CANCELLED_IN_TIME,
    COMPLETED,
    DISCHARGED,
    NO_SHOW,
    OUTCOMES,
    PASSIVE,
    CourseRules,
    Session,
    derive_state,
)

__all__ = [
    "ACTIVE", "PASSIVE", "DISCHARGED", "COMPLETED", "ATTENDED", "NO_SHOW", "CANCELLED_IN_TIME", "OUTCOMES",
    "MUNICIPALITY", "PROVIDER", "CourseRules", "Session", "Course", "derive_state", "start_course",
    "record_session", "refresh_course_states", "record_closing_conversation", "course_for", "current_course",
    "Stretch", "course_as_of", "treatment_stretches", "supersede_course", "has_superseded_course", "CourseError",
    "NoCourse", "CourseExists", "NotGranted", "CourseClosed", "InvalidSession", "NotYourCourse",
]

MUNICIPALITY = "municipality"
PROVIDER = "provider"  # the provider's own visitation (§ 101a stk. 5), see treatment.self_visitation


class CourseError(Exception):
    """Base of the named outcomes a course action can have besides success."""


class NoCourse(CourseError):
    """The case has no course (not granted yet, or deleted)."""


class CourseExists(CourseError):
    """The case already has a course; a new one needs the municipality (seed 000: "ny visitering")."""


class NotGranted(CourseError):
    """No granted decision for this case, provider and start date."""


class NotYourCourse(CourseError):
    """The course runs at another provider; only the provider that holds it writes to it."""


class CourseClosed(CourseError):
    """A completed course takes no more sessions."""


class InvalidSession(CourseError):
    """A session the course cannot take; `reason` is outcome, before_start, after_today or after_end."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Course:
    case_id: str
    provider_id: str
    start_date: dt.date
    granted_by: str
    state: str
    ended_on: dt.date | None
    closing_conversation_on: dt.date | None
    sessions: tuple[Session, ...]

    @property
    def attended(self) -> int:
        return sum(session.outcome == ATTENDED for session in self.sessions)

    @property
    def no_shows(self) -> int:
        return sum(session.outcome == NO_SHOW for session in self.sessions)

    @property
    def last_attendance(self) -> dt.date | None:
        return max((s.day for s in self.sessions if s.outcome == ATTENDED), default=None)


@dataclass(frozen=True)
class Stretch:
    """Days a case was in treatment at one provider, first to last, both included."""

    case_id: str
    provider_id: str
    granted_by: str
    first_day: dt.date
    last_day: dt.date


def start_course(db, case_id: str, provider_id: str, start_date: dt.date, granted_by: str = MUNICIPALITY) -> Course:
    """Create the course. `MUNICIPALITY`: right after a granted decision for this provider and
    start date (else `NotGranted`). `PROVIDER` is for `self_visit`, which checks the yearly cap
    first. Raises `CourseExists`, or `bookings.UnknownCase` when the case is gone. Runs inside the
    caller's transaction, if any (a single insert otherwise)."""
    if granted_by not in (MUNICIPALITY, PROVIDER):
        raise ValueError(f"granted_by must be {MUNICIPALITY} or {PROVIDER}")
    if granted_by == MUNICIPALITY and not _granted(db, case_id, provider_id, start_date):
        raise NotGranted(case_id)
    try:
        db["courses"].insert(
            {"case_id": case_id, "provider_id": provider_id, "start_date": day(start_date),
             "granted_by": granted_by, "state": ACTIVE}
        )
    except sqlite3.IntegrityError as error:
        raise (bookings.UnknownCase if "FOREIGN KEY" in str(error) else CourseExists)(case_id) from None
    return course_for(db, case_id)


def record_session(
    db, case_id: str, provider_id: str, session_date: dt.date, outcome: str, today: dt.date, rules: CourseRules
) -> Course:
    """Record one session at `provider_id` (the signed-in provider; `NotYourCourse` for a course
    held elsewhere) and bring the state up to date. A second record for the same date
    replaces the first (a correction); since the state is worked out afresh, correcting a mistaken
    no-show takes a discharge back, and a late-recorded attendance reopens a passive course.
    Refused (`InvalidSession`): an unknown outcome, a date before the start, after today or after
    the course ended; and anything on a completed course (`CourseClosed`: its weeks are over)."""
    if outcome not in OUTCOMES:
        raise InvalidSession("outcome")
    with transaction(db):
        course = _update_state(db, _own(db, case_id, provider_id), today, rules)
        if course.state == COMPLETED:
            raise CourseClosed(case_id)
        if session_date < course.start_date:
            raise InvalidSession("before_start")
        if session_date > today:
            raise InvalidSession("after_today")
        if course.ended_on is not None and session_date > course.ended_on:
            raise InvalidSession("after_end")
        db.execute(
            "insert into course_sessions (case_id, session_date, outcome) values (?, ?, ?)"
            " on conflict (case_id, session_date) do update set outcome = excluded.outcome",
            [case_id, day(session_date), outcome],
        )
        return _update_state(db, _require(db, case_id), today, rules)


def refresh_course_states(db, today: dt.date, rules: CourseRules) -> int:
    """Passivate and complete active courses whose time has come (the hourly job runs this);
    returns how many changed."""
    with transaction(db):
        rows = db.query("select case_id from courses where state = ?", [ACTIVE])
        active = [_require(db, row["case_id"]) for row in list(rows)]
        return sum(_update_state(db, course, today, rules) != course for course in active)


def record_closing_conversation(db, case_id: str, provider_id: str, conversation_day: dt.date) -> Course:
    """The optional individual closing conversation (§ 101a stk. 8), held by `provider_id` (the
    signed-in provider; `NotYourCourse` for a course held elsewhere); not before the start."""
    with transaction(db):
        course = _own(db, case_id, provider_id)
        if conversation_day < course.start_date:
            raise InvalidSession("before_start")
        db.execute("update courses set closing_conversation_on = ? where case_id = ?", [day(conversation_day), case_id])
        return _require(db, case_id)


def current_course(db, case_id: str, today: dt.date, rules: CourseRules) -> Course | None:
    """The case's course with its state as of `today`, worked out without writing (for pages)."""
    course = course_for(db, case_id)
    return None if course is None else course_as_of(course, today, rules)


def course_as_of(course: Course, as_of: dt.date, rules: CourseRules) -> Course:
    """The course as it stood at the end of `as_of`: its state worked out (never stored) from
    the sessions up to that day."""
    sessions = tuple(session for session in course.sessions if session.day <= as_of)
    state, ended_on = derive_state(course.start_date, sessions, as_of, rules)
    return dataclasses.replace(course, state=state, ended_on=ended_on, sessions=sessions)


def treatment_stretches(db, as_of: dt.date, rules: CourseRules, *, provider_id: str | None = None,
                        case_id: str | None = None, since: dt.date | None = None) -> list[Stretch]:
    """Every stretch of treatment up to `as_of` of one provider or one case: the days of the
    current courses, worked out as of `as_of` (a course still running counts to `as_of`), and
    of the courses changed decisions superseded; with `since`, only those that reach it (an
    invoice month reads its own courses, not every course the provider ever held). Reads only."""
    where, values = ("provider_id = ?", [provider_id]) if case_id is None else ("case_id = ?", [case_id])
    stretches = []
    for course_case_id in _course_ids(db, where, values, as_of, since):
        course = course_as_of(_require(db, course_case_id), as_of, rules)
        stretches.append(Stretch(course.case_id, course.provider_id, course.granted_by, course.start_date,
                                 course.ended_on or as_of))
    reaching = "" if since is None else " and ended_on >= ?"
    rows = db.query(f"select * from superseded_courses where {where} and start_date <= ?{reaching}",
                    [*values, day(as_of), *([day(since)] if since else [])])
    stretches.extend(
        Stretch(row["case_id"], row["provider_id"], row["granted_by"], parse_day(row["start_date"]),
                min(parse_day(row["ended_on"]), as_of))
        for row in rows
    )
    return stretches


def _course_ids(db, where: str, values: list, as_of: dt.date, since: dt.date | None) -> list[str]:
    """The cases whose course began by `as_of` and, with `since`, had not ended before it. The
    stored end is the course's last day whatever day it is worked out as of (a session is never
    recorded after it, `record_session`), so a course stored as ended before `since` has no day
    from `since` on, and one still running (no end stored) may."""
    started = f"select case_id from courses where {where} and start_date <= ?"
    if since is None:
        rows = db.query(started, [*values, day(as_of)])
    else:
        rows = db.query(f"{started} and ended_on >= ? union all {started} and ended_on is null",
                        [*values, day(as_of), day(since), *values, day(as_of)])
    return [row["case_id"] for row in rows]


def supersede_course(db, case_id: str, change_day: dt.date, rules: CourseRules) -> None:
    """A changed decision ends the case's course: the days it ran before `change_day` are kept
    as a superseded course (its own end if it had ended, else the day before the change), and
    the course with its sessions is removed. A course that had not begun leaves nothing. Runs
    inside the caller's transaction (`treatment.decisions.decide`)."""
    course = _require(db, case_id)
    last_day = change_day - dt.timedelta(days=1)
    if course.start_date <= last_day:
        ended = course_as_of(course, last_day, rules)
        db["superseded_courses"].insert({
            "case_id": case_id, "provider_id": course.provider_id, "start_date": day(course.start_date),
            "ended_on": day(ended.ended_on or last_day), "granted_by": course.granted_by,
        })
    db.execute("delete from course_sessions where case_id = ?", [case_id])
    db.execute("delete from courses where case_id = ?", [case_id])


def has_superseded_course(db, case_id: str) -> bool:
    """Whether a changed decision has ended a course of this case that had begun."""
    return db.execute("select 1 from superseded_courses where case_id = ?", [case_id]).fetchone() is not None


def course_for(db, case_id: str) -> Course | None:
    """The case's course as stored (as of the last session recorded or the last hourly job)."""
    return read_together(db, course_part(case_id))[0]


#: A course's stored columns, then its sessions as (day, outcome) pairs: the SELECT of a case's
#: course with its sessions as one value.
_COLUMNS = ("case_id", "provider_id", "start_date", "granted_by", "state", "ended_on", "closing_conversation_on")
_SESSIONS = ("(select json_group_array(json_array(session_date, outcome)) from course_sessions"
             " where course_sessions.case_id = courses.case_id)")
_WITH_SESSIONS = f"select {one_value(_COLUMNS + (_SESSIONS,))} from courses where case_id = ?"


def course_part(case_id: str) -> Part:
    """`course_for` as a part of `store.transaction.read_together`."""
    return Part(_WITH_SESSIONS, (case_id,), _course_of)


def _course_of(written: str | None) -> Course | None:
    row = row_from(_COLUMNS + ("sessions",), written)
    if row is None:
        return None
    return Course(
        case_id=row["case_id"],
        provider_id=row["provider_id"],
        start_date=parse_day(row["start_date"]),
        granted_by=row["granted_by"],
        state=row["state"],
        ended_on=parse_day(row["ended_on"]),
        closing_conversation_on=parse_day(row["closing_conversation_on"]),
        sessions=tuple(Session(parse_day(session_date), outcome) for session_date, outcome in sorted(row["sessions"])),
    )


def _update_state(db, course: Course, today: dt.date, rules: CourseRules) -> Course:
    """Store the derived state; a course that has just completed is counted for the statistics."""
    state, ended_on = derive_state(course.start_date, course.sessions, today, rules)
    if (state, ended_on) == (course.state, course.ended_on):
        return course
    db.execute(
        "update courses set state = ?, ended_on = ? where case_id = ?",
        [state, day(ended_on), course.case_id],
    )
    if state == COMPLETED:
        monthly.count_event(db, monthly.COURSE_COMPLETED, ended_on, course.provider_id)
    return _require(db, course.case_id)


def _granted(db, case_id: str, provider_id: str, start_date: dt.date) -> bool:
    """Whether the municipality granted this course (read from `treatment.decisions`' table)."""
    row = next(db.query("select outcome, provider_id, start_date from decisions where case_id = ?", [case_id]), None)
    return row is not None and (row["outcome"], row["provider_id"], row["start_date"]) == ("granted", provider_id, day(start_date))


def _own(db, case_id: str, provider_id: str) -> Course:
    """The course, when `provider_id` holds it: a provider writes only to its own courses."""
    course = _require(db, case_id)
    if course.provider_id != provider_id:
        raise NotYourCourse(case_id)
    return course


def _require(db, case_id: str) -> Course:
    course = course_for(db, case_id)
    if course is None:
        raise NoCourse(case_id)
    return course
