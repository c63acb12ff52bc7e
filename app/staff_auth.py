"""Staff sign-in: the `auth` blueprint (/staff/login, /staff/login/code, /staff/logout,
/staff/totp), the `login_required` decorator for staff pages, and `record` for the audit log.

Every staff page is opened through `login_required(role, ...)`. A staff session ends after
`staff.idle_minutes` without a staff request, at sign-out, and when the account is disabled,
its password reset, or (demo accounts) the configuration no longer says `demo = true`.
"""

import datetime as dt
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_time, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from app import accounts
from app import audit as audit_log
from app.accounts import ROLES, Account, Passwords
from app.db import get_db, open_database
from app.i18n import SESSION_KEY as LANGUAGE_KEY
from app.sessions import forget, now_utc
from app.staff_state import STAFF_SEEN_AT, STAFF_SIGNED_IN_AT, STAFF_USERNAME, TOTP_PENDING, TOTP_SETUP
from app.state import settings, vault

#: Where each role lands after signing in (plain paths: the blueprints are built separately).
LANDING = {accounts.INTAKE: "/staff/", accounts.PROVIDER: "/provider/", accounts.ADMIN: "/admin/"}
ROLE_NAMES = {
    accounts.INTAKE: _l("Intake (visitation)"),
    accounts.PROVIDER: _l("Provider"),
    accounts.ADMIN: _l("Administrator"),
}
#: How long the code step may follow a right password.
TOTP_PENDING_FOR = dt.timedelta(minutes=5)

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter your username.")), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")), Length(max=1000)])
    next = HiddenField()


class CodeForm(FlaskForm):
    code = StringField(_l("6-digit code from your authenticator app"),
                       validators=[InputRequired(_l("Enter the 6-digit code.")), Length(max=20)])
    next = HiddenField()


def login_required(*roles: str):
    """Open the view only for a signed-in staff account with one of `roles`; sets `g.account`.

    Not signed in (or idled out, disabled, reset since): redirect to the sign-in page with
    `next` = this path. Signed in with another role: 403. With `staff.require_totp`, an account
    without two-step sign-in is sent to set it up first.
    """
    if not roles or set(roles) - set(ROLES):
        raise ValueError(f"login_required needs roles from {ROLES}, got {roles}")
    return _guard(roles, totp_setup_page=False)


def record(action: str, referral_number: str | None = None, detail: str | None = None) -> None:
    """Write one audit row for the signed-in account (`g.account`): who (username and role),
    what (`action`, e.g. "case_viewed"), which `referral_number`, and when (now, UTC, seconds).

    Call it only inside a view guarded by `login_required`. Never pass a citizen's code or any
    screening answer, in `detail` or anywhere: the audit log says who did what to which referral
    number, nothing about the person. (Text shaped like a code is replaced before storing, as a
    safeguard only.)
    """
    account: Account = g.account
    audit_log.write_audit(get_db(), at=now_utc(), username=account.username, role=account.role,
                         action=action, referral_number=referral_number, detail=detail)


def passwords() -> Passwords:
    return current_app.extensions["indgang.passwords"]


@bp.route("/staff/login", methods=["GET", "POST"])
def login():
    account = _signed_in_account()
    if account is not None:
        return redirect(_local_path(request.args.get("next")) or LANDING[account.role])
    form = SignInForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("staff_login.html", form=form), 400 if form.is_submitted() else 200
    try:
        account = accounts.sign_in(get_db(), passwords(), form.username.data, form.password.data,
                                   now=now_utc(), demo_allowed=settings().demo)
    except accounts.AccountLocked as refusal:
        _record_for(refusal.username, "sign_in_refused", detail="locked")
        return render_template("staff_login.html", form=form, error=_wait_message(refusal.retry_at)), 429
    except accounts.WrongCredentials as failure:
        return _failed(form, failure)
    if account.totp_enabled:
        _restart_session()
        session[TOTP_PENDING] = {"username": account.username, "since": now_utc().isoformat(),
                                 "next": _local_path(form.next.data)}
        return redirect(url_for(".login_code"))
    return _complete_sign_in(account, _local_path(form.next.data))


