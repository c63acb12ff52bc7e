"""Who may open a staff page: `login_required` for staff views, `record` for the audit log.

Every staff page is opened through `login_required(role, ...)`. A staff session ends after
`staff.idle_minutes` without a staff request, at sign-out, and when the account is disabled,
its password reset, or (demo accounts) the configuration no longer says `demo = true`.
"""

import datetime as dt
from functools import wraps

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from accounts import accounts
from accounts import audit as audit_log
from accounts.accounts import ROLES, Account
from app.context import get_db, now, settings
from app.session_keys import LANGUAGE, STAFF_CREDENTIALS, STAFF_SEEN_AT, STAFF_USERNAME
from app.sessions import forget
from store.times import parse_stamp, stamp

#: Where each role lands after signing in (plain paths: the blueprints are built separately).
LANDING = {accounts.INTAKE: "/staff/", accounts.PROVIDER: "/provider/", accounts.ADMIN: "/admin/"}


def login_required(*roles: str):
    """Open the view only for a signed-in staff account with one of `roles`; sets `g.account`.

    Not signed in (or idled out, disabled, reset since): redirect to the sign-in page with
    `next` = this path. Signed in with another role: 403. With `staff.require_totp`, an account
    without two-step sign-in is sent to set it up first.
    """
    if not roles or set(roles) - set(ROLES):
        raise ValueError(f"login_required needs roles from {ROLES}, got {roles}")
    return guard(roles, totp_setup_page=False)


def record(action: str, referral_number: str | None = None, detail: str | None = None) -> None:
    """Write one audit row for the signed-in account (`g.account`): who (username and role),
    what (`action`, e.g. "case_viewed"), which `referral_number`, and when (now, UTC, seconds).

    Call it only inside a view guarded by `login_required`. Never pass a citizen's code or any
    screening answer, in `detail` or anywhere: the audit log says who did what to which referral
    number, nothing about the person. (Text shaped like a code is replaced before storing, as a
    safeguard only.)
    """
    account: Account = g.account
    audit_log.write_audit(get_db(), at=now(), username=account.username, role=account.role,
                         action=action, referral_number=referral_number, detail=detail)


def guard(roles: tuple[str, ...], totp_setup_page: bool):
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = signed_in_account()
            here = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
            if account is None:
                return redirect(url_for("auth.login", next=here))
            g.account = account
            if needs_totp_setup(account) and not totp_setup_page:
                return redirect(url_for("auth.totp", next=here))
            if account.role not in roles:
                return render_template("forbidden.html"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorate


def needs_totp_setup(account: Account) -> bool:
    """`staff.require_totp` asks two-step sign-in of password accounts; the identity provider's
    accounts have its own multi-factor sign-in (`staff.oidc.required_amr`)."""
    return settings().staff.require_totp and not account.totp_enabled and not account.signs_in_with_provider


def signed_in_account(touch: bool = True) -> Account | None:
    """The staff account of this session, or None; an ended session is forgotten here."""
    username = session.get(STAFF_USERNAME)
    if not username:
        return None
    moment = now()
    account = accounts.get_account(get_db(), username)
    seen_at = _stamp_or_none(session.get(STAFF_SEEN_AT))
    idle = seen_at is None or moment - seen_at >= dt.timedelta(minutes=settings().staff.idle_minutes)
    still_valid = (
        account is not None
        and account.may_sign_in(settings().demo)
        and session.get(STAFF_CREDENTIALS) == account.credentials_version
    )
    if idle or not still_valid:
        if idle and account is not None:
            record_for(account.username, "signed_out_idle")
        restart_session()
        if idle:
            flash(gettext("You were signed out after %(minutes)s minutes without activity.",
                          minutes=settings().staff.idle_minutes), "notice")
        return None
    if touch:
        session[STAFF_SEEN_AT] = stamp(moment)
    return account


def record_for(username: str | None, action: str, detail: str | None = None) -> None:
    """Audit an event before anyone is signed in; an unknown username is not written down."""
    account = accounts.get_account(get_db(), username) if username else None
    audit_log.write_audit(get_db(), at=now(), username=account.username if account else "",
                         role=account.role if account else None, action=action, detail=detail)


def restart_session() -> None:
    """A fresh session with a new cookie id (the old one is deleted), keeping the language."""
    language = session.get(LANGUAGE)
    forget(session)
    if language:
        session[LANGUAGE] = language


def _stamp_or_none(text) -> dt.datetime | None:
    """A stored stamp; None for a missing or malformed one (the session then ends)."""
    try:
        return parse_stamp(text)
    except (TypeError, ValueError):
        return None
