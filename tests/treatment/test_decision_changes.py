"""A changed decision carries its consequences: it needs a reason, ends or moves the course
(the days before the change stay billable), and the statistics count one outcome per case."""

import datetime as dt

import pytest

from app.config import Rate
from stats import monthly
from treatment import courses, decisions
from treatment.invoice import invoice_basis

from builders import VAULT
from builders_course import OTHER_PROVIDER, PROVIDER, RULES, granted_course, noon

RATES = (Rate(dt.date(2015, 7, 1), 71.0),)
START = dt.date(2026, 3, 2)
CHANGE_DAY = dt.date(2026, 3, 12)


def change(db, case_id, outcome, today=CHANGE_DAY, change_reason="Wrong place chosen", **fields):
    return decisions.decide(
        db, case_id, START, outcome, provider_ids=[PROVIDER, OTHER_PROVIDER], guarantee_days=14,
        change_reason=change_reason, vault=VAULT, rules=RULES, today=today, now=noon(today), **fields)


def billed_days(db, provider_id, month=3):
    return [line.days for line in invoice_basis(db, provider_id, 2026, month, RATES, "unit", RULES).lines]


def decision_counts(db) -> dict[str, int]:
    rows = db.query("select event, sum(delta) as n from statistics_events where event like 'decision_%' group by event")
    return {row["event"]: row["n"] for row in rows if row["n"]}


def test_a_change_needs_a_reason(db):
    case_id = granted_course(db, START)
    with pytest.raises(decisions.InvalidDecision) as error:
        change(db, case_id, decisions.NOT_GRANTED, reason="other", change_reason=" ")
    assert error.value.field == "change_reason"
    assert decisions.decision_for(db, case_id).outcome == decisions.GRANTED


def test_recording_the_same_decision_again_is_no_change(db):
    case_id = granted_course(db, START)
    change(db, case_id, decisions.GRANTED, change_reason=None, provider_id=PROVIDER, start_date=START)
    assert courses.course_for(db, case_id).start_date == START


@pytest.mark.parametrize("outcome", [decisions.NOT_GRANTED, decisions.DID_NOT_ATTEND])
def test_granted_then_refused_ends_the_course_the_day_before_the_change(db, outcome):
    # Given a course running since 2 March
    case_id = granted_course(db, START)
    # When the decision is changed on 12 March
    change(db, case_id, outcome, reason="other")
    # Then the course is over, its ten days before the change stay billable, and the case counts once
    assert courses.course_for(db, case_id) is None
    assert billed_days(db, PROVIDER) == [10]
    assert billed_days(db, PROVIDER, month=4) == []
    assert decision_counts(db) == {monthly.DECISION_EVENTS[outcome]: 1}


def test_a_change_of_place_moves_a_running_course_from_the_day_of_the_change(db):
    case_id = granted_course(db, START)
    change(db, case_id, decisions.GRANTED, provider_id=OTHER_PROVIDER, start_date=CHANGE_DAY)
    course = courses.course_for(db, case_id)
    assert (course.provider_id, course.start_date, course.state) == (OTHER_PROVIDER, CHANGE_DAY, courses.ACTIVE)
    assert billed_days(db, PROVIDER) == [10]
    assert billed_days(db, OTHER_PROVIDER) == [20]
    assert decision_counts(db) == {"decision_granted": 1}


def test_a_moved_course_cannot_start_before_the_change(db):
    case_id = granted_course(db, START)
    with pytest.raises(decisions.StartTooEarly) as error:
        change(db, case_id, decisions.GRANTED, provider_id=OTHER_PROVIDER, start_date=START)
    assert error.value.earliest == CHANGE_DAY


def test_a_course_that_has_not_started_is_simply_reassigned(db):
    case_id = granted_course(db, START)
    later = dt.date(2026, 3, 20)
    decisions.decide(db, case_id, START, decisions.GRANTED, provider_ids=[PROVIDER], guarantee_days=14,
                     provider_id=PROVIDER, start_date=later, change_reason="Later start", vault=VAULT, rules=RULES, today=START,
                     now=noon(START))
    change(db, case_id, decisions.GRANTED, provider_id=OTHER_PROVIDER, start_date=later)
    assert (courses.course_for(db, case_id).provider_id, courses.course_for(db, case_id).start_date) == (OTHER_PROVIDER, later)
    assert billed_days(db, PROVIDER) == []
    assert billed_days(db, OTHER_PROVIDER) == [12]


def test_a_course_ended_before_the_change_keeps_its_own_end(db):
    case_id = granted_course(db, START)
    courses.record_session(db, case_id, PROVIDER, dt.date(2026, 3, 3), courses.NO_SHOW, dt.date(2026, 3, 3), RULES)
    courses.record_session(db, case_id, PROVIDER, dt.date(2026, 3, 5), courses.NO_SHOW, dt.date(2026, 3, 5), RULES)
    change(db, case_id, decisions.NOT_GRANTED, reason="other")
    assert billed_days(db, PROVIDER) == [4]


def test_refused_then_granted_again_starts_a_new_course_after_the_change(db):
    case_id = granted_course(db, START)
    change(db, case_id, decisions.NOT_GRANTED, reason="other")
    with pytest.raises(decisions.StartTooEarly):
        change(db, case_id, decisions.GRANTED, today=dt.date(2026, 3, 16), provider_id=PROVIDER, start_date=START)
    change(db, case_id, decisions.GRANTED, today=dt.date(2026, 3, 16), provider_id=PROVIDER, start_date=dt.date(2026, 3, 16))
    assert billed_days(db, PROVIDER) == [10 + 16]  # one line: one citizen
    assert decision_counts(db) == {"decision_granted": 1}
