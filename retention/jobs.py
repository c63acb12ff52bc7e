"""The hourly job, and the claim that lets exactly one worker run it.

`settings` is the app's configuration (`app.config.Settings`), read for its plain fields:
`course`, `case_retention_days`, `providers`, `guarantee_days`, `booking` and `rates`.
"""

import datetime as dt

from booking import bookings, for_case, guarantee
from common.clock import COPENHAGEN
from intake import cases
from retention import schedule
from store.sealing import Vault
from store.times import parse_stamp, stamp
from store.transaction import transaction
from treatment import courses

INTERVAL = dt.timedelta(hours=1)
JOB = "purge"  # the maintenance row's name since the first version


def claim_if_due(db, now: dt.datetime) -> bool:
    """Claim the hourly run if the last one is an hour old. A plain read decides on most
    requests; the claim itself is one conditional update, so two workers never both run it."""
    due_before = stamp(now - INTERVAL)
    last = next(db.query("select last_run from maintenance where name = ?", [JOB]))["last_run"]
    if last > due_before:
        return False
    return db.execute(
        "update maintenance set last_run = ? where name = ? and last_run <= ?", [stamp(now), JOB, due_before]
    ).rowcount == 1


def next_due(db) -> dt.datetime:
    """When the hourly job is next due, by its last claim."""
    last = next(db.query("select last_run from maintenance where name = ?", [JOB]))["last_run"]
    return parse_stamp(last) + INTERVAL


def run_hourly(db, vault: Vault, now: dt.datetime, settings) -> dict[str, int]:
    """Everything that changes with time alone; returns how many rows of each kind changed."""
    today = now.astimezone(COPENHAGEN).date()
    with transaction(db):
        courses_ended = courses.refresh_course_states(db, today, settings.course)
        expired = bookings.expire_pending(db, now)
        at_risk = review_waiting_cases(db, vault, now, settings)
        deleted = schedule.purge_ended_cases(db, today, settings.case_retention_days, settings.rates, settings.course)
    return {"bookings_expired": expired, "courses_ended": courses_ended, "cases_at_risk": at_risk, "cases": deleted}


def review_waiting_cases(db, vault: Vault, now: dt.datetime, settings) -> int:
    """Recheck the guarantee of every case still waiting for its conversation (phone-intake
    cases too); returns how many are at risk."""
    today = now.astimezone(COPENHAGEN).date()
    waiting = (cases.load_case(db, vault, case_id) for case_id in guarantee.waiting_case_ids(db, today, settings.guarantee_days))
    return sum(
        for_case.review_guarantee(db, case, settings.providers, now, settings.guarantee_days, settings.booking)
        for case in waiting
    )
