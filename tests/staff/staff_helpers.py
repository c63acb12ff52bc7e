"""Helpers for the staff tests (a uniquely named module: `pythonpath = ["tests"]`)."""

import datetime as dt

from accounts import accounts
from app.context import get_db
from app.session_keys import STAFF_SEEN_AT
from common.clock import Clock
from store.times import stamp

from citizen_client import Citizen

PASSWORD = "correct horse battery"
#: The staff tests' apps run on the system clock.
now_utc = Clock().now


def add_account(app, username, role, password=PASSWORD, provider_id=None):
    with app.app_context():
        return accounts.create_account(
            get_db(), app.extensions["indgang.passwords"], username, role, password,
            provider_ids=tuple(p.id for p in app.extensions["indgang.settings"].providers),
            provider_id=provider_id, now=now_utc(),
        )


def audit_rows(app) -> list[dict]:
    with app.app_context():
        return list(get_db().query("select * from audit order by id"))


def account_row(app, username) -> dict:
    with app.app_context():
        return next(get_db().query("select * from accounts where username = ?", [username]))


def set_account(app, username, **changes):
    with app.app_context():
        get_db()["accounts"].update(username, changes)


class Staff(Citizen):
    """A staff member at a desktop browser: keeps the last page and posts forms with its token."""

    TOKEN_PAGE = "/staff/login"

    def sign_in(self, username, password=PASSWORD, next_path=None):
        self.get("/staff/login" + (f"?next={next_path}" if next_path else ""))
        data = {"username": username, "password": password}
        if next_path:
            data["next"] = next_path
        return self.post("/staff/login", data)

    def sign_out(self):
        return self.post("/staff/logout")

    def cookie(self) -> str | None:
        cookie = self.client.get_cookie("indgang")
        return cookie.value if cookie else None

    def set_seen_at(self, moment: dt.datetime):
        with self.client.session_transaction() as session:
            session[STAFF_SEEN_AT] = stamp(moment)


def new_staff(app) -> Staff:
    return Staff(app.test_client())
