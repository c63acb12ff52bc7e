"""Staff accounts: roles, argon2 password hashes, lockout per account, and TOTP. This module
owns the `accounts` table.

Pure Python, no Flask: functions take a `sqlite_utils.Database`, plain values and `now`, and
raise named errors that the web layer turns into messages. Failed sign-ins are counted per
account, never per client address (DESIGN.md: no address is ever seen or stored).
"""

import datetime as dt
import hashlib
import hmac
import itertools
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

import pyotp
import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from store.sealing import Vault, to_reseal
from store.times import parse_stamp, stamp
from store.transaction import transaction

INTAKE, PROVIDER, ADMIN = "intake", "provider", "admin"
ROLES = (INTAKE, PROVIDER, ADMIN)
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD_LENGTH = 10
DEMO_PASSWORD = "demo"

#: Lockout schedule, per account: from the 3rd consecutive failure the account refuses attempts
#: for 2^(n-3) seconds (1, 2, 4, ... at most 60); from the 10th it is locked for 15 minutes.
SLOW_FROM_FAILURE = 3
MAX_DELAY_SECONDS = 60
LOCK_FROM_FAILURE = 10
LOCK_DURATION = dt.timedelta(minutes=15)

TOTP_ISSUER = "Indgang"
TOTP_DRIFT_STEPS = 1  # also accept the code of the 30 seconds before and after
TOTP_CODE = re.compile(r"\d{6}")
#: How long a one-time set-password link works (the admin hands it over in person or by phone).
LINK_VALID_FOR = dt.timedelta(days=3)
#: The columns counting wrong passwords and wrong codes, and how long each refuses attempts.
PASSWORD_COUNT = ("failed_attempts", "locked_until")
CODE_COUNT = ("code_failed_attempts", "code_locked_until")


class AccountError(ValueError):
    """Something about an account is not allowed; the message says what."""


class InvalidAccount(AccountError):
    """A bad username, role, provider or password for a new account."""


class AccountExists(AccountError):
    """There is already an account with that username."""


class UnknownAccount(AccountError):
    """There is no account with that username."""


class SignInRefused(AccountError):
    """The identity provider vouched for the person, but their account here is disabled (or a
    demo account outside demo mode): a local disable wins over the provider."""


class LastAdmin(AccountError):
    """Disabling this account would leave no admin who can sign in."""


class InvalidLink(AccountError):
    """A set-password link that is unknown, used, replaced, expired, or of a disabled account."""


class WrongTotpCode(AccountError):
    """The code from the authenticator app did not match (setting up two-step sign-in)."""


class WrongCredentials(AccountError):
    """Sign-in failed. The same error for an unknown username, a wrong password or code, and a
    disabled account, so the person cannot tell them apart.

    `username` is the account's name when it exists (for the audit log), else None;
    `locked_until` is set when this failure locked the account; `refused` when the account was
    refusing attempts, so this one was not counted.
    """

    def __init__(self, username: str | None = None, locked_until: dt.datetime | None = None, refused: bool = False):
        super().__init__("wrong username or password")
        self.username = username
        self.locked_until = locked_until
        self.refused = refused


class AccountLocked(AccountError):
    """After wrong two-step codes the account refuses codes until `retry_at`; the code was not
    checked. (Only someone who knows the password learns this.)"""

    def __init__(self, username: str, retry_at: dt.datetime):
        super().__init__(f"{username} is locked until {retry_at.isoformat()}")
        self.username = username
        self.retry_at = retry_at


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    provider_id: str | None
    totp_enabled: bool
    disabled: bool
    demo: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    credentials_changed_at: dt.datetime | None
    credentials_version: int = 0  # raised by a password reset or disabling: open sessions end
    oidc_subject: str | None = None  # the `sub` claim, for an account of the identity provider
    last_signed_in_day: dt.date | None = None  # a day, not a time: enough to spot an unused account

    @property
    def signs_in_with_provider(self) -> bool:
        """Signs in through the municipality's OpenID Connect provider (and has no password)."""
        return self.oidc_subject is not None

    def may_sign_in(self, demo_allowed: bool) -> bool:
        """Demo accounts work only while the configuration says `demo = true`."""
        return not self.disabled and (demo_allowed or not self.demo)


