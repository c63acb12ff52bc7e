"""Lockout that tells nothing and locks nobody out (issue 11 items 4 and 5): unknown and known
names cost one argon2 check and fail alike, also while an account refuses attempts; the owner
with the right password and a current code gets in while guessing is slowed."""

import datetime as dt

import pyotp
import pytest

from accounts import accounts, audit
from accounts.accounts import AccountLocked, WrongCredentials

from builders import VAULT
from builders_accounts import PASSWORD, T0

PROVIDERS = ("stofraadgivningen",)



def sign_in(db, passwords, password=PASSWORD, username="anna", at=T0, code=None):
    return accounts.sign_in(db, passwords, username, password, now=at, demo_allowed=False, code=code, vault=VAULT)


def locked_anna(db, passwords, with_totp=False) -> tuple[dt.datetime, pyotp.TOTP | None]:
    """Anna's account after ten wrong passwords: refusing attempts for 15 minutes."""
    accounts.create_account(db, passwords, "anna", "intake", PASSWORD, provider_ids=PROVIDERS, now=T0)
    totp = None
    if with_totp:
        secret = accounts.new_totp_secret()
        accounts.enable_totp(db, "anna", secret, pyotp.TOTP(secret).at(T0), now=T0, vault=VAULT)
        totp = pyotp.TOTP(secret)
    db["accounts"].update("anna", {"failed_attempts": 9})
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, "a wrong guess", at=T0)
    return T0 + dt.timedelta(minutes=1), totp


def test_unknown_and_refusing_names_cost_one_check_each_and_fail_alike(db, passwords):
    # Given an account that refuses attempts
    at, _ = locked_anna(db, passwords)
    # When an unknown name and the refusing name try
    before = passwords.verified
    with pytest.raises(WrongCredentials) as unknown:
        sign_in(db, passwords, username="nobody", at=at)
    with pytest.raises(WrongCredentials) as refused:
        sign_in(db, passwords, "another guess", at=at)
    # Then each costs exactly one argon2 check, and the errors read the same
    assert passwords.verified - before == 2
    assert str(unknown.value) == str(refused.value)
    assert refused.value.refused and not unknown.value.refused


def test_a_refusing_account_takes_the_right_password_alone_no_sooner(db, passwords):
    at, _ = locked_anna(db, passwords)
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, at=at)
    assert accounts.get_account(db, "anna").failed_attempts == 10  # refused attempts are not counted
    assert sign_in(db, passwords, at=T0 + dt.timedelta(minutes=15)).failed_attempts == 0


def test_the_owner_with_password_and_code_gets_in_while_the_account_is_slowed(db, passwords):
    at, totp = locked_anna(db, passwords, with_totp=True)
    account = sign_in(db, passwords, at=at, code=totp.at(at))
    assert account.username == "anna" and account.failed_attempts == 0


def test_a_current_code_opens_nothing_without_the_right_password(db, passwords):
    at, totp = locked_anna(db, passwords, with_totp=True)
    with pytest.raises(WrongCredentials) as failure:
        sign_in(db, passwords, "a wrong guess", at=at, code=totp.at(at))
    assert failure.value.refused


def test_a_wrong_code_with_the_right_password_fails_like_a_wrong_password(db, passwords):
    at, totp = locked_anna(db, passwords, with_totp=True)
    wrong = "000000" if totp.at(at) != "000000" else "111111"
    with pytest.raises(WrongCredentials) as failure:
        sign_in(db, passwords, at=at, code=wrong)
    assert str(failure.value) == str(WrongCredentials())
    assert accounts.get_account(db, "anna").failed_attempts == 10  # and it does not clear the count


def test_wrong_codes_slow_codes_and_only_codes(db, passwords):
    # Given someone who knows Anna's password guesses codes
    at, totp = locked_anna(db, passwords, with_totp=True)
    wrong = "000000" if totp.at(at) != "000000" else "111111"
    db["accounts"].update("anna", {"code_failed_attempts": 9})
    with pytest.raises(WrongCredentials) as tenth:
        accounts.check_totp(db, "anna", wrong, now=at, demo_allowed=False, vault=VAULT)
    assert tenth.value.locked_until == at + dt.timedelta(minutes=15)
    # Then no code is checked for 15 minutes, in either step
    with pytest.raises(AccountLocked):
        accounts.check_totp(db, "anna", totp.at(at), now=at, demo_allowed=False, vault=VAULT)
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, at=at, code=totp.at(at))
    # And afterwards a current code works
    later = at + dt.timedelta(minutes=15)
    assert accounts.check_totp(db, "anna", totp.at(later), now=later, demo_allowed=False, vault=VAULT).username == "anna"


def test_strangers_add_one_audit_row_a_day_however_often_they_try(db):
    for minute in range(50):
        audit.count_attempt(db, at=T0 + dt.timedelta(minutes=minute), action="sign_in_failed_unknown")
    audit.count_attempt(db, at=T0 + dt.timedelta(days=1), action="sign_in_failed_unknown")
    rows = list(db.query("select at, username, action, detail from audit order by id"))
    assert rows == [
        {"at": "2025-03-03T00:00:00Z", "username": "", "action": "sign_in_failed_unknown", "detail": "50"},
        {"at": "2025-03-04T00:00:00Z", "username": "", "action": "sign_in_failed_unknown", "detail": "1"},
    ]
