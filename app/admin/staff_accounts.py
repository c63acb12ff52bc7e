"""The admin's staff accounts: create (with a one-time set-password link), disable, enable,
and a new link when a password is forgotten. The link is shown once, on the page that made it,
and never sent anywhere: the admin hands it over in person or reads it out on the phone."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext

from accounts import accounts
from app.admin.blueprint import bp
from app.admin.forms import AccountForm
from app.auth import login_required, record
from app.context import get_db, now, passwords, settings
from app.words import ROLE_NAMES


@bp.get("/accounts")
@login_required("admin")
def staff_accounts():
    return render_template("admin_accounts.html", accounts=accounts.list_accounts(get_db()),
                           link_days=accounts.LINK_VALID_FOR.days)


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required("admin")
def new_account():
    form = AccountForm()
    form.role.choices = [(role, ROLE_NAMES[role]) for role in accounts.ROLES]
    form.provider_id.choices = [("", "–")] + [(p.id, p.name) for p in settings().providers]
    if not form.check():
        return render_template("admin_account_new.html", form=form), 400 if form.is_submitted() else 200
    provider_ids = tuple(p.id for p in settings().providers)
    try:
        account, token = accounts.create_account_with_link(
            get_db(), passwords(), form.username.data, form.role.data, provider_ids=provider_ids,
            provider_id=form.bound_provider(), now=now())
    except accounts.AccountExists:
        form.username.errors.append(gettext("There is already an account with that username."))
        return render_template("admin_account_new.html", form=form), 400
    bound = f", {account.provider_id}" if account.provider_id else ""
    record("account_created", detail=f"{account.username} ({account.role}{bound})")
    return _link_page(account.username, token, created=True)


@bp.post("/accounts/<username>/disable")
@login_required("admin")
def disable_account(username):
    try:
        accounts.disable_account(get_db(), username, now=now())
    except accounts.LastAdmin:
        flash(gettext("Refused: %(username)s is the last admin who can sign in. Create another admin first.",
                      username=username), "error")
        return redirect(url_for(".staff_accounts")), 303
    except accounts.UnknownAccount:
        return _unknown()
    record("account_disabled", detail=accounts.normalise_username(username))
    flash(gettext("%(username)s is disabled and signed out.", username=username), "ok")
    return redirect(url_for(".staff_accounts")), 303


@bp.post("/accounts/<username>/enable")
@login_required("admin")
def enable_account(username):
    try:
        accounts.enable_account(get_db(), username)
    except accounts.UnknownAccount:
        return _unknown()
    record("account_enabled", detail=accounts.normalise_username(username))
    flash(gettext("%(username)s can sign in again.", username=username), "ok")
    return redirect(url_for(".staff_accounts")), 303


@bp.post("/accounts/<username>/reset")
@login_required("admin")
def reset_account(username):
    try:
        token = accounts.reset_with_link(get_db(), passwords(), username, now=now())
    except accounts.UnknownAccount:
        return _unknown()
    record("password_reset", detail=accounts.normalise_username(username))
    return _link_page(accounts.normalise_username(username), token, created=False)


def _link_page(username: str, token: str, created: bool):
    """The only page that shows the link: the answer to the POST that made it, never cached
    (`app.security`), so nothing can show it again."""
    link = url_for("auth.set_password", token=token, _external=True)
    return render_template("admin_account_link.html", username=username, link=link, created=created,
                           link_days=accounts.LINK_VALID_FOR.days), 201 if created else 200


def _unknown():
    return render_template("error.html", title=gettext("No such account"),
                           message=gettext("There is no account with that username.")), 404