class Passwords:
    """argon2id at a configurable cost (tests lower it). An unknown username is checked against
    a dummy hash, so it takes as long as a wrong password."""

    def __init__(self, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
        self.params = (time_cost, memory_cost, parallelism)
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)

    def dummy_hash(self) -> str:
        """What an unknown or unusable name is checked against, so it costs what a name costs."""
        return _hash_once(*self.params, "not a password of anyone")

    def demo_hash(self) -> str:
        """One hash of "demo", shared by the demo accounts (the password is public anyway)."""
        return _hash_once(*self.params, DEMO_PASSWORD)


@lru_cache(maxsize=8)
def _hash_once(time_cost: int, memory_cost: int, parallelism: int, password: str) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism).hash(password)


def refusal_after(failures: int) -> dt.timedelta | None:
    """How long the account refuses attempts after `failures` consecutive failures."""
    if failures >= LOCK_FROM_FAILURE:
        return LOCK_DURATION
    if failures >= SLOW_FROM_FAILURE:
        return dt.timedelta(seconds=min(2 ** (failures - SLOW_FROM_FAILURE), MAX_DELAY_SECONDS))
    return None


def normalise_username(username: str) -> str:
    return username.strip().lower()


# --- creating and changing accounts ---------------------------------------------------------


def create_account(
    db: sqlite_utils.Database,
    passwords: Passwords,
    username: str,
    role: str,
    password: str,
    *,
    provider_ids: tuple[str, ...],
    provider_id: str | None = None,
    now: dt.datetime,
) -> Account:
    """A new account. A provider account is bound to one configured provider."""
    username = normalise_username(username)
    check_new_account(username, role, provider_id, provider_ids)
    _check_password(password)
    password_hash = passwords.hash(password)
    with transaction(db):
        if get_account(db, username) is not None:
            raise AccountExists(f"there is already an account named {username}")
        db["accounts"].insert(
            {"username": username, "role": role, "provider_id": provider_id, "password_hash": password_hash,
             "credentials_changed_at": stamp(now)}
        )
    return get_account(db, username)


def create_account_with_link(
    db: sqlite_utils.Database, passwords: Passwords, username: str, role: str, *,
    provider_ids: tuple[str, ...], provider_id: str | None = None, now: dt.datetime,
) -> tuple[Account, str]:
    """A new account whose owner chooses the password through a one-time link (nobody else ever
    knows it); returns the account and the link's token, to be shown once and never stored."""
    with transaction(db):
        account = create_account(db, passwords, username, role, _unusable_password(), provider_ids=provider_ids,
                                 provider_id=provider_id, now=now)
        token = _issue_link(db, account.username, now)
    return account, token


def reset_with_link(db: sqlite_utils.Database, passwords: Passwords, username: str, *, now: dt.datetime) -> str:
    """Forget the password (open sessions end, any earlier link stops working) and return a
    one-time link's token with which the owner chooses a new one."""
    with transaction(db):
        reset_password(db, passwords, username, _unusable_password(), now=now)
        return _issue_link(db, username, now)


def set_password_with_link(
    db: sqlite_utils.Database, passwords: Passwords, token: str, password: str, *, now: dt.datetime
) -> str:
    """The owner's new password through a link (`InvalidLink`; a too-short password,
    `InvalidAccount`, leaves the link usable). Returns the username."""
    _check_password(password)
    password_hash = passwords.hash(password)
    with transaction(db):
        row = next(db.query("select * from accounts where set_password_digest = ?", [_link_digest(token)]), None)
        if row is None or row["disabled"] or parse_stamp(row["set_password_until"]) <= now:
            raise InvalidLink("this link is not valid")
        db["accounts"].update(row["username"], {
            "password_hash": password_hash, "set_password_digest": None, "set_password_until": None,
            "failed_attempts": 0, "locked_until": None, "credentials_changed_at": stamp(now)})
        _end_sessions(db, row["username"])
    return row["username"]


def note_sign_in(db: sqlite_utils.Database, username: str, day: dt.date) -> None:
    """Keep the day of the latest sign-in (shown to the admin)."""
    _update(db, username, {"last_signed_in_day": day.isoformat()})


