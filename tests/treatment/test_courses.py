"""The course after a granted decision: start, sessions, discharge, passivation, completion."""

import datetime as dt

import pytest

from booking import bookings
from treatment import courses, decisions
from treatment.courses import ATTENDED, CANCELLED_IN_TIME, NO_SHOW

from builders_course import OTHER_PROVIDER, PROVIDER, RULES, granted_course, make_case, sessions

START = dt.date(2026, 3, 2)


def day(n: int) -> dt.date:
    """Day n after the start (day 0 is the start)."""
    return START + dt.timedelta(days=n)


def refresh(db, today):
    courses.refresh_course_states(db, today, RULES)


def test_a_granted_decision_starts_an_active_course(db):
    case_id = granted_course(db, START)
    course = courses.course_for(db, case_id)
    assert (course.state, course.provider_id, course.start_date, course.granted_by) == (
        courses.ACTIVE, PROVIDER, START, courses.MUNICIPALITY)
    assert course.ended_on is None and course.sessions == () and course.last_attendance is None


@pytest.mark.parametrize(
    "outcome, provider_id, start",
    [(None, PROVIDER, START), (decisions.NOT_GRANTED, PROVIDER, START),
     (decisions.GRANTED, "p2", START), (decisions.GRANTED, PROVIDER, day(1))],
)
def test_the_municipality_path_needs_the_matching_granted_decision(db, outcome, provider_id, start):
    case_id = make_case(db)
    if outcome:  # the decision as stored, without the course that `decisions.decide` starts
        db["decisions"].insert({"case_id": case_id, "outcome": outcome, "provider_id": PROVIDER,
                                "start_date": START.isoformat(), "decided_day": START.isoformat()})
    with pytest.raises(courses.NotGranted):
        courses.start_course(db, case_id, provider_id, start, courses.MUNICIPALITY)
    assert courses.course_for(db, case_id) is None


def test_a_case_has_one_course(db):
    case_id = granted_course(db, START)
    with pytest.raises(courses.CourseExists):
        courses.start_course(db, case_id, PROVIDER, START, courses.MUNICIPALITY)


def test_a_course_for_a_vanished_case_is_refused_by_name(db):
    with pytest.raises(bookings.UnknownCase):
        courses.start_course(db, "gone", PROVIDER, START, courses.PROVIDER)


def test_sessions_are_counted_and_the_last_attendance_kept(db):
    case_id = granted_course(db, START)
    course = sessions(db, case_id, (day(0), ATTENDED), (day(7), CANCELLED_IN_TIME), (day(14), ATTENDED), (day(21), NO_SHOW))
    assert (course.attended, course.no_shows, len(course.sessions)) == (2, 1, 4)
    assert course.last_attendance == day(14) and course.state == courses.ACTIVE


@pytest.mark.parametrize(
    "session_day, today, reason",
    [(day(-1), day(0), "before_start"), (day(3), day(2), "after_today")],
)
def test_a_session_outside_the_course_is_refused(db, session_day, today, reason):
    case_id = granted_course(db, START)
    with pytest.raises(courses.InvalidSession) as error:
        courses.record_session(db, case_id, PROVIDER, session_day, ATTENDED, today, RULES)
    assert error.value.reason == reason


def test_an_unknown_outcome_is_refused(db):
    case_id = granted_course(db, START)
    with pytest.raises(courses.InvalidSession) as error:
        courses.record_session(db, case_id, PROVIDER, START, "late", START, RULES)
    assert error.value.reason == "outcome"


def test_a_session_for_a_case_without_course_is_refused(db):
    with pytest.raises(courses.NoCourse):
        courses.record_session(db, make_case(db), PROVIDER, START, ATTENDED, START, RULES)


def test_a_second_record_for_the_same_day_replaces_the_first(db):
    case_id = granted_course(db, START)
    sessions(db, case_id, (day(7), NO_SHOW), (day(7), ATTENDED))
    assert courses.course_for(db, case_id).sessions == (courses.Session(day(7), ATTENDED),)


def test_two_no_shows_in_a_row_discharge_on_the_second(db):
    case_id = granted_course(db, START)
    course = sessions(db, case_id, (day(0), ATTENDED), (day(7), NO_SHOW), (day(14), NO_SHOW))
    assert (course.state, course.ended_on) == (courses.DISCHARGED, day(14))


def test_two_no_shows_with_an_attendance_between_them_are_not_a_discharge(db):
    case_id = granted_course(db, START)
    course = sessions(db, case_id, (day(0), NO_SHOW), (day(7), ATTENDED), (day(14), NO_SHOW))
    assert (course.state, course.ended_on) == (courses.ACTIVE, None)


def test_a_cancellation_in_good_time_does_not_break_the_run(db):
    case_id = granted_course(db, START)
    course = sessions(db, case_id, (day(0), NO_SHOW), (day(4), CANCELLED_IN_TIME), (day(7), NO_SHOW))
    assert (course.state, course.ended_on) == (courses.DISCHARGED, day(7))


def test_correcting_a_mistaken_no_show_takes_the_discharge_back(db):
    case_id = granted_course(db, START)
    sessions(db, case_id, (day(0), NO_SHOW), (day(7), NO_SHOW))
    course = courses.record_session(db, case_id, PROVIDER, day(7), ATTENDED, day(8), RULES)
    assert (course.state, course.ended_on) == (courses.ACTIVE, None)


