"""The municipality's own settings (`app.managed_settings.MANAGED_KEYS`): contacts shown to
citizens, booking notice and confirmation, how long a case is kept, two-step sign-in for all.
Each change is audited as "key: old → new" and in effect at once in every worker."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext

from app.admin.blueprint import bp
from app.admin.changes import described
from app.admin.forms import MunicipalityForm
from app.auth import login_required, record
from app.config import WEEKDAYS
from app.context import get_db, settings
from app.managed_settings import managed_values
from app.words import CONFIRMATION_NAMES, weekday_name
from booking import managed
from booking.rules import CONFIRMATIONS


@bp.route("/settings", methods=["GET", "POST"])
@login_required("admin")
def municipality_settings():
    before = managed_values(settings())
    form = MunicipalityForm(data=MunicipalityForm.data_of(before))
    form.confirmation.choices = [(choice, CONFIRMATION_NAMES[choice]) for choice in CONFIRMATIONS]
    for day in WEEKDAYS:
        form[f"hours_{day}"].label.text = weekday_name(day)
    if not form.check():
        return render_template("admin_settings.html", form=form), 400 if form.is_submitted() else 200
    after = form.values()
    changed = managed.change_values(get_db(), after)
    if changed:
        record("settings_changed", detail=described(changed, {key: after[key] for key in changed}))
        flash(gettext("The settings are saved and in effect."), "ok")
    else:
        flash(gettext("Nothing was changed."), "notice")
    return redirect(url_for(".municipality_settings"))
