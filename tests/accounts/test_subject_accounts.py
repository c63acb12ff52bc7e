"""Accounts of staff who sign in through the municipality's OpenID Connect provider: found by the
`sub` claim (never by a name or an e-mail), their role following the provider's groups at every
sign-in, a local disable still winning, and no password that could open them."""

import pytest

from accounts import accounts
from accounts.accounts import SignInRefused, WrongCredentials

from builders_accounts import PASSWORD, T0

PROVIDERS = ("stofraadgivningen", "laenke-hvidovre")


def sign_in(db, subject="sub-anna", hint="anna@kommune.example", role="intake", provider_id=None):
    return accounts.sign_in_with_subject(db, subject, username_hint=hint, role=role, provider_id=provider_id,
                                         now=T0, demo_allowed=False)


def test_a_first_sign_in_creates_the_account_named_after_the_hint_without_its_domain(db):
    account, before = sign_in(db)
    assert before is None
    assert (account.username, account.role, account.provider_id) == ("anna", "intake", None)
    assert account.signs_in_with_provider
    # Only the subject and the short name are kept: nothing of the e-mail's domain
    assert "kommune.example" not in str(list(db.query("select * from accounts")))


def test_the_next_sign_in_finds_the_account_by_subject_even_when_the_hint_changed(db):
    sign_in(db)
    account, before = sign_in(db, hint="anna.hansen@kommune.example")
    assert before.username == account.username == "anna"
    assert db["accounts"].count == 1


def test_another_person_with_the_same_name_gets_an_account_of_their_own(db, passwords):
    accounts.create_account(db, passwords, "anna", "intake", PASSWORD, provider_ids=PROVIDERS, now=T0)
    account, _ = sign_in(db, subject="sub-other-anna")
    assert account.username == "anna-2"
    assert accounts.get_account(db, "anna").oidc_subject is None  # the password account is not taken over


def test_a_hint_that_is_no_username_gives_one_made_from_the_subject(db):
    account, _ = sign_in(db, hint="?")
    assert accounts.USERNAME_PATTERN.fullmatch(account.username) and account.username.startswith("staff-")


def test_the_role_follows_the_groups_at_every_sign_in_and_ends_other_sessions(db):
    first, _ = sign_in(db, role="intake")
    account, before = sign_in(db, role="provider", provider_id="laenke-hvidovre")
    assert (before.role, account.role, account.provider_id) == ("intake", "provider", "laenke-hvidovre")
    assert account.credentials_version > first.credentials_version


def test_the_same_role_again_keeps_open_sessions(db):
    first, _ = sign_in(db)
    again, _ = sign_in(db)
    assert again.credentials_version == first.credentials_version


def test_a_locally_disabled_account_is_refused_whatever_the_provider_says(db):
    account, _ = sign_in(db)
    accounts.disable_account(db, account.username, now=T0)
    with pytest.raises(SignInRefused):
        sign_in(db)


def test_a_refused_person_s_open_sessions_end(db):
    account, _ = sign_in(db)
    assert accounts.refuse_subject(db, "sub-anna") == "anna"
    assert accounts.get_account(db, "anna").credentials_version > account.credentials_version
    assert accounts.refuse_subject(db, "sub-nobody") is None


def test_no_password_opens_an_account_of_the_provider(db, passwords):
    sign_in(db)
    for password in ("", PASSWORD, "demo"):
        with pytest.raises(WrongCredentials):
            accounts.sign_in(db, passwords, "anna", password, now=T0, demo_allowed=True)


def test_password_sign_in_can_be_kept_to_a_break_glass_account(db, passwords):
    for username in ("anna", "root"):
        accounts.create_account(db, passwords, username, "admin", PASSWORD, provider_ids=PROVIDERS, now=T0)
    with pytest.raises(WrongCredentials):
        accounts.sign_in(db, passwords, "anna", PASSWORD, now=T0, demo_allowed=False, password_accounts=("root",))
    assert accounts.sign_in(db, passwords, "root", PASSWORD, now=T0, demo_allowed=False,
                            password_accounts=("root",)).username == "root"
    with pytest.raises(WrongCredentials):
        accounts.sign_in(db, passwords, "root", PASSWORD, now=T0, demo_allowed=False, password_accounts=())