def test_nothing_is_recorded_after_a_discharge(db):
    case_id = granted_course(db, START)
    sessions(db, case_id, (day(0), NO_SHOW), (day(7), NO_SHOW))
    with pytest.raises(courses.InvalidSession) as error:
        courses.record_session(db, case_id, PROVIDER, day(8), ATTENDED, day(8), RULES)
    assert error.value.reason == "after_end"


def test_passive_on_day_21_without_attendance_not_on_day_20(db):
    case_id = granted_course(db, START)
    refresh(db, day(20))
    assert courses.course_for(db, case_id).state == courses.ACTIVE
    refresh(db, day(21))
    course = courses.course_for(db, case_id)
    assert (course.state, course.ended_on) == (courses.PASSIVE, day(20))


def test_passivation_counts_from_the_last_attendance_and_a_cancellation_is_no_attendance(db):
    case_id = granted_course(db, START)
    sessions(db, case_id, (day(10), ATTENDED), (day(20), CANCELLED_IN_TIME))
    refresh(db, day(30))
    assert courses.course_for(db, case_id).state == courses.ACTIVE
    refresh(db, day(31))
    course = courses.course_for(db, case_id)
    assert (course.state, course.ended_on) == (courses.PASSIVE, day(30))


def test_a_late_recorded_attendance_reopens_a_passive_course(db):
    case_id = granted_course(db, START)
    refresh(db, day(25))
    course = courses.record_session(db, case_id, PROVIDER, day(14), ATTENDED, day(25), RULES)
    assert (course.state, course.ended_on) == (courses.ACTIVE, None)


def test_a_session_after_passivation_is_refused(db):
    case_id = granted_course(db, START)
    with pytest.raises(courses.InvalidSession) as error:
        courses.record_session(db, case_id, PROVIDER, day(21), ATTENDED, day(21), RULES)
    assert error.value.reason == "after_end"


def attend_every_two_weeks(db, case_id, until: int):
    sessions(db, case_id, *[(day(n), ATTENDED) for n in range(0, until + 1, 14)])


def test_the_course_completes_after_16_weeks(db):
    case_id = granted_course(db, START)
    attend_every_two_weeks(db, case_id, 111)
    refresh(db, day(111))
    assert courses.course_for(db, case_id).state == courses.ACTIVE
    refresh(db, day(112))
    course = courses.course_for(db, case_id)
    assert (course.state, course.ended_on) == (courses.COMPLETED, day(111))
    assert (course.ended_on - course.start_date).days + 1 == 16 * 7


def test_a_completed_course_is_closed_and_counted_once(db):
    case_id = granted_course(db, START)
    attend_every_two_weeks(db, case_id, 111)
    refresh(db, day(112))
    refresh(db, day(113))
    with pytest.raises(courses.CourseClosed):
        courses.record_session(db, case_id, PROVIDER, day(100), ATTENDED, day(113), RULES)
    events = list(db.query("select month, provider_id, event from statistics_events where event like 'course%'"))
    assert events == [{"month": "2026-06", "provider_id": PROVIDER, "event": "course_completed"}]


def test_the_earliest_end_wins_and_completion_wins_a_tie():
    start, rules = START, courses.CourseRules(weeks=2, passive_after_days=14)
    assert courses.derive_state(start, (), day(30), rules) == (courses.COMPLETED, day(13))
    no_shows = (courses.Session(day(3), NO_SHOW), courses.Session(day(5), NO_SHOW))
    assert courses.derive_state(start, no_shows, day(30), rules) == (courses.DISCHARGED, day(5))


def test_the_closing_conversation_is_kept_and_not_before_the_start(db):
    case_id = granted_course(db, START)
    with pytest.raises(courses.InvalidSession):
        courses.record_closing_conversation(db, case_id, PROVIDER, day(-1))
    assert courses.record_closing_conversation(db, case_id, PROVIDER, day(113)).closing_conversation_on == day(113)


def test_deleting_the_case_deletes_its_course_and_sessions(db):
    case_id = granted_course(db, START)
    sessions(db, case_id, (day(0), ATTENDED))
    db.execute("delete from cases where id = ?", [case_id])
    assert courses.course_for(db, case_id) is None
    assert db.execute("select count(*) from course_sessions").fetchone()[0] == 0


def test_a_provider_cannot_write_to_another_providers_course(db):
    # Given a course the municipality granted at another provider
    case_id = granted_course(db, START, provider_id=OTHER_PROVIDER)

    # When this provider records attendance or a closing conversation for it, then it is refused
    with pytest.raises(courses.NotYourCourse):
        courses.record_session(db, case_id, PROVIDER, day(1), ATTENDED, day(1), RULES)
    with pytest.raises(courses.NotYourCourse):
        courses.record_closing_conversation(db, case_id, PROVIDER, day(1))

    # And nothing was written
    course = courses.course_for(db, case_id)
    assert course.sessions == () and course.closing_conversation_on is None
    assert courses.record_session(db, case_id, OTHER_PROVIDER, day(1), ATTENDED, day(1), RULES).attended == 1
