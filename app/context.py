"""What a request may ask of the app it runs in: settings, keys, the clock, the database."""

import datetime as dt

from flask import current_app, g

from accounts.accounts import Passwords
from app.config import Settings
from common.clock import Clock
from store.connection import open_database
from store.sealing import Vault


def settings() -> Settings:
    return current_app.extensions["indgang.settings"]


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
    """The request's connection, opened on first use and closed at the end of the request."""
    if "db" not in g:
        g.db = open_database(current_app.config["DATABASE"])
    return g.db


def close_db(_exception=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()
