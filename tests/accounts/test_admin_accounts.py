"""What the admin pages do to accounts: one-time set-password links, the last admin, the day of
the last sign-in."""

import datetime as dt

import pytest

from accounts import accounts

from builders import at_once, fresh_database
from builders_accounts import PASSWORD, T0

PROVIDERS = ("stofraadgivningen",)
NEW_PASSWORD = "a brand new passphrase"


def add(db, passwords, username, role="intake"):
    return accounts.create_account(db, passwords, username, role, PASSWORD, provider_ids=PROVIDERS, now=T0)


def test_a_new_account_without_a_password_gets_a_link_only_its_owner_can_use(db, passwords):
    account, token = accounts.create_account_with_link(db, passwords, "bo", "intake", provider_ids=PROVIDERS, now=T0)
    assert account.username == "bo" and len(token) >= 32
    assert token not in str(list(db.query("select * from accounts")))  # only its digest is kept
    with pytest.raises(accounts.WrongCredentials):
        accounts.sign_in(db, passwords, "bo", PASSWORD, now=T0, demo_allowed=False)
    assert accounts.set_password_with_link(db, passwords, token, NEW_PASSWORD, now=T0) == "bo"
    assert accounts.sign_in(db, passwords, "bo", NEW_PASSWORD, now=T0, demo_allowed=False).username == "bo"


def test_a_link_works_once(db, passwords):
    _account, token = accounts.create_account_with_link(db, passwords, "bo", "intake", provider_ids=PROVIDERS, now=T0)
    accounts.set_password_with_link(db, passwords, token, NEW_PASSWORD, now=T0)
    with pytest.raises(accounts.InvalidLink):
        accounts.set_password_with_link(db, passwords, token, "another passphrase", now=T0)


def test_a_link_expires(db, passwords):
    _account, token = accounts.create_account_with_link(db, passwords, "bo", "intake", provider_ids=PROVIDERS, now=T0)
    with pytest.raises(accounts.InvalidLink):
        accounts.set_password_with_link(db, passwords, token, NEW_PASSWORD, now=T0 + accounts.LINK_VALID_FOR + dt.timedelta(seconds=1))


def test_a_link_refuses_a_short_password_and_stays_usable(db, passwords):
    _account, token = accounts.create_account_with_link(db, passwords, "bo", "intake", provider_ids=PROVIDERS, now=T0)
    with pytest.raises(accounts.InvalidAccount):
        accounts.set_password_with_link(db, passwords, token, "short", now=T0)
    assert accounts.set_password_with_link(db, passwords, token, NEW_PASSWORD, now=T0) == "bo"


def test_a_reset_link_ends_the_old_password_and_sessions_and_a_newer_link_replaces_it(db, passwords):
    add(db, passwords, "anna")
    before = accounts.get_account(db, "anna").credentials_version
    first = accounts.reset_with_link(db, passwords, "anna", now=T0)
    second = accounts.reset_with_link(db, passwords, "anna", now=T0)
    assert accounts.get_account(db, "anna").credentials_version > before
    with pytest.raises(accounts.WrongCredentials):
        accounts.sign_in(db, passwords, "anna", PASSWORD, now=T0, demo_allowed=False)
    with pytest.raises(accounts.InvalidLink):
        accounts.set_password_with_link(db, passwords, first, NEW_PASSWORD, now=T0)
    assert accounts.set_password_with_link(db, passwords, second, NEW_PASSWORD, now=T0) == "anna"


def test_a_disabled_accounts_link_does_not_work(db, passwords):
    add(db, passwords, "root", "admin")
    _account, token = accounts.create_account_with_link(db, passwords, "bo", "intake", provider_ids=PROVIDERS, now=T0)
    accounts.disable_account(db, "bo", now=T0)
    with pytest.raises(accounts.InvalidLink):
        accounts.set_password_with_link(db, passwords, token, NEW_PASSWORD, now=T0)


def test_an_unknown_link_is_refused(db, passwords):
    with pytest.raises(accounts.InvalidLink):
        accounts.set_password_with_link(db, passwords, "x" * 43, NEW_PASSWORD, now=T0)


def test_the_last_admin_cannot_be_disabled(db, passwords):
    add(db, passwords, "root", "admin")
    add(db, passwords, "anna", "intake")
    with pytest.raises(accounts.LastAdmin):
        accounts.disable_account(db, "root", now=T0)
    add(db, passwords, "second", "admin")
    accounts.disable_account(db, "root", now=T0)
    with pytest.raises(accounts.LastAdmin):
        accounts.disable_account(db, "second", now=T0)
    assert not accounts.get_account(db, "second").disabled


def test_a_demo_admin_does_not_count_as_another_admin(db, passwords):
    accounts.create_demo_accounts(db, passwords, PROVIDERS, T0)
    add(db, passwords, "root", "admin")
    with pytest.raises(accounts.LastAdmin):
        accounts.disable_account(db, "root", now=T0)


def test_disabling_and_enabling_twice_is_harmless(db, passwords):
    add(db, passwords, "root", "admin")
    add(db, passwords, "anna")
    accounts.disable_account(db, "anna", now=T0)
    accounts.disable_account(db, "anna", now=T0)
    accounts.enable_account(db, "anna")
    accounts.enable_account(db, "anna")
    assert not accounts.get_account(db, "anna").disabled


def test_the_day_of_the_last_sign_in_is_kept_not_the_time(db, passwords):
    add(db, passwords, "anna")
    assert accounts.get_account(db, "anna").last_signed_in_day is None
    accounts.note_sign_in(db, "anna", dt.date(2026, 3, 2))
    assert accounts.get_account(db, "anna").last_signed_in_day == dt.date(2026, 3, 2)


def test_two_admins_creating_the_same_account_at_once_make_one(tmp_path, passwords):
    path = tmp_path / "indgang.db"
    fresh_database(path).close()

    def create(db):
        try:
            accounts.create_account_with_link(db, passwords, "bo", "intake", provider_ids=PROVIDERS, now=T0)
            return "created"
        except accounts.AccountExists:
            return "exists"

    outcomes = [outcome for _kind, outcome in at_once(path, [create, create])]
    assert sorted(outcomes) == ["created", "exists"]
