"""Accounts without Flask: hashing, the lockout schedule per account, TOTP, demo accounts."""

import datetime as dt

import pyotp
import pytest

from accounts import accounts
from accounts.accounts import Passwords, WrongCredentials

from builders import VAULT
from builders_accounts import PASSWORD, T0

PROVIDERS = ("stofraadgivningen", "laenke-hvidovre")



def make_account(db, passwords, username="anna", role="intake", provider_id=None, password=PASSWORD):
    return accounts.create_account(db, passwords, username, role, password, provider_ids=PROVIDERS,
                                   provider_id=provider_id, now=T0)


def sign_in(db, passwords, password=PASSWORD, username="anna", at=T0, demo_allowed=False, vault=VAULT):
    return accounts.sign_in(db, passwords, username, password, now=at, demo_allowed=demo_allowed)


def fail(db, passwords, times, username="anna", start=T0):
    """`times` wrong passwords, each just after the previous refusal ran out; returns the time."""
    at = start
    for _ in range(times):
        with pytest.raises(WrongCredentials):
            sign_in(db, passwords, "wrong password", username=username, at=at)
        locked_until = accounts.get_account(db, username).locked_until
        at = max(at, locked_until or at) + dt.timedelta(seconds=1)  # stored times are whole seconds
    return at


# --- hashing --------------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2id_hash_and_verifies(db, passwords):
    make_account(db, passwords)
    stored = next(db.query("select password_hash from accounts"))["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD)
    assert not passwords.verify(stored, PASSWORD + "!")
    assert not passwords.verify("not a hash", PASSWORD)


def test_a_hash_made_at_a_lower_cost_is_renewed_at_sign_in(db):
    cheap = Passwords(time_cost=1, memory_cost=8, parallelism=1)
    make_account(db, cheap)
    dearer = Passwords(time_cost=2, memory_cost=16, parallelism=1)
    sign_in(db, dearer)
    stored = next(db.query("select password_hash from accounts"))["password_hash"]
    assert "m=16,t=2,p=1" in stored


def test_right_password_signs_in(db, passwords):
    make_account(db, passwords, "pia", "provider", provider_id="laenke-hvidovre")
    account = sign_in(db, passwords, username="  PIA ")
    assert (account.username, account.role, account.provider_id) == ("pia", "provider", "laenke-hvidovre")


@pytest.mark.parametrize(
    "username, role, provider_id, password",
    [
        ("Anna Berg", "intake", None, PASSWORD),  # space
        ("a", "intake", None, PASSWORD),  # too short
        ("anna", "boss", None, PASSWORD),  # no such role
        ("pia", "provider", None, PASSWORD),  # provider without a provider
        ("pia", "provider", "nowhere", PASSWORD),  # provider not configured
        ("anna", "intake", "laenke-hvidovre", PASSWORD),  # only providers are bound
        ("anna", "intake", None, "short"),  # password too short
    ],
)
def test_invalid_accounts_are_refused_with_a_reason(db, passwords, username, role, provider_id, password):
    with pytest.raises(accounts.InvalidAccount):
        make_account(db, passwords, username, role, provider_id, password)


def test_a_username_is_taken_once(db, passwords):
    make_account(db, passwords)
    with pytest.raises(accounts.AccountExists):
        make_account(db, passwords, "ANNA")


# --- lockout, per account -------------------------------------------------------------------


def test_refusal_schedule():
    assert [accounts.refusal_after(n) for n in range(1, 13)] == [
        None, None,
        *(dt.timedelta(seconds=s) for s in (1, 2, 4, 8, 16, 32, 60)),
        dt.timedelta(minutes=15), dt.timedelta(minutes=15), dt.timedelta(minutes=15),
    ]


def test_two_failures_do_not_slow_down(db, passwords):
    make_account(db, passwords)
    fail(db, passwords, 2)
    assert sign_in(db, passwords, at=T0 + dt.timedelta(milliseconds=5)).username == "anna"


def test_third_failure_refuses_attempts_for_a_second(db, passwords):
    # Given two failures
    make_account(db, passwords)
    at = fail(db, passwords, 2)
    # When the third fails
    with pytest.raises(WrongCredentials) as third:
        sign_in(db, passwords, "wrong password", at=at)
    assert third.value.locked_until is None  # slowed down, not locked
    # Then even the right password is refused for one second, like a wrong one (one check all the same)
    checks = passwords.verified
    with pytest.raises(WrongCredentials) as refused:
        sign_in(db, passwords, at=at + dt.timedelta(milliseconds=500))
    assert refused.value.refused
    assert passwords.verified == checks + 1
    # And after the second it works
    assert sign_in(db, passwords, at=at + dt.timedelta(seconds=1)).username == "anna"


def test_delays_grow_to_a_minute(db, passwords):
    make_account(db, passwords)
    at = fail(db, passwords, 8)
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, "wrong password", at=at)  # the 9th
    assert accounts.get_account(db, "anna").locked_until == at + dt.timedelta(seconds=60)


