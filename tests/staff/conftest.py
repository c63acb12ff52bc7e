"""Staff sign-in tests: the real app factory on a temporary instance, cheap argon2, test routes."""

import dataclasses

import pytest
from flask import g, request
from staff_helpers import FAST_ARGON2, Staff

from accounts import accounts
from app import create_app
from app.config import StaffSettings, load_settings
from app.auth import login_required, record


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """`make_app(demo=..., require_totp=..., idle_minutes=...)`: an app on one instance folder,
    with a test-only page per role at /test-only/<role> (and one for intake or admin)."""
    monkeypatch.setenv("INDGANG_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("INDGANG_CONFIG", raising=False)

    def make(demo: bool = False, **staff):
        settings = dataclasses.replace(load_settings(), demo=demo, staff=StaffSettings(**staff))
        app = create_app({"TESTING": True, **FAST_ARGON2}, settings=settings)
        for role in accounts.ROLES:
            app.add_url_rule(f"/test-only/{role}", endpoint=f"test_only_{role}",
                             view_func=login_required(role)(_test_page(role)))
        app.add_url_rule("/test-only/intake-or-admin", endpoint="test_only_two",
                         view_func=login_required("intake", "admin")(_test_page("intake or admin")))
        app.add_url_rule("/test-only/record", endpoint="test_only_record", methods=["POST"],
                         view_func=login_required("intake")(_record_view))
        return app

    return make


def _test_page(name):
    def page():
        return f"{name} page for {g.account.username} ({g.account.role}, {g.account.provider_id})"

    return page


def _record_view():
    record(request.form["action"], referral_number=request.form.get("referral") or None,
           detail=request.form.get("detail") or None)
    return "recorded"


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def staff(app):
    return Staff(app.test_client())
