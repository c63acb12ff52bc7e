"""Deletion on schedule: `flask purge`, and the same at most once an hour from requests."""

import datetime as dt

import sqlite_utils
from flask import Flask

from app.db import get_db
from app.sessions import now_utc
from app.state import settings
from course import retention

PURGE_INTERVAL = dt.timedelta(hours=1)


def purge(db: sqlite_utils.Database) -> dict[str, int]:
    """Delete what is no longer needed (README, "Retention"); returns how many of each went."""
    config = settings()
    return retention.purge(db, now_utc(), config.chat_retention_hours, config.case_retention_days, config.course)


def purge_if_due(db: sqlite_utils.Database, now: dt.datetime) -> bool:
    """Run `purge` if the last run is an hour old. A plain read decides on most requests; the
    claim itself is an atomic update, so two workers never both run it."""
    due_before = (now - PURGE_INTERVAL).isoformat()
    last = next(db.query("select last_run from maintenance where name = 'purge'"))["last_run"]
    if last > due_before:
        return False
    claimed = db.execute(
        "update maintenance set last_run = ? where name = 'purge' and last_run <= ?",
        [now.isoformat(), due_before],
    ).rowcount
    if claimed:
        purge(db)
    return bool(claimed)


def install_maintenance(app: Flask) -> None:
    @app.before_request
    def scheduled_purge():
        purge_if_due(get_db(), now_utc())
