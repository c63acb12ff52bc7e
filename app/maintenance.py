"""The hourly job (`retention.jobs`): run by `flask purge`, and at most once an hour from
requests, so a small installation needs no cron. Abandoned sessions are deleted here, by the
web layer that owns them."""

import datetime as dt

from flask import Flask

from accounts import accounts
from app import sessions
from app.context import get_db, now, settings, vault
from intake import cases
from retention import jobs
from store.connection import open_database
from store.transaction import transaction


def run_hourly(db) -> dict[str, int]:
    """Delete what is no longer needed and bring stored states up to date (README, "Retention");
    returns how many rows of each kind changed."""
    config = settings()
    moment = now()
    deleted_sessions = sessions.delete_expired(db, moment, dt.timedelta(hours=config.chat_retention_hours))
    return {"sessions": deleted_sessions, **jobs.run_hourly(db, vault(), moment, config)}


def install_maintenance(app: Flask) -> None:
    @app.before_request
    def hourly_job():
        db = get_db()
        if jobs.claim_if_due(db, now()):
            run_hourly(db)


def reseal_old_values(app: Flask) -> None:
    """At start-up: re-seal every value sealed by an earlier version of `store.sealing` (such a
    token tells the second it was written). Each owner re-seals its own column; a no-op once done."""
    db = open_database(app.config["DATABASE"])
    try:
        with transaction(db):
            box = app.extensions["indgang.vault"]
            cases.reseal(db, box)
            accounts.reseal_totp_secrets(db, box)
            sessions.reseal(db, box)
    finally:
        db.close()