def check_new_account(username: str, role: str, provider_id: str | None, provider_ids: tuple[str, ...]) -> None:
    """Raise InvalidAccount, naming the problem, unless these may make a new account."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise InvalidAccount("a username is 2 to 40 lower-case letters, digits, dots, dashes or underscores")
    if role not in ROLES:
        raise InvalidAccount(f"the role must be one of {', '.join(ROLES)}")
    if role == PROVIDER and provider_id not in provider_ids:
        raise InvalidAccount(f"a provider account needs --provider, one of {', '.join(provider_ids)}")
    if role != PROVIDER and provider_id is not None:
        raise InvalidAccount("only a provider account is bound to a provider")


def create_demo_accounts(
    db: sqlite_utils.Database, passwords: Passwords, provider_ids: tuple[str, ...], now: dt.datetime
) -> list[str]:
    """`intake`, `admin` and `provider-<id>` for each provider, password "demo", marked demo.

    Idempotent (several workers may start at once); returns the names it created just now.
    """
    wanted = [(INTAKE, INTAKE, None), (ADMIN, ADMIN, None)]
    wanted += [(f"provider-{provider_id}", PROVIDER, provider_id) for provider_id in provider_ids]
    created = []
    with transaction(db):
        for username, role, provider_id in wanted:
            inserted = db.execute(
                "insert or ignore into accounts (username, role, provider_id, password_hash, demo, credentials_changed_at)"
                " values (?, ?, ?, ?, 1, ?)",
                [username, role, provider_id, passwords.demo_hash(), stamp(now)],
            ).rowcount
            if inserted:
                created.append(username)
    return created


def get_account(db: sqlite_utils.Database, username: str) -> Account | None:
    row = _row(db, normalise_username(username))
    return _account(row) if row else None


def list_accounts(db: sqlite_utils.Database) -> list[Account]:
    return [_account(row) for row in db.query("select * from accounts order by username")]


def disable_account(db: sqlite_utils.Database, username: str, *, now: dt.datetime) -> None:
    """The account can no longer sign in, and its open sessions end at their next request.
    Refused (`LastAdmin`) for the only enabled admin that is not a demo account."""
    with transaction(db):
        account = get_account(db, username)
        if account is not None and account.role == ADMIN and not account.disabled and not _other_admins(db, account.username):
            raise LastAdmin("at least one admin must be able to sign in")
        _update(db, username, {"disabled": 1, "credentials_changed_at": stamp(now)})
        _end_sessions(db, username)


def enable_account(db: sqlite_utils.Database, username: str) -> None:
    _update(db, username, {"disabled": 0})


def reset_password(
    db: sqlite_utils.Database, passwords: Passwords, username: str, password: str, *, now: dt.datetime,
    clear_totp: bool = False,
) -> None:
    """A new password; clears any lockout and ends the account's open sessions."""
    _check_password(password)
    changes = {"password_hash": passwords.hash(password), "failed_attempts": 0, "locked_until": None,
               "code_failed_attempts": 0, "code_locked_until": None, "credentials_changed_at": stamp(now)}
    if clear_totp:
        changes.update(totp_secret=None, totp_last_step=None)
    with transaction(db):
        _update(db, username, changes)
        _end_sessions(db, username)


# --- signing in -----------------------------------------------------------------------------


def sign_in(
    db: sqlite_utils.Database, passwords: Passwords, username: str, password: str, *, now: dt.datetime,
    demo_allowed: bool, code: str | None = None, vault: Vault | None = None,
    password_accounts: tuple[str, ...] | None = None,
) -> Account:
    """Check a username and password, and the two-step `code` when one is given.

    `password_accounts`, when given, are the only accounts a password may open (with sign-in
    through the identity provider on: its break-glass account, or none); the others are treated
    like unknown names. An account of the identity provider never opens with a password.

    Every attempt costs one argon2 check, whether the name exists or not and whether the account
    is refusing attempts, and every failure raises the same `WrongCredentials`: the answer tells
    nobody which names exist. A failure is counted *before* the (slow) check, inside one write
    transaction, so parallel guesses meet the delay as well. While the account refuses attempts
    (`refusal_after`) nothing is counted and a right password alone is refused, but a right
    password together with a current code still signs in: guessing is slowed, and nobody who
    knows only the name can keep the owner out. A right password clears the count; the code's
    own count (`check_totp`) is apart. Returns the account: with two-step sign-in and no `code`,
    the caller asks for the code next.
    """
    username = normalise_username(username)
    with transaction(db):
        row = _row(db, username)
        usable = (row is not None and _account(row).may_sign_in(demo_allowed) and not row["oidc_subject"]
                  and (password_accounts is None or username in map(normalise_username, password_accounts)))
        refusing = usable and _refuses(row["locked_until"], now)
        locked_until = _count_failure(db, row, now) if usable and not refusing else None
    right = passwords.verify(row["password_hash"] if usable else passwords.dummy_hash(), password)
    failure = WrongCredentials(row["username"] if row else None, locked_until, refused=refusing)
    if not right:
        raise failure
    with_code = bool(row["totp_secret"]) and bool(code)
    if refusing and not with_code:
        raise failure  # nothing changes, so a later attempt cannot tell whether this password was right
    if with_code:
        try:
            check_totp(db, username, code, now=now, demo_allowed=demo_allowed, vault=vault)
        except (WrongCredentials, AccountLocked):
            raise failure from None
    changes = {"failed_attempts": 0, "locked_until": None}
    if passwords.needs_rehash(row["password_hash"]):
        changes["password_hash"] = passwords.hash(password)
    db["accounts"].update(username, changes)
    return get_account(db, username)


