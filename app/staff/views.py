"""The intake queue and the actions on a case. Every view and action is audited."""

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, gettext
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.auth import login_required, record
from app.context import get_db, now, settings, today, vault
from app.forms import Form, PageField
from app.slot_form import SlotForm, slots_by_day, staff_slot_error
from app.staff.blueprint import bp, case_or_404
from app.words import BOOKING_STATE_FOUND, DECISION_FIELDS, DECLINE_REASONS
from booking import bookings, for_case, offers
from booking import queue as intake
from common.clock import COPENHAGEN
from intake.cases import case_id_for_referral, load_case, typed_referral_number
from retention.schedule import ABANDONED_AFTER_DAYS
from store.transaction import snapshot
from treatment import conversation, decisions


class BookingActionForm(Form):
    """Confirm or decline; `back` = "queue" returns to the queue instead of the case."""

    back = StringField(validators=[Optional(), Length(max=10)])


class DeclineForm(BookingActionForm):
    reason = SelectField(choices=list(DECLINE_REASONS), validate_choice=True)
    note = StringField(validators=[Optional(), Length(max=500)])


class DecisionForm(Form):
    outcome = StringField(validators=[Length(max=40)])
    provider_id = StringField(validators=[Optional(), Length(max=40)])
    start_date = DateField(validators=[Optional()])
    reason = StringField(validators=[Optional(), Length(max=40)])
    change_reason = StringField(validators=[Optional(), Length(max=300)])


bp.add_app_template_filter(slots_by_day, "by_day")


@bp.app_template_filter("confirm_by")
def confirm_by(instant: dt.datetime) -> str:
    """When a hold ends, in Copenhagen time; a hold ending at midnight (the latest a hold may
    run, `booking.bookings.hold_until`) reads as 24:00 on the day before, the day staff have."""
    local = instant.astimezone(COPENHAGEN)
    if local.time() == dt.time(0):
        return gettext("%(day)s 24:00", day=format_date(local.date() - dt.timedelta(days=1), format="EEE d. MMM"))
    return format_datetime(instant, format="EEE d. MMM HH:mm")


class FindForm(Form):
    """The search by referral number, read from the query string."""

    referral = StringField(validators=[Optional(), Length(max=40)])

    @property
    def referral_number(self) -> str:
        return typed_referral_number(self.referral.data or "")


class PageForm(Form):
    page = PageField(validators=[Optional(), NumberRange(min=1, max=100_000)])


@bp.get("/")
@login_required("intake")
def queue():
    shown = intake.intake_queue(get_db(), today(), now(), guarantee_days=settings().guarantee_days,
                                open_days=ABANDONED_AFTER_DAYS)
    record("queue_viewed")
    return render_template("staff_queue.html", queue=shown, find=FindForm(request.args))


@bp.get("/open/<state>")
@login_required("intake")
def open_cases(state):
    if state not in intake.OPEN_STATES:
        abort(404)
    form = PageForm(request.args)
    page = form.page.data if form.validate() and form.page.data else 1
    listing = intake.open_cases(get_db(), state, now(), today(), guarantee_days=settings().guarantee_days,
                                open_days=ABANDONED_AFTER_DAYS, page=page)
    record("open_cases_viewed", detail=f"{state} page={page}")
    return render_template("staff_open.html", state=state, listing=listing, find=FindForm())


@bp.get("/find")
@login_required("intake")
def find():
    """A referral number typed by staff: its case page, or a plain "not found" with the form again."""
    form = FindForm(request.args)
    number = form.referral_number if form.validate() and form.referral.data else None
    if number and case_id_for_referral(get_db(), number):
        return redirect(url_for(".case", referral_number=number))
    return render_template("staff_find.html", find=form, typed=form.referral.data or ""), 404


@bp.get("/cases/<referral_number>")
@login_required("intake")
def case(referral_number):
    case = case_or_404(referral_number)
    record("case_viewed", referral_number)
    with snapshot(get_db()) as db:  # a change committed meanwhile shows whole on the next look, not half now
        booking = bookings.latest_booking(db, case.id, vault())
        decision = decisions.decision_for(db, case.id, vault())
        decision_opens_at = conversation.decision_opens_at(db, case.id, now())
    return render_template(
        "staff_case.html",
        case=case,
        booking=booking,
        decision=decision,
        decision_opens_at=decision_opens_at,
        providers=for_case.fitting_providers(settings().providers, case) or settings().providers,
        today=today(),
        now=now(),
    )


@bp.post("/bookings/<booking_id>/confirm")
@login_required("intake")
def confirm(booking_id):
    return _staff_transition(booking_id, bookings.CONFIRMED, gettext("Booking confirmed."))


