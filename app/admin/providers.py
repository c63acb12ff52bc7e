"""The admin's providers: add, edit (hours, closed days, ...) and retire (§ 101a stk. 2).

A change takes effect at once for every worker (`app.managed_settings`). A change that would
drop a booked time, or leave fewer than two providers or none outside the municipality, is
refused with the bookings or the paragraph named (`booking.managed`).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.admin.blueprint import bp
from app.admin.changes import described
from app.admin.forms import ProviderForm
from app.auth import login_required, record
from app.config import WEEKDAYS
from app.context import get_db, now, settings
from app.words import AGE_BAND_NAMES, MEETING_MODE_SHORT, weekday_name
from booking import managed
from booking.providers import AGE_BANDS, MEETING_MODES, NONE_OUTSIDE
from common.languages import LANGUAGES


@bp.get("/providers")
@login_required("admin")
def providers():
    return render_template("admin_providers.html")


@bp.route("/providers/new", methods=["GET", "POST"])
@login_required("admin")
def new_provider():
    form = _choices(ProviderForm())
    if not form.check(settings().demo):
        return _form_page(form, None)
    provider = form.provider(form.id.data)
    try:
        managed.add_provider(get_db(), provider)
    except managed.ProviderExists:
        form.id.errors.append(gettext("That short name is taken (perhaps by a retired provider). Choose another."))
        return _form_page(form, None)
    record("provider_added", detail=f"{provider.id}: {described({}, managed.provider_columns(provider))}")
    flash(gettext("%(name)s is added. Its times are offered from now on.", name=provider.name), "ok")
    return redirect(url_for(".providers"))


@bp.route("/providers/<provider_id>", methods=["GET", "POST"])
@login_required("admin")
def edit_provider(provider_id):
    """Everything but the id and the name, which bookings, decisions, courses and invoice lines
    name the provider by: they keep the name they had at the time because it never changes (a
    renamed unit is a new provider: add it, move the bookings, retire the old one). Rates are a
    dated table (`[[rates]]`), so a past month is always paid at the rates of its days."""
    current = _current_or_404(provider_id)
    form = _choices(ProviderForm(data=ProviderForm.data_of(current)))
    del form.id, form.name  # kept for ever: see `edit_provider`
    if not form.check(settings().demo):
        return _form_page(form, current)
    changed = form.provider(provider_id, name=current.name)
    try:
        before = managed.change_provider(get_db(), changed, settings().served_municipalities, now())
    except managed.ManagedError as refusal:
        return _form_page(form, current, refusal=refusal)
    detail = described(managed.provider_columns(before), managed.provider_columns(changed))
    if detail:
        record("provider_changed", detail=f"{provider_id}: {detail}")
    flash(gettext("The changes to %(name)s are saved and in effect.", name=changed.name), "ok")
    return redirect(url_for(".providers"))


@bp.route("/providers/<provider_id>/retire", methods=["GET", "POST"])
@login_required("admin")
def retire_provider(provider_id):
    provider = _current_or_404(provider_id)
    if request.method == "GET":
        return render_template("admin_provider_retire.html", provider=provider)
    try:
        managed.retire_provider(get_db(), provider_id, settings().served_municipalities, now())
    except managed.ManagedError as refusal:
        return render_template("admin_provider_retire.html", provider=provider, refusal=refusal,
                               refusal_message=refusal_message(refusal)), 409
    record("provider_retired", detail=f"{provider_id}: {provider.name}")
    flash(gettext("%(name)s is retired: it offers no more times. Its past bookings and courses keep its name.",
                  name=provider.name), "ok")
    return redirect(url_for(".providers"))


def refusal_message(refusal: managed.ManagedError) -> str:
    if isinstance(refusal, managed.BreaksLaw):
        if refusal.reason == NONE_OUTSIDE:
            return gettext("Refused: § 101a stk. 2 requires at least one provider outside the municipality. "
                           "Add one outside before this change.")
        return gettext("Refused: § 101a stk. 2 requires agreements with at least two providers. "
                       "Add another provider first.")
    if isinstance(refusal, managed.HoldsBookings):
        return gettext("Refused: these bookings hold times that would no longer be offered. "
                       "Move or cancel them first (in the intake staff's queue), then try again.")
    return gettext("Refused: the provider was retired meanwhile.")


def _current_or_404(provider_id: str):
    provider = next((p for p in settings().providers if p.id == provider_id), None)
    if provider is None:
        abort(404)
    return provider


def _choices(form: ProviderForm) -> ProviderForm:
    """The tick boxes' words, and weekday labels, in the admin's language."""
    form.age_bands.choices = [(band, AGE_BAND_NAMES[band]) for band in AGE_BANDS]
    form.languages.choices = list(LANGUAGES.items())  # each language in its own name and script
    form.meeting_modes.choices = [(mode, MEETING_MODE_SHORT[mode]) for mode in MEETING_MODES]
    for day in WEEKDAYS:
        form[f"hours_{day}"].label.text = weekday_name(day)
    return form


def _form_page(form: ProviderForm, current, refusal: managed.ManagedError | None = None):
    status = 200 if not form.is_submitted() else 409 if refusal else 400
    return render_template("admin_provider_form.html", form=form, current=current, refusal=refusal,
                           refusal_message=refusal_message(refusal) if refusal else None), status
