"""What a request may ask of the app it runs in: settings, keys, the clock, the database, and
the request, its session and its app themselves.

Flask's `request`, `session`, `g` and `current_app` are proxies: every attribute read through
one costs about a microsecond (werkzeug's proxy first fails an ordinary look-up), against a
quarter of that for the object itself. Code that runs a dozen times a page takes the object
(`this_request`, `this_session`, `this_app`, `kept_for_request`).
"""

import datetime as dt
import os
import threading

from flask import Flask, Request, current_app, g, request, session

from accounts.accounts import Passwords
from app.config import Settings
from booking import managed
from common.clock import Clock
from store.connection import open_database
from store.sealing import Vault
from store.transaction import Part


def settings() -> Settings:
    """The settings as of this request: the TOML file's, with the providers and the
    municipality's settings from the database (`app.managed_settings`); read once per request,
    as of the version read with the session (`SETTINGS_VERSION_PART`), if the request has one."""
    request_globals = g._get_current_object()
    return kept_for_request("settings", lambda: _extension("indgang.settings_cache").current(
        get_db(), request_globals.get(SETTINGS_VERSION)))


#: Where a request keeps the settings' version its session's statement read.
SETTINGS_VERSION = "settings_version"


def _keep_settings_version(found: int | None) -> None:
    setattr(g._get_current_object(), SETTINGS_VERSION, managed.version_of(found))


#: The settings' version, read in the session's statement (`app.sessions`) and kept for the
#: request: a page that shows settings runs no statement of its own for them. Settings are
#: thereby as of the start of the request, as they are kept through it anyway.
SETTINGS_VERSION_PART = Part(managed.VERSION, (), _keep_settings_version)


class _SettingsOfTheRequest:
    """`settings` for every template (a Jinja global), as of the request being answered: read when
    a template first uses it (a page that shows none of it, like the landing page, reads nothing).
    Not werkzeug's `LocalProxy`, whose attribute first fails an ordinary look-up (an exception
    raised and caught, three times this one's cost): an attribute here is the settings' own."""

    __slots__ = ()

    def __getattribute__(self, name: str):
        if name.startswith("__"):  # Python's own questions (`isinstance` asks `__class__`) are this object's
            return object.__getattribute__(self, name)
        return getattr(settings(), name)


template_settings = _SettingsOfTheRequest()


def this_request() -> Request:
    """The request being answered, not Flask's proxy of it (see the module's docstring)."""
    return request._get_current_object()


def this_session():
    """The request's session, not Flask's proxy of it."""
    return session._get_current_object()


def this_app() -> Flask:
    """The app answering, not Flask's proxy of it."""
    return current_app._get_current_object()


def kept_for_request(name: str, make):
    """`make()`, worked out on the request's first call and kept in `g` under `name` for the
    rest of it (None is worked out again)."""
    request_globals = g._get_current_object()
    found = request_globals.get(name)
    if found is None:
        found = make()
        setattr(request_globals, name, found)
    return found


def _extension(name: str):
    return this_app().extensions[name]


def vault() -> Vault:
    return _extension("indgang.vault")


def code_key() -> bytes:
    return _extension("indgang.code_key")


def passwords() -> Passwords:
    return _extension("indgang.passwords")


def clock() -> Clock:
    return _extension("indgang.clock")


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
    return kept_for_request("db", lambda: _thread_connection(this_app().config["DATABASE"]))


def close_db(_exception=None) -> None:
    """The end of a request: nothing it began is carried into the thread's next request (a
    transaction an error left open is rolled back)."""
    db = g._get_current_object().pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.execute("ROLLBACK")


_thread = threading.local()


def _thread_connection(path: str):
    """The calling thread's connection to `path` (a thread keeps one, for one database)."""
    kept = getattr(_thread, "kept", None)
    if kept is None or kept[0] != path:
        if kept is not None:
            kept[1].close()
        _thread.kept = (path, open_database(path))
    return _thread.kept[1]


def _forget_inherited_connection() -> None:
    """A forked child (gunicorn preloads the app in its master) never uses its parent's
    connection: the thread that forked opens its own. Checked at a fork, not by the process id
    on every request (a system call each time)."""
    vars(_thread).pop("kept", None)


os.register_at_fork(after_in_child=_forget_inherited_connection)