@bp.route("/staff/login/code", methods=["GET", "POST"])
def login_code():
    pending = session.get(TOTP_PENDING)
    if not pending or now_utc() - dt.datetime.fromisoformat(pending["since"]) > TOTP_PENDING_FOR:
        session.pop(TOTP_PENDING, None)
        return redirect(url_for(".login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("staff_login.html", form=form, step="code"), 400 if form.is_submitted() else 200
    try:
        account = accounts.check_totp(get_db(), pending["username"], form.code.data,
                                      now=now_utc(), demo_allowed=settings().demo, vault=vault())
    except accounts.AccountLocked as refusal:
        _record_for(refusal.username, "sign_in_refused", detail="locked")
        return render_template("staff_login.html", form=form, step="code", error=_wait_message(refusal.retry_at)), 429
    except accounts.WrongCredentials as failure:
        return _failed(form, failure, step="code")
    return _complete_sign_in(account, pending["next"])


@bp.post("/staff/logout")
def logout():
    account = _signed_in_account(touch=False)
    if account is not None:
        g.account = account
        record("sign_out")
    _restart_session()
    flash(gettext("You are signed out."), "ok")
    return redirect(url_for(".login"))


def _guard(roles: tuple[str, ...], totp_setup_page: bool):
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = _signed_in_account()
            here = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
            if account is None:
                return redirect(url_for("auth.login", next=here))
            g.account = account
            if settings().staff.require_totp and not account.totp_enabled and not totp_setup_page:
                return redirect(url_for("auth.totp", next=here))
            if account.role not in roles:
                return render_template("forbidden.html"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorate


@bp.route("/staff/totp", methods=["GET", "POST"])
@_guard(ROLES, totp_setup_page=True)
def totp():
    """Turn on two-step sign-in: show the secret as text, confirm with a current code."""
    if g.account.totp_enabled:
        return render_template("staff_totp.html", enabled=True)
    secret = session.get(TOTP_SETUP) or accounts.new_totp_secret()
    session[TOTP_SETUP] = secret
    form = CodeForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        try:
            accounts.enable_totp(get_db(), g.account.username, secret, form.code.data, now=now_utc(), vault=vault())
        except accounts.WrongTotpCode:
            error = _wrong_code_message()
        else:
            session.pop(TOTP_SETUP)
            record("totp_enabled")
            flash(gettext("Two-step sign-in is on. From now on you sign in with a code as well."), "ok")
            return redirect(_local_path(form.next.data) or LANDING[g.account.role])
    status = 400 if form.is_submitted() else 200
    return render_template("staff_totp.html", enabled=False, form=form, error=error,
                           secret=accounts.grouped_secret(secret), uri=accounts.totp_uri(secret, g.account.username),
                           required=settings().staff.require_totp), status


def _signed_in_account(touch: bool = True) -> Account | None:
    """The staff account of this session, or None; an ended session is forgotten here."""
    username = session.get(STAFF_USERNAME)
    if not username:
        return None
    now = now_utc()
    account = accounts.get_account(get_db(), username)
    signed_in_at = _parse(session.get(STAFF_SIGNED_IN_AT))
    seen_at = _parse(session.get(STAFF_SEEN_AT))
    idle = seen_at is None or now - seen_at >= dt.timedelta(minutes=settings().staff.idle_minutes)
    still_valid = (
        account is not None
        and account.may_sign_in(settings().demo)
        and signed_in_at is not None
        and (account.credentials_changed_at is None or signed_in_at >= account.credentials_changed_at)
    )
    if idle or not still_valid:
        if idle and account is not None:
            _record_for(account.username, "signed_out_idle")
        _restart_session()
        if idle:
            flash(gettext("You were signed out after %(minutes)s minutes without activity.",
                          minutes=settings().staff.idle_minutes), "notice")
        return None
    if touch:
        session[STAFF_SEEN_AT] = now.isoformat()
    return account


def _complete_sign_in(account: Account, next_path: str | None):
    _restart_session()
    now = now_utc().isoformat()
    session.update({STAFF_USERNAME: account.username, STAFF_SIGNED_IN_AT: now, STAFF_SEEN_AT: now})
    g.account = account
    record("sign_in")
    if settings().staff.require_totp and not account.totp_enabled:
        return redirect(url_for(".totp", next=next_path))
    return redirect(next_path or LANDING[account.role])


def _failed(form: FlaskForm, failure: accounts.WrongCredentials, step: str = "password"):
    _record_for(failure.username, "sign_in_failed", detail="code" if step == "code" else None)
    if failure.locked_until is not None:
        _record_for(failure.username, "account_locked", detail=f"until {failure.locked_until.isoformat(timespec='seconds')}")
        error = _wait_message(failure.locked_until)
    elif step == "code":
        error = _wrong_code_message()
    else:
        error = gettext("Wrong username or password.")
    return render_template("staff_login.html", form=form, step=step, error=error), 401


def _wait_message(retry_at: dt.datetime) -> str:
    if retry_at - now_utc() <= dt.timedelta(seconds=accounts.MAX_DELAY_SECONDS):
        return gettext("Too many failed attempts. Wait until %(time)s and try again.",
                       time=format_time(retry_at, "HH:mm:ss"))
    return gettext("Too many failed attempts. This account is locked until %(time)s. Try again then.",
                   time=format_time(retry_at, "HH:mm"))


def _wrong_code_message() -> str:
    return gettext("That code is not right. The code changes every 30 seconds: type the one shown now.")


def _record_for(username: str | None, action: str, detail: str | None = None) -> None:
    """Audit an event before anyone is signed in; an unknown username is not written down."""
    account = accounts.get_account(get_db(), username) if username else None
    audit_log.write_audit(get_db(), at=now_utc(), username=account.username if account else "",
                         role=account.role if account else None, action=action, detail=detail)


def _restart_session() -> None:
    """A fresh session with a new cookie id (the old one is deleted), keeping the language."""
    language = session.get(LANGUAGE_KEY)
    forget(session)
    if language:
        session[LANGUAGE_KEY] = language


def _local_path(path: str | None) -> str | None:
    """`path` if it stays on this site, else None (no open redirects)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    if any(ord(char) < 32 for char in path) or urlsplit(path).netloc:
        return None
    return path


def _parse(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def install_staff_auth(app: Flask) -> None:
    """Password hashing at the configured cost, the sign-in pages, 403 page, demo accounts."""
    app.config.setdefault("ARGON2_TIME_COST", 3)
    app.config.setdefault("ARGON2_MEMORY_COST", 65536)
    app.config.setdefault("ARGON2_PARALLELISM", 4)
    app.extensions["indgang.passwords"] = Passwords(
        app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"], app.config["ARGON2_PARALLELISM"]
    )
    app.register_blueprint(bp)
    app.register_error_handler(403, lambda _error: (render_template("forbidden.html"), 403))
    app.jinja_env.globals.update(ROLE_NAMES=ROLE_NAMES, STAFF_LANDING=LANDING)
    if app.extensions["indgang.settings"].demo:
        _create_demo_accounts(app)


def _create_demo_accounts(app: Flask) -> None:
    provider_ids = tuple(provider.id for provider in app.extensions["indgang.settings"].providers)
    db = open_database(app.config["DATABASE"])
    try:
        created = accounts.create_demo_accounts(db, app.extensions["indgang.passwords"], provider_ids, now_utc())
    finally:
        db.close()
    if created:
        print(f"Demo accounts (password: {accounts.DEMO_PASSWORD}): {', '.join(created)}", flush=True)
