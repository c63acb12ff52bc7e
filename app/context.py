"""What a request may ask of the app it runs in: settings, keys, the clock, the database."""

import datetime as dt
import os
import threading

from flask import current_app, g
from werkzeug.local import LocalProxy

from accounts.accounts import Passwords
from app.config import Settings
from common.clock import Clock
from store.connection import open_database
from store.sealing import Vault


def settings() -> Settings:
    """The settings as of this request: the TOML file's, with the providers and the
    municipality's settings from the database (`app.managed_settings`); read once per request."""
    found = g.get("settings")  # one look-up of `g` where "in" and then reading it make two
    if found is None:
        found = g.settings = current_app.extensions["indgang.settings_cache"].current(get_db())
    return found


#: `settings` for every template (a Jinja global), as of the request being answered: read when a
#: template first uses it (a page that shows none of it, like the landing page, reads nothing).
template_settings = LocalProxy(settings)


def vault() -> Vault:
    return current_app.extensions["indgang.vault"]


def code_key() -> bytes:
    return current_app.extensions["indgang.code_key"]


def passwords() -> Passwords:
    return current_app.extensions["indgang.passwords"]


def clock() -> Clock:
    return current_app.extensions["indgang.clock"]


def now() -> dt.datetime:
    """This instant in UTC, by the app's clock."""
    return clock().now()


def today() -> dt.date:
    """Today in Copenhagen, by the app's clock."""
    return clock().today()


def get_db():
    """The request's connection: its thread's own, opened on the thread's first request and kept
    for the next ones. Opening one costs more than most pages' queries (the pragmas, reading the
    schema, and a WAL checkpoint whenever the last one closes); SQLite's automatic checkpoint
    keeps the WAL short."""
    found = g.get("db")
    if found is None:
        found = g.db = _thread_connection(current_app.config["DATABASE"])
    return found


def close_db(_exception=None) -> None:
    """The end of a request: nothing it began is carried into the thread's next request (a
    transaction an error left open is rolled back)."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.execute("ROLLBACK")


_thread = threading.local()


def _thread_connection(path: str):
    """The calling thread's connection to `path` (a thread keeps one, for one database). The
    process id is part of the key: a connection is never used across a fork (gunicorn preloads
    the app in its master)."""
    key = (os.getpid(), path)
    kept = getattr(_thread, "kept", None)
    if kept is None or kept[0] != key:
        if kept is not None and kept[0][0] == key[0]:
            kept[1].close()
        _thread.kept = (key, open_database(path))
    return _thread.kept[1]