def test_tenth_failure_locks_the_account_for_fifteen_minutes(db, passwords):
    make_account(db, passwords)
    at = fail(db, passwords, 9)
    with pytest.raises(WrongCredentials) as tenth:
        sign_in(db, passwords, "wrong password", at=at)
    assert tenth.value.locked_until == at + dt.timedelta(minutes=15)
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, at=at + dt.timedelta(minutes=14, seconds=59))  # right password, still locked
    assert sign_in(db, passwords, at=at + dt.timedelta(minutes=15)).failed_attempts == 0


def test_a_failure_after_a_lock_ends_locks_again(db, passwords):
    make_account(db, passwords)
    at = fail(db, passwords, 10)
    with pytest.raises(WrongCredentials) as eleventh:
        sign_in(db, passwords, "wrong password", at=at)
    assert eleventh.value.locked_until == at + dt.timedelta(minutes=15)


def test_attempts_while_locked_are_not_counted(db, passwords):
    make_account(db, passwords)
    fail(db, passwords, 3)
    locked_until = accounts.get_account(db, "anna").locked_until
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, "wrong password", at=locked_until - dt.timedelta(milliseconds=1))
    assert accounts.get_account(db, "anna").failed_attempts == 3


def test_success_resets_the_count(db, passwords):
    make_account(db, passwords)
    at = fail(db, passwords, 5)
    assert sign_in(db, passwords, at=at).failed_attempts == 0
    at = fail(db, passwords, 2, start=at)
    assert sign_in(db, passwords, at=at).username == "anna"  # no delay: counting started over


def test_one_accounts_lockout_leaves_another_alone(db, passwords):
    make_account(db, passwords, "anna")
    make_account(db, passwords, "bo")
    at = fail(db, passwords, 9, username="anna")
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, "wrong password", username="anna", at=at)
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, username="anna", at=at)
    assert sign_in(db, passwords, username="bo", at=at).failed_attempts == 0


def test_unknown_username_is_checked_like_a_wrong_password(db, passwords):
    make_account(db, passwords)
    with pytest.raises(WrongCredentials) as unknown:
        sign_in(db, passwords, username="nobody")
    with pytest.raises(WrongCredentials) as wrong:
        sign_in(db, passwords, "wrong password")
    assert passwords.verified == 2  # one argon2 check each
    assert str(unknown.value) == str(wrong.value)
    assert unknown.value.username is None and wrong.value.username == "anna"


def test_disabled_account_cannot_sign_in_and_re_enabling_works(db, passwords):
    make_account(db, passwords)
    accounts.disable_account(db, "anna", now=T0)
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords)
    accounts.enable_account(db, "anna")
    assert sign_in(db, passwords).username == "anna"


def test_reset_password_clears_a_lock(db, passwords):
    make_account(db, passwords)
    at = fail(db, passwords, 10)
    accounts.reset_password(db, passwords, "anna", "a brand new password", now=at)
    assert sign_in(db, passwords, "a brand new password", at=at).username == "anna"
    with pytest.raises(accounts.UnknownAccount):
        accounts.reset_password(db, passwords, "nobody", "a brand new password", now=at)


