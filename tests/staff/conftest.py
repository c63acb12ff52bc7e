"""Staff sign-in tests: the shared app factory, with test-only routes behind each role."""

import dataclasses

import pytest
from flask import g, request

from accounts import accounts
from app.auth import login_required, record
from app.config import StaffSettings, load_settings

from staff_helpers import Staff


@pytest.fixture
def make_staff_app(make_app):
    """`make_staff_app(demo=..., require_totp=..., idle_minutes=...)`: an app on one instance
    folder (tests/conftest.py), with a test-only page per role at /test-only/<role> (and one for
    intake or admin)."""

    def make(demo: bool = False, **staff):
        settings = dataclasses.replace(load_settings(), demo=demo, staff=StaffSettings(**staff))
        app = make_app(settings=settings)
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
def app(make_staff_app):
    return make_staff_app()


@pytest.fixture
def staff(app):
    return Staff(app.test_client())
