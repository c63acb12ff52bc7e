"""Plain builders for the course tests: a migrated database, cases, and granted courses."""

import datetime as dt

from common.clock import COPENHAGEN
from store.connection import open_database
from store.transaction import Part
from treatment import courses, decisions

import builders

RULES = courses.CourseRules()
PROVIDER = "p1"
OTHER_PROVIDER = "p2"
#: Monday 2 March 2026.
TODAY = dt.date(2026, 3, 2)


def granted_course(db, start: dt.date, provider_id: str = PROVIDER, **case_fields) -> str:
    """A case with a granted decision and its course starting on `start`; returns the case id."""
    case_id = make_case(db, **case_fields)
    decisions.decide(
        db, case_id, start, decisions.GRANTED, provider_ids=[provider_id], guarantee_days=14,
        provider_id=provider_id, start_date=start, rules=RULES, today=start, now=noon(start),
    )
    return case_id


def noon(day: dt.date) -> dt.datetime:
    """Midday on `day`, Copenhagen time (the case has no booking to wait for)."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=COPENHAGEN)


def sessions(db, case_id: str, *days_and_outcomes, today: dt.date | None = None):
    """Record (day, outcome) pairs in order; returns the course after the last."""
    course = None
    for day, outcome in days_and_outcomes:
        provider_id = courses.course_for(db, case_id).provider_id
        course = courses.record_session(db, case_id, provider_id, day, outcome, today or day, RULES)
    return course


def attending(db, case_id: str, *days: dt.date):
    """Record an attendance on each day (so that the course does not become passive)."""
    return sessions(db, case_id, *((day, courses.ATTENDED) for day in days))


def make_case(db, first_contact_day=TODAY, **overrides) -> str:
    """A case row, first contacted on TODAY unless told otherwise."""
    return builders.make_case(db, first_contact_day, **overrides)


def shown_while_decided_meanwhile(monkeypatch, app, owner, read: str, case_id: str, show) -> tuple[str, str]:
    """Two people at the same moment: what `show()` (a page) shows when, right after its read
    `owner.read` returns, the municipality records a not-granted decision for `case_id` on a
    connection of its own (it closes the conversation and decides in one transaction); and what
    it shows on the next look. Returns (during, after)."""
    reading = getattr(owner, read)
    clock, providers = app.extensions["indgang.clock"], app.extensions["indgang.settings"].providers

    def decide_elsewhere():
        elsewhere = open_database(app.config["DATABASE"])
        [first_contact] = elsewhere.execute("select first_contact_day from cases where id = ?", [case_id]).fetchone()
        decisions.decide(elsewhere, case_id, dt.date.fromisoformat(first_contact), decisions.NOT_GRANTED,
                         provider_ids=[p.id for p in providers], guarantee_days=14, rules=RULES,
                         reason="needs_other_treatment", today=clock.today(), now=clock.now())
        elsewhere.close()

    def read_then_decide(*args, **kwargs):
        found = reading(*args, **kwargs)
        if isinstance(found, Part):  # a part of one statement (`read_together`): decided once that statement has read
            return found._replace(parse=lambda value: (decide_elsewhere(), found.parse(value))[1])
        decide_elsewhere()
        return found

    with monkeypatch.context() as patched:
        patched.setattr(owner, read, read_then_decide)
        during = show()
    return during, show()
