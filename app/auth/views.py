"""Staff sign-in pages: /staff/login, /staff/login/code, /staff/logout and /staff/totp (sign-in
through the identity provider: app/auth/oidc_views.py)."""

import datetime as dt

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_time, gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from accounts import accounts
from accounts import audit as audit_log
from accounts.accounts import ROLES, Account
from app.auth import oidc
from app.auth.blueprint import bp
from app.auth.guard import LANDING, guard, needs_totp_setup, record, record_for, restart_session, signed_in_account
from app.context import get_db, now, passwords, settings, today, vault
from app.forms import Form
from app.security import local_path
from app.session_keys import (
    OIDC_ID_TOKEN,
    STAFF_CREDENTIALS,
    STAFF_SEEN_AT,
    STAFF_SIGNED_IN_AT,
    STAFF_USERNAME,
    TOTP_PENDING,
    TOTP_SETUP,
)
from store.times import parse_stamp, stamp

#: How long the code step may follow a right password.
TOTP_PENDING_FOR = dt.timedelta(minutes=5)


class SignInForm(Form):
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter your username.")), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")), Length(max=1000)])
    code = StringField(_l("Code from your authenticator app, if you use two-step sign-in"), validators=[Length(max=20)])
    next = HiddenField()


class CodeForm(Form):
    code = StringField(_l("6-digit code from your authenticator app"),
                       validators=[InputRequired(_l("Enter the 6-digit code.")), Length(max=20)])
    next = HiddenField()


@bp.route("/staff/login", methods=["GET", "POST"])
def login():
    account = signed_in_account()
    if account is not None:
        return redirect(local_path(request.args.get("next")) or LANDING[account.role])
    form = SignInForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("staff_login.html", form=form), 400 if form.is_submitted() else 200
    try:
        account = accounts.sign_in(get_db(), passwords(), form.username.data, form.password.data,
                                   now=now(), demo_allowed=settings().demo, code=form.code.data, vault=vault(),
                                   password_accounts=_password_accounts())
    except accounts.WrongCredentials as failure:
        return _failed(form, failure)
    if account.totp_enabled and not form.code.data:
        restart_session()
        session[TOTP_PENDING] = {"username": account.username, "since": stamp(now()),
                                 "next": local_path(form.next.data)}
        return redirect(url_for(".login_code"))
    return complete_sign_in(account, local_path(form.next.data))