# --- demo accounts --------------------------------------------------------------------------


def test_demo_accounts_are_created_once_and_need_demo_mode(db, passwords):
    assert accounts.create_demo_accounts(db, passwords, PROVIDERS, T0) == [
        "intake", "admin", "provider-stofraadgivningen", "provider-laenke-hvidovre"]
    assert accounts.create_demo_accounts(db, passwords, PROVIDERS, T0) == []
    provider = accounts.get_account(db, "provider-laenke-hvidovre")
    assert (provider.role, provider.provider_id, provider.demo) == ("provider", "laenke-hvidovre", True)
    assert sign_in(db, passwords, "demo", username="admin", demo_allowed=True).role == "admin"
    with pytest.raises(WrongCredentials):
        sign_in(db, passwords, "demo", username="admin", demo_allowed=False, vault=VAULT)


# --- two-step sign-in -----------------------------------------------------------------------


def with_totp(db, passwords):
    make_account(db, passwords)
    secret = accounts.new_totp_secret()
    accounts.enable_totp(db, "anna", secret, pyotp.TOTP(secret).at(T0), now=T0, vault=VAULT)
    return pyotp.TOTP(secret)


def test_totp_is_turned_on_only_with_a_current_code(db, passwords):
    make_account(db, passwords)
    secret = accounts.new_totp_secret()
    with pytest.raises(accounts.WrongTotpCode):
        accounts.enable_totp(db, "anna", secret, pyotp.TOTP(secret).at(T0 - dt.timedelta(minutes=5)), now=T0, vault=VAULT)
    assert not accounts.get_account(db, "anna").totp_enabled
    accounts.enable_totp(db, "anna", secret, pyotp.TOTP(secret).at(T0), now=T0, vault=VAULT)
    assert accounts.get_account(db, "anna").totp_enabled


def test_totp_code_is_checked_once_and_only_when_current(db, passwords):
    totp = with_totp(db, passwords)
    later = T0 + dt.timedelta(minutes=1)
    with pytest.raises(WrongCredentials):
        accounts.check_totp(db, "anna", totp.at(T0), now=later, demo_allowed=False, vault=VAULT)  # two steps old
    with pytest.raises(WrongCredentials):
        accounts.check_totp(db, "anna", "12345x", now=later, demo_allowed=False, vault=VAULT)
    assert accounts.check_totp(db, "anna", totp.at(later), now=later, demo_allowed=False, vault=VAULT).failed_attempts == 0
    with pytest.raises(WrongCredentials):
        accounts.check_totp(db, "anna", totp.at(later), now=later, demo_allowed=False, vault=VAULT)  # replayed


def test_with_totp_wrong_codes_are_counted_apart_and_a_right_code_clears_them(db, passwords):
    totp = with_totp(db, passwords)
    at = fail(db, passwords, 2)
    sign_in(db, passwords, at=at)
    assert accounts.get_account(db, "anna").failed_attempts == 0  # the right password
    with pytest.raises(WrongCredentials):
        accounts.check_totp(db, "anna", "000000" if totp.at(at) != "000000" else "111111", now=at, demo_allowed=False, vault=VAULT)
    assert account_row(db)["code_failed_attempts"] == 1  # a wrong code counts, on its own
    later = at + dt.timedelta(seconds=61)
    accounts.check_totp(db, "anna", totp.at(later), now=later, demo_allowed=False, vault=VAULT)
    assert account_row(db)["code_failed_attempts"] == 0


def account_row(db, username="anna"):
    return next(db.query("select * from accounts where username = ?", [username]))


def test_secret_is_shown_grouped_and_as_an_otpauth_uri():
    assert accounts.grouped_secret("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"
    uri = accounts.totp_uri("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "anna")
    assert uri.startswith("otpauth://totp/Indgang:anna?") and "secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" in uri
