"""Staff sign-in through the municipality's identity provider (`[staff.oidc]`, app/auth/oidc.py):
/staff/login/oidc starts it, the provider answers at /staff/login/oidc/callback, which hands over
to /staff/login/oidc/finish; the provider's sign-out returns to /staff/signed-out."""

from flask import abort, render_template, request, session, url_for
from wtforms import HiddenField

from accounts import accounts
from accounts import audit as audit_log
from accounts.accounts import Account
from app.auth import oidc as flow
from app.auth.blueprint import bp
from app.auth.guard import record_for
from app.auth.views import complete_sign_in
from app.context import get_db, now, settings
from app.forms import Form
from app.security import local_path
from app.session_keys import OIDC_NEXT
from app.sessions import start_on_read
from app.words import OIDC_REFUSALS

#: The parameters of the provider's answer (RFC 6749 § 4.1.2, RFC 9207 `iss`), handed on to `finish`.
ANSWER_PARAMETERS = ("code", "state", "iss", "error", "error_description")
#: The status of each refusal's page.
REFUSAL_STATUS = {flow.FAILED: 400, flow.UNAVAILABLE: 503, flow.NO_GROUP: 403, flow.NO_MFA: 403, flow.DISABLED: 403}


class StartForm(Form):
    next = HiddenField()


def _oidc():
    oidc = settings().staff.oidc
    if oidc is None:
        abort(404)
    return oidc


@bp.post("/staff/login/oidc")
def oidc_start():
    oidc = _oidc()
    form = StartForm()
    session[OIDC_NEXT] = local_path(form.next.data)
    try:
        return flow.start(oidc)
    except flow.Refused as refusal:
        return _refused(refusal)


@bp.get("/staff/login/oidc/callback")
def oidc_callback():
    """Where the provider sends the browser. The session cookie is SameSite=Strict, so a browser
    coming from the provider's site does not send it: this page (which reads and writes nothing)
    takes the browser on to `oidc_finish` from our own site, and the cookie, which holds the
    `state`, `nonce` and PKCE verifier, comes along."""
    _oidc()
    answer = {key: request.args[key] for key in ANSWER_PARAMETERS if key in request.args}
    return render_template("staff_oidc_continue.html", target=url_for(".oidc_finish", **answer))


@bp.get("/staff/login/oidc/finish")
def oidc_finish():
    """The provider's answer checked, and the person signed in. It is a GET that writes, as the end
    of every sign-in by redirect is; the `state` bound to this session stands in for a CSRF token."""
    oidc = _oidc()
    next_path = session.pop(OIDC_NEXT, None)
    try:
        person, id_token = flow.finish(oidc)
        account, before = _sign_in(person)
    except flow.Refused as refusal:
        return _refused(refusal)
    _record_changes(account, before)
    start_on_read(session)
    return complete_sign_in(account, next_path, id_token=id_token)


@bp.get("/staff/signed-out")
def signed_out():
    """Where the provider's sign-out (RP-initiated logout) returns to."""
    return render_template("staff_signed_out.html")


def _sign_in(person: flow.Person) -> tuple[Account, Account | None]:
    try:
        return accounts.sign_in_with_subject(
            get_db(), person.subject, username_hint=person.username_hint, role=person.group_role.role,
            provider_id=person.group_role.provider_id, now=now(), demo_allowed=settings().demo)
    except accounts.SignInRefused:
        raise flow.Refused(flow.DISABLED, person.subject) from None


def _record_changes(account: Account, before: Account | None) -> None:
    if before is None:
        record_for(account.username, "account_created", detail=_role_words(account))
    elif (before.role, before.provider_id) != (account.role, account.provider_id):
        record_for(account.username, "account_role_changed", detail=f"{_role_words(before)} → {_role_words(account)}")


def _role_words(account: Account) -> str:
    return f"{account.role} {account.provider_id}" if account.provider_id else account.role


def _refused(refusal: flow.Refused):
    """The page saying why, in the person's language; the audit log names the account if there is
    one (a person without a group has their open sessions ended), else counts the day's refusals."""
    db = get_db()
    username = None
    if refusal.subject is not None:
        username = accounts.refuse_subject(db, refusal.subject) if refusal.reason == flow.NO_GROUP \
            else accounts.username_of_subject(db, refusal.subject)
    if username:
        record_for(username, "oidc_refused", detail=refusal.reason)
    else:
        action = "oidc_refused" if refusal.subject is not None else "oidc_failed"
        audit_log.count_attempt(db, at=now(), action=action)
    return render_template("staff_oidc_refused.html", message=OIDC_REFUSALS[refusal.reason]), REFUSAL_STATUS[refusal.reason]