def check_totp(
    db: sqlite_utils.Database, username: str, code: str, *, now: dt.datetime, demo_allowed: bool, vault: Vault
) -> Account:
    """The second step of signing in: a current code, not used before. Wrong codes are counted
    on their own (only someone who knows the password gets this far) with the same schedule as
    passwords; while that count refuses, no code is checked. The secret is stored sealed with
    `vault`, so a copy of the database alone cannot produce codes."""
    username = normalise_username(username)
    with transaction(db):
        row = _row(db, username)
        if row is None or not row["totp_secret"] or not _account(row).may_sign_in(demo_allowed):
            raise WrongCredentials(row["username"] if row else None)
        if _refuses(row["code_locked_until"], now):
            raise AccountLocked(row["username"], parse_stamp(row["code_locked_until"]))
        step = _matching_step(vault.open(row["totp_secret"]), code, now, after=row["totp_last_step"])
        if step is None:
            locked_until = _count_failure(db, row, now, CODE_COUNT)
        else:
            db["accounts"].update(username, {"code_failed_attempts": 0, "code_locked_until": None,
                                             "totp_last_step": step})
    if step is None:
        raise WrongCredentials(username, locked_until)
    return get_account(db, username)


def sign_in_with_subject(
    db: sqlite_utils.Database, subject: str, *, username_hint: str | None, role: str, provider_id: str | None,
    now: dt.datetime, demo_allowed: bool,
) -> tuple[Account, Account | None]:
    """The account of the person the identity provider vouched for with `subject` (its `sub`
    claim: stable and never reassigned, unlike a name or an e-mail address), created at their
    first sign-in. Its role (and provider) follow the provider's groups at every sign-in; a
    changed role ends the account's other open sessions. A disabled account raises
    `SignInRefused`. Returns the account and what it was before (None when just created).

    A new account is named after `username_hint` (e.g. "anna" from "anna@kommune.dk"; only the
    name is kept), made unique; it has no password (an empty hash, which no password matches).
    """
    with transaction(db):
        row = _row_by_subject(db, subject)
        if row is None:
            username = _free_username(db, username_hint, subject)
            db["accounts"].insert({"username": username, "role": role, "provider_id": provider_id, "password_hash": "",
                                   "oidc_subject": subject, "credentials_changed_at": stamp(now)})
            return get_account(db, username), None
        before = _account(row)
        if not before.may_sign_in(demo_allowed):
            raise SignInRefused(f"the account {before.username} is disabled")
        if (before.role, before.provider_id) != (role, provider_id):
            db["accounts"].update(before.username, {"role": role, "provider_id": provider_id})
            _end_sessions(db, before.username)
        return get_account(db, before.username), before


def username_of_subject(db: sqlite_utils.Database, subject: str) -> str | None:
    row = _row_by_subject(db, subject)
    return row["username"] if row else None


