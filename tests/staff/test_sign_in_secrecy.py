"""Sign-in tells nobody which names exist and locks nobody out (issue 11 items 4 and 5)."""

import dataclasses
import datetime as dt
import re
import statistics
import time

import pyotp

from accounts import accounts
from app.config import StaffSettings, load_settings
from app.context import get_db, vault

from builders import visible_text
from staff_helpers import PASSWORD, Staff, account_row, add_account, audit_rows, new_staff, set_account

#: argon2 dear enough that one check more or less shows in the time of a request.
TIMED_ARGON2 = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 16384, "ARGON2_PARALLELISM": 1}


def locked(app, username="anna"):
    set_account(app, username, failed_attempts=10,
                locked_until=(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%SZ"))


def answer(staff: Staff, username: str, password: str = "a wrong guess", **extra):
    response = staff.sign_in(username, password) if not extra else staff.post(
        "/staff/login", {"username": username, "password": password, **extra})
    error = re.search(r'<p class="error"[^>]*>(.*?)</p>', staff.page, re.S)
    return response.status_code, visible_text(error.group(1)) if error else None


def test_unknown_wrong_and_refusing_names_get_the_same_answer(app, staff):
    add_account(app, "anna", "intake")
    add_account(app, "bo", "intake")
    locked(app, "bo")
    unknown = answer(staff, "nobody")
    assert answer(staff, "anna") == unknown
    assert answer(staff, "bo") == unknown
    assert answer(staff, "bo", PASSWORD) == unknown  # the right password, while bo's account refuses
    assert unknown[0] == 401


def test_unknown_and_refusing_names_take_the_same_time(make_app):
    # Given a real (if small) argon2 cost, one account that refuses attempts
    settings = dataclasses.replace(load_settings(), demo=False, staff=StaffSettings())
    app = make_app(settings=settings, **TIMED_ARGON2)
    add_account(app, "anna", "intake")
    locked(app)
    staff = new_staff(app)
    staff.get("/staff/login")

    def seconds(username):
        started = time.perf_counter()
        staff.post("/staff/login", {"username": username, "password": "a wrong guess"})
        return time.perf_counter() - started

    seconds("warm-up")
    # When both try in turn (taking turns, so a busy machine slows both alike)
    pairs = [(seconds("nobody"), seconds("anna")) for _ in range(21)]
    unknown, refusing = (statistics.median(times) for times in zip(*pairs, strict=True))
    # Then the times are alike: one argon2 check either way
    assert abs(unknown - refusing) < 0.3 * max(unknown, refusing), (unknown, refusing)


def test_the_owner_with_password_and_code_gets_in_while_guessing_is_slowed(app, staff):
    add_account(app, "anna", "admin")
    secret = pyotp.random_base32()
    with app.app_context():
        accounts.enable_totp(get_db(), "anna", secret, pyotp.TOTP(secret).now(), now=dt.datetime.now(dt.UTC), vault=vault())
    locked(app)
    staff.get("/staff/login")
    assert answer(staff, "anna", PASSWORD)[0] == 401  # the password alone waits
    code = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
    response = staff.post("/staff/login", {"username": "anna", "password": PASSWORD, "code": code})
    assert response.headers["Location"] == "/admin/"
    assert account_row(app, "anna")["failed_attempts"] == 0


def test_strangers_and_refused_attempts_do_not_grow_the_audit_log(app, staff):
    add_account(app, "anna", "intake")
    for _ in range(30):
        staff.sign_in("nobody-" + str(_))
    locked(app)
    for _ in range(30):
        staff.sign_in("anna", "a wrong guess")
    rows = [(row["username"], row["action"], row["detail"]) for row in audit_rows(app)]
    assert rows == [("", "sign_in_failed_unknown", "30"), ("anna", "sign_in_refused", "30")]