@bp.post("/bookings/<booking_id>/decline")
@login_required("intake")
def decline(booking_id):
    form = DeclineForm()
    if not form.validate():
        flash(gettext("Choose a reason for declining."), "error")
        return redirect(_back_to_case(booking_id))
    note = (form.note.data or "").strip() or None
    return _staff_transition(booking_id, bookings.DECLINED, gettext("Booking declined."), form.reason.data, note)


@bp.get("/bookings/<booking_id>/move")
@login_required("intake")
def choose_new_slot(booking_id):
    booking, case = _booking_and_case(booking_id)
    config = settings()
    return render_template(
        "staff_slots.html",
        booking=booking,
        case=case,
        action=url_for(".move", booking_id=booking_id),
        offers=for_case.case_offers(get_db(), case, config.providers, now(), config.guarantee_days, config.booking),
    )


@bp.post("/bookings/<booking_id>/move")
@login_required("intake")
def move(booking_id):
    booking, case = _booking_and_case(booking_id)
    config = settings()
    try:
        slot, mode = SlotForm().chosen(case, default_mode=booking.mode)
        for_case.move_for_case(get_db(), case, slot, mode, now=now(), providers=config.providers, rules=config.booking,
                               guarantee_days=config.guarantee_days)
    except (offers.SlotNotOffered, bookings.SlotTaken) as error:
        flash(staff_slot_error(error), "error")
        return redirect(url_for(".choose_new_slot", booking_id=booking_id))
    except bookings.NoActiveBooking:
        flash(gettext("This booking is no longer active."), "error")
        return redirect(url_for(".case", referral_number=case.referral_number))
    record("booking_moved", case.referral_number, slot.id)
    flash(gettext("Booking moved."), "ok")
    return redirect(url_for(".case", referral_number=case.referral_number))


@bp.post("/cases/<referral_number>/decision")
@login_required("intake")
def decide(referral_number):
    case = case_or_404(referral_number)
    form = DecisionForm()
    config = settings()
    try:
        if not form.validate():
            raise decisions.InvalidDecision(next(iter(form.errors)))
        decision = decisions.decide(
            get_db(), case.id, case.first_contact_day, form.outcome.data or "",
            provider_ids=[p.id for p in config.providers], guarantee_days=config.guarantee_days,
            provider_id=form.provider_id.data or None, start_date=form.start_date.data,
            reason=form.reason.data or None, change_reason=form.change_reason.data, vault=vault(), rules=config.course,
            today=today(), now=now(),
        )
    except conversation.ConversationNotHeld as early:
        flash(gettext("The conversation has not started yet. You can record the decision from %(time)s.",
                      time=format_datetime(early.starts_at, format="EEEE d. MMMM, HH:mm")), "error")
        return redirect(url_for(".case", referral_number=referral_number))
    except decisions.StartTooEarly as error:
        flash(gettext("A course starts no earlier than the clarifying conversation, and a changed course no earlier"
                      " than the day of the change: choose %(day)s or later.",
                      day=format_date(error.earliest, format="long")), "error")
        return redirect(url_for(".case", referral_number=referral_number))
    except decisions.InvalidDecision as error:
        field = DECISION_FIELDS.get(error.field, error.field)
        flash(gettext("The decision is missing something: %(field)s.", field=field), "error")
        return redirect(url_for(".case", referral_number=referral_number))
    record("decision_recorded", referral_number, decision.outcome)
    if decision.changed:
        record("decision_changed", referral_number, decision.outcome)
    flash(gettext("Decision recorded."), "ok")
    return redirect(url_for(".case", referral_number=referral_number))


def _staff_transition(booking_id, target, success, reason=None, note=None):
    """Move a booking to `target` (audited as booking_<target>), or say what happened first."""
    _booking, case = _booking_and_case(booking_id)
    try:
        bookings.change_state(get_db(), booking_id, target, now(), reason, note, vault())
    except bookings.InvalidTransition as error:
        found = BOOKING_STATE_FOUND.get(error.current, error.current)
        flash(gettext("Nothing changed: %(what)s", what=found), "error")
        record(f"booking_{target}_refused", case.referral_number, error.current)
    else:
        flash(success, "ok")
        record(f"booking_{target}", case.referral_number, reason)
    back_to_queue = BookingActionForm().back.data == "queue"
    return redirect(url_for(".queue") if back_to_queue else url_for(".case", referral_number=case.referral_number))


def _booking_and_case(booking_id):
    try:
        booking = bookings.get_booking(get_db(), booking_id)
    except bookings.UnknownBooking:
        abort(404)
    return booking, load_case(get_db(), vault(), booking.case_id)


def _back_to_case(booking_id):
    _booking, case = _booking_and_case(booking_id)
    return url_for(".case", referral_number=case.referral_number)