def refuse_subject(db: sqlite_utils.Database, subject: str) -> str | None:
    """The identity provider vouched for `subject`, but no group of theirs gives access here (any
    more): their account's open sessions end. Returns its username, or None when there is none."""
    with transaction(db):
        row = _row_by_subject(db, subject)
        if row is not None:
            _end_sessions(db, row["username"])
    return row["username"] if row else None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def grouped_secret(secret: str) -> str:
    """`ABCD EFGH IJKL ...`: easier to type into an authenticator app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def enable_totp(
    db: sqlite_utils.Database, username: str, secret: str, code: str, *, now: dt.datetime, vault: Vault
) -> None:
    """Turn on two-step sign-in, once the person shows a current code for `secret` (kept sealed)."""
    step = _matching_step(secret, code, now, after=None)
    if step is None:
        raise WrongTotpCode("the code does not match")
    _update(db, username, {"totp_secret": vault.seal(secret), "totp_last_step": step})


def reseal_totp_secrets(db: sqlite_utils.Database, old: Vault, new: Vault) -> int:
    """Re-seal TOTP secrets, opened with `old` and sealed with `new` (`store.sealing.to_reseal`:
    at start-up those of an earlier version, under a new key all); returns how many."""
    rows = list(db.query(f"select username, totp_secret from accounts where {to_reseal('totp_secret', old, new)}"))
    for row in rows:
        db.execute("update accounts set totp_secret = ? where username = ?",
                   [new.seal(old.open(row["totp_secret"])), row["username"]])
    return len(rows)


# --- helpers --------------------------------------------------------------------------------



def _other_admins(db: sqlite_utils.Database, username: str) -> int:
    return next(db.query("select count(*) as n from accounts where role = ? and disabled = 0 and demo = 0"
                         " and username != ?", [ADMIN, username]))["n"]


def _unusable_password() -> str:
    """A password nobody knows: the account cannot sign in until its owner sets one."""
    return secrets.token_urlsafe(32)


def _issue_link(db: sqlite_utils.Database, username: str, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    _update(db, username, {"set_password_digest": _link_digest(token), "set_password_until": stamp(now + LINK_VALID_FOR)})
    return token


def _link_digest(token: str) -> str:
    """A link's token carries 256 random bits, so a plain SHA-256 keeps it unguessable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


def _row(db: sqlite_utils.Database, username: str) -> dict | None:
    return next(db.query("select * from accounts where username = ?", [username]), None)


def _row_by_subject(db: sqlite_utils.Database, subject: str) -> dict | None:
    return next(db.query("select * from accounts where oidc_subject = ?", [subject]), None)


def _free_username(db: sqlite_utils.Database, hint: str | None, subject: str) -> str:
    """A username not taken yet: the part of `hint` before any "@", in the characters a username
    may have, else one made from the subject; "-2", "-3", ... after it while taken."""
    name = re.sub(r"[^a-z0-9._-]", "", (hint or "").split("@")[0].lower()).lstrip("._-")[:36]
    if not USERNAME_PATTERN.fullmatch(name):
        name = "staff-" + hashlib.sha256(subject.encode()).hexdigest()[:8]
    candidates = itertools.chain([name], (f"{name}-{n}" for n in itertools.count(2)))
    return next(candidate for candidate in candidates if _row(db, candidate) is None)


def _account(row: dict) -> Account:
    return Account(
        username=row["username"],
        role=row["role"],
        provider_id=row["provider_id"],
        totp_enabled=bool(row["totp_secret"]),
        disabled=bool(row["disabled"]),
        demo=bool(row["demo"]),
        failed_attempts=row["failed_attempts"] or 0,
        locked_until=parse_stamp(row["locked_until"]),
        credentials_changed_at=parse_stamp(row["credentials_changed_at"]),
        credentials_version=row["credentials_version"],
        oidc_subject=row["oidc_subject"],
        last_signed_in_day=dt.date.fromisoformat(row["last_signed_in_day"]) if row["last_signed_in_day"] else None,
    )


def _update(db: sqlite_utils.Database, username: str, changes: dict) -> None:
    username = normalise_username(username)
    if _row(db, username) is None:
        raise UnknownAccount(f"there is no account named {username}")
    db["accounts"].update(username, changes)


def _end_sessions(db: sqlite_utils.Database, username: str) -> None:
    db.execute("update accounts set credentials_version = credentials_version + 1 where username = ?",
               [normalise_username(username)])


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(f"a password has at least {MIN_PASSWORD_LENGTH} characters")


def _refuses(locked_until: str | None, now: dt.datetime) -> bool:
    return locked_until is not None and parse_stamp(locked_until) > now


def _count_failure(
    db: sqlite_utils.Database, row: dict, now: dt.datetime, columns: tuple[str, str] = PASSWORD_COUNT
) -> dt.datetime | None:
    """Count one more failure in `columns` (count, refusing until); returns the end of the
    15-minute lock if this one caused it."""
    count, until_column = columns
    failures = (row[count] or 0) + 1
    wait = refusal_after(failures)
    until = _whole_second_after(now + wait) if wait else None
    db["accounts"].update(row["username"], {count: failures, until_column: stamp(until) if until else None})
    return until if wait == LOCK_DURATION else None


def _whole_second_after(moment: dt.datetime) -> dt.datetime:
    """Times are stored to the second: round a lock's end up, so it is never shorter."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(seconds=1)


def _matching_step(secret: str, code: str, now: dt.datetime, after: int | None) -> int | None:
    """The time step whose code this is (within the drift allowed), if later than `after`."""
    code = "".join(code.split())
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