@bp.route("/staff/login/code", methods=["GET", "POST"])
def login_code():
    pending = session.get(TOTP_PENDING)
    if not pending or now() - parse_stamp(pending["since"]) > TOTP_PENDING_FOR:
        session.pop(TOTP_PENDING, None)
        return redirect(url_for(".login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("staff_login.html", form=form, step="code"), 400 if form.is_submitted() else 200
    try:
        account = accounts.check_totp(get_db(), pending["username"], form.code.data,
                                      now=now(), demo_allowed=settings().demo, vault=vault())
    except accounts.AccountLocked as refusal:
        record_for(refusal.username, "sign_in_refused", detail="locked")
        return render_template("staff_login.html", form=form, step="code", error=_wait_message(refusal.retry_at)), 429
    except accounts.WrongCredentials as failure:
        return _failed(form, failure, step="code")
    return complete_sign_in(account, pending["next"])


@bp.post("/staff/logout")
def logout():
    """Ends the session here and, for a session begun at the identity provider, sends the browser
    to the provider's own sign-out (RP-initiated logout) where it has one."""
    account = signed_in_account(touch=False)
    if account is not None:
        g.account = account
        record("sign_out")
    id_token = session.get(OIDC_ID_TOKEN)
    restart_session()
    provider_sign_out = oidc.logout_url(id_token) if id_token and settings().staff.oidc else None
    if provider_sign_out:
        return redirect(provider_sign_out)
    flash(gettext("You are signed out."), "ok")
    return redirect(url_for(".login"))


@bp.route("/staff/totp", methods=["GET", "POST"])
@guard(ROLES, totp_setup_page=True)
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
            accounts.enable_totp(get_db(), g.account.username, secret, form.code.data, now=now(), vault=vault())
        except accounts.WrongTotpCode:
            error = _wrong_code_message()
        else:
            session.pop(TOTP_SETUP)
            record("totp_enabled")
            flash(gettext("Two-step sign-in is on. From now on you sign in with a code as well."), "ok")
            return redirect(local_path(form.next.data) or LANDING[g.account.role])
    status = 400 if form.is_submitted() else 200
    return render_template("staff_totp.html", enabled=False, form=form, error=error,
                           secret=accounts.grouped_secret(secret), uri=accounts.totp_uri(secret, g.account.username),
                           required=settings().staff.require_totp), status


class SetPasswordForm(Form):
    token = HiddenField()
    password = PasswordField(_l("New password (at least %(count)s characters)", count=accounts.MIN_PASSWORD_LENGTH),
                             validators=[InputRequired(_l("Enter your new password.")), Length(max=1000)])
    repeated = PasswordField(_l("The same password again"),
                             validators=[InputRequired(_l("Enter the password again.")), Length(max=1000)])


@bp.route("/staff/set-password", methods=["GET", "POST"])
def set_password():
    """A one-time link from the admin (`app.admin.staff_accounts`): the owner chooses a password.
    The token travels in the query string, which the access log leaves out, then in the form."""
    form = SetPasswordForm(token=request.args.get("token", ""))
    if not form.validate_on_submit():
        return render_template("staff_set_password.html", form=form), 400 if form.is_submitted() else 200
    if form.password.data != form.repeated.data:
        form.repeated.errors.append(gettext("The two passwords differ. Type the same password twice."))
        return render_template("staff_set_password.html", form=form), 400
    try:
        username = accounts.set_password_with_link(get_db(), passwords(), form.token.data, form.password.data, now=now())
    except accounts.InvalidLink:
        return render_template("staff_set_password.html", form=form, invalid=True), 400
    except accounts.InvalidAccount:
        form.password.errors.append(gettext("Too short: at least %(count)s characters.", count=accounts.MIN_PASSWORD_LENGTH))
        return render_template("staff_set_password.html", form=form), 400
    record_for(username, "password_set")
    flash(gettext("Your password is set. Sign in with it now."), "ok")
    return redirect(url_for(".login"))


def complete_sign_in(account: Account, next_path: str | None, id_token: str | None = None):
    """Start the staff session under a new session id (so an id planted earlier opens nothing).
    `id_token`: the identity provider's, kept for signing out there."""
    restart_session()
    accounts.note_sign_in(get_db(), account.username, today())
    signed_in_at = stamp(now())
    session.update({STAFF_USERNAME: account.username, STAFF_SIGNED_IN_AT: signed_in_at, STAFF_SEEN_AT: signed_in_at,
                    STAFF_CREDENTIALS: account.credentials_version})
    if id_token:
        session[OIDC_ID_TOKEN] = id_token
    g.account = account
    record("sign_in", detail="oidc" if account.signs_in_with_provider else None)
    if needs_totp_setup(account):
        return redirect(url_for(".totp", next=next_path))
    return redirect(next_path or LANDING[account.role])


def _password_accounts() -> tuple[str, ...] | None:
    """With sign-in through the identity provider, a password opens only the break-glass account."""
    provider_settings = settings().staff.oidc
    if provider_settings is None:
        return None
    return (provider_settings.break_glass_account,) if provider_settings.break_glass_account else ()


def _failed(form: Form, failure: accounts.WrongCredentials, step: str = "password"):
    """The same answer, in the same words, for an unknown name, a wrong password and an account
    that refuses attempts; the audit log counts strangers and refused attempts a day at a time."""
    db, moment = get_db(), now()
    account = accounts.get_account(db, failure.username) if failure.username else None
    if account is None:
        audit_log.count_attempt(db, at=moment, action="sign_in_failed_unknown")
    elif failure.refused:
        audit_log.count_attempt(db, at=moment, action="sign_in_refused", username=account.username, role=account.role)
    else:
        record_for(account.username, "sign_in_failed", detail="code" if step == "code" else None)
    if failure.locked_until is not None:
        record_for(failure.username, "account_locked", detail=f"until {stamp(failure.locked_until)}")
    error = _wrong_code_message() if step == "code" else gettext(
        "Wrong username or password, or too many attempts: wait a minute and try again. "
        "If you use two-step sign-in, type the code from your app too, and you get in at once.")
    return render_template("staff_login.html", form=form, step=step, error=error), 401


def _wait_message(retry_at: dt.datetime) -> str:
    if retry_at - now() <= dt.timedelta(seconds=accounts.MAX_DELAY_SECONDS):
        return gettext("Too many failed attempts. Wait until %(time)s and try again.",
                       time=format_time(retry_at, "HH:mm:ss"))
    return gettext("Too many failed attempts. This account is locked until %(time)s. Try again then.",
                   time=format_time(retry_at, "HH:mm"))


def _wrong_code_message() -> str:
    return gettext("That code is not right. The code changes every 30 seconds: type the one shown now.")
