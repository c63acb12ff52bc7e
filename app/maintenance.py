"""The hourly job (`retention.jobs`): run by `flask purge`, and at most once an hour from
requests, so a small installation needs no cron. Abandoned sessions are deleted here, by the
web layer that owns them."""

import datetime as dt

from flask import Flask

from accounts import accounts
from app import keys, sessions
from app.context import get_db, now, settings, vault
from booking import bookings
from intake import cases
from retention import jobs
from store.connection import open_database
from store.sealing import Vault
from store.transaction import transaction
from treatment import decisions


def run_hourly(db) -> dict[str, int]:
    """Delete what is no longer needed and bring stored states up to date (README, "Retention");
    returns how many rows of each kind changed."""
    config = settings()
    moment = now()
    deleted_sessions = sessions.delete_expired(db, moment, dt.timedelta(hours=config.chat_retention_hours))
    return {"sessions": deleted_sessions, **jobs.run_hourly(db, vault(), moment, config)}


def install_maintenance(app: Flask) -> None:
    """Run the hourly job from the first request after it is due. The process remembers when the
    job is next due, so that the requests in between ask the database nothing; another worker
    may have run it meanwhile, which the claim (`jobs.claim_if_due`) finds out."""
    not_due_before = [None]

    @app.before_request
    def hourly_job():
        moment = now()
        if not_due_before[0] is not None and moment < not_due_before[0]:
            return
        db = get_db()
        if jobs.claim_if_due(db, moment):
            run_hourly(db)
        not_due_before[0] = jobs.next_due(db)


def reseal_old_values(app: Flask) -> None:
    """At start-up: re-seal every value sealed by an earlier version of `store.sealing` (such a
    token tells the second it was written); a no-op once done."""
    db = open_database(app.config["DATABASE"])
    try:
        box = app.extensions["indgang.vault"]
        reseal_everything(db, box, box)
    finally:
        db.close()


def reseal_everything(db, old: Vault, new: Vault) -> dict[str, int]:
    """Every sealed column, opened with `old` and sealed with `new`, in one transaction (all or
    nothing); each owner re-seals its own column. Returns how many values of each."""
    with transaction(db):
        return {
            "cases": cases.reseal(db, old, new),
            "accounts": accounts.reseal_totp_secrets(db, old, new),
            "sessions": sessions.reseal(db, old, new),
            "bookings": bookings.reseal_decline_notes(db, old, new),
            "decisions": decisions.reseal_change_reasons(db, old, new),
        }


def rotate_data_key(app: Flask) -> dict[str, int]:
    """Re-seal everything under a new data key (`flask rotate-keys`). The new key is written
    beside the old one first (`data.key.new`), every value is re-sealed in one transaction, and
    only then does the new key replace the old, which is gone. Interrupted anywhere, nothing is
    lost: the app opens values under either key while `data.key.new` exists (`_install_keys`),
    and running this again finishes the rotation."""
    old, new = keys.load_key("data", app.instance_path), keys.begin_rotation("data", app.instance_path)
    db = open_database(app.config["DATABASE"])
    try:
        counts = reseal_everything(db, Vault(old, also_opens=(new,)), Vault(new))
    finally:
        db.close()
    keys.finish_rotation("data", app.instance_path)
    return counts
