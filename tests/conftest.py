"""Fixtures shared by every kind of test: a migrated database for domain tests, the one app
factory for web tests, and the live server."""

import pytest

from app import context as app_context
from app import create_app
from store.connection import open_database

from builders import FAST_ARGON2, fresh_database
from oidc_served import serve_with_oidc, start_provider
from served import serve


@pytest.fixture
def db(tmp_path):
    """A migrated database file opened as the app opens it, for domain tests (no app)."""
    database = fresh_database(tmp_path / "indgang.db")
    yield database
    database.close()


@pytest.fixture
def statements(monkeypatch):
    """Every statement run on a connection the app opens, as run (values filled in); each test
    starts with no connection kept, so the first request opens (and traces) its own."""
    seen = []

    def traced(path):
        db = open_database(path)
        db.conn.set_trace_callback(seen.append)
        return db

    monkeypatch.setattr(app_context, "open_database", traced)
    monkeypatch.setattr(app_context, "_thread", type(app_context._thread)())
    return seen


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """`make_app(settings=..., clock=..., **flask_config)`: the real factory on a temporary
    instance folder with the embedded configuration, in testing mode with cheap password hashes.
    Every call in one test shares the instance (and so the database and keys)."""
    monkeypatch.setenv("INDGANG_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("INDGANG_CONFIG", raising=False)

    def make(settings=None, clock=None, **config):
        return create_app({"TESTING": True, **FAST_ARGON2, **config}, settings=settings, clock=clock)

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One gunicorn-served app for the session (see tests/served.py)."""
    yield from serve(tmp_path_factory)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The real OpenID provider (oidc-provider) for the session (see tests/oidc_served.py)."""
    yield from start_provider(tmp_path_factory)


@pytest.fixture(scope="session")
def oidc_live_server(tmp_path_factory, oidc_provider):
    """A second gunicorn-served app, with sign-in through `oidc_provider` on."""
    yield from serve_with_oidc(tmp_path_factory, oidc_provider)
