"""Plain builders for the course tests: a migrated database, cases, and granted courses."""

import datetime as dt
import secrets

from app.db import open_database
from app.schema import migrations
from booking import decisions
from course import courses

RULES = courses.CourseRules()
PROVIDER = "p1"
OTHER_PROVIDER = "p2"
#: Monday 2 March 2026.
TODAY = dt.date(2026, 3, 2)


def fresh_database(path):
    """A migrated file database in WAL mode, opened the way the app opens it (foreign keys on)."""
    db = open_database(path)
    db.enable_wal()
    migrations.apply(db)
    return db


def make_case(db, **overrides) -> str:
    """Insert a case row with only the columns the schema requires; return its id."""
    token = secrets.token_hex(8)
    row = {
        "id": token,
        "code_digest": f"digest-{token}",
        "referral_number": f"R-{token}",
        "first_contact_day": TODAY.isoformat(),
        "created_via": "web",
        "outcome": "fits",
        "screening": "sealed",
        **overrides,
    }
    db["cases"].insert(row)
    return row["id"]


def granted_course(db, start: dt.date, provider_id: str = PROVIDER, **case_fields) -> str:
    """A case with a granted decision and its course starting on `start`; returns the case id."""
    case_id = make_case(db, **case_fields)
    decisions.record_decision(
        db, case_id, decisions.GRANTED, provider_ids=[provider_id], provider_id=provider_id,
        start_date=start, today=start, now=dt.datetime.combine(start, dt.time(9), dt.timezone.utc),
    )
    courses.start_course(db, case_id, provider_id, start, courses.MUNICIPALITY)
    return case_id


def sessions(db, case_id: str, *days_and_outcomes, today: dt.date | None = None):
    """Record (day, outcome) pairs in order; returns the course after the last."""
    course = None
    for day, outcome in days_and_outcomes:
        course = courses.record_session(db, case_id, day, outcome, today or day, RULES)
    return course
