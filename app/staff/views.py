"""The intake queue and the actions on a case. Every view and action is audited."""

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.case_booking import STAFF_SLOT_ERRORS, case_offers, fitting_providers, slot_from_form
from app.db import get_db
from app.sessions import now_utc
from app.staff.blueprint import bp
from app.staff_auth import login_required, record
from app.state import settings, today_in_copenhagen, vault
from app.words import DECLINE_REASONS
from booking import bookings, decisions, offers
from booking.queue import intake_queue
from course import lifecycle
from intake.cases import case_id_for_referral, load_case

STATE_MESSAGES = {
    "confirmed": _l("Already confirmed."),
    "cancelled": _l("The citizen cancelled this booking."),
    "expired": _l("The hold ran out before it was confirmed."),
    "declined": _l("Already declined."),
    "moved": _l("The booking was moved."),
}


@bp.get("/")
@login_required("intake")
def queue():
    entries = intake_queue(get_db(), today_in_copenhagen(), now_utc(), settings().guarantee_days)
    screenings = {e.case_id: load_case(get_db(), vault(), e.case_id) for e in entries}
    record("queue_viewed")
    return render_template("staff_queue.html", entries=entries, screenings=screenings)


@bp.get("/cases/<referral_number>")
@login_required("intake")
def case(referral_number):
    case = _case(referral_number)
    record("case_viewed", referral_number)
    return render_template(
        "staff_case.html",
        case=case,
        booking=bookings.latest_booking(get_db(), case.id),
        decision=decisions.decision_for(get_db(), case.id),
        providers=fitting_providers(case) or settings().providers,
        today=today_in_copenhagen(),
        now=now_utc(),
    )


@bp.post("/bookings/<booking_id>/confirm")
@login_required("intake")
def confirm(booking_id):
    return _staff_transition(booking_id, bookings.CONFIRMED, gettext("Booking confirmed."))


@bp.post("/bookings/<booking_id>/decline")
@login_required("intake")
def decline(booking_id):
    reason = request.form.get("reason", "")
    if reason not in DECLINE_REASONS:
        flash(gettext("Choose a reason for declining."), "error")
        return redirect(_back_to_case(booking_id))
    note = request.form.get("note", "").strip()[:500] or None
    return _staff_transition(booking_id, bookings.DECLINED, gettext("Booking declined."), reason, note)


@bp.get("/bookings/<booking_id>/move")
@login_required("intake")
def choose_new_slot(booking_id):
    booking, case = _booking_and_case(booking_id)
    return render_template(
        "staff_slots.html",
        booking=booking,
        case=case,
        action=url_for(".move", booking_id=booking_id),
        offers=case_offers(case),
    )


@bp.post("/bookings/<booking_id>/move")
@login_required("intake")
def move(booking_id):
    booking, case = _booking_and_case(booking_id)
    try:
        slot, mode = slot_from_form(case, default_mode=booking.mode)
        bookings.move(get_db(), case.id, slot, mode, now_utc(), settings().hold_hours)
    except (offers.SlotNotOffered, bookings.SlotTaken) as error:
        flash(str(STAFF_SLOT_ERRORS[type(error)]), "error")
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
    case = _case(referral_number)
    try:
        decision = lifecycle.decide(
            get_db(),
            case.id,
            case.first_contact_day,
            request.form.get("outcome", ""),
            provider_ids=[p.id for p in settings().providers],
            guarantee_days=settings().guarantee_days,
            provider_id=request.form.get("provider_id") or None,
            start_date=_date(request.form.get("start_date", "")),
            reason=request.form.get("reason") or None,
            today=today_in_copenhagen(),
            now=now_utc(),
        )
    except decisions.InvalidDecision as error:
        flash(gettext("The decision is missing something: %(field)s.", field=FIELD_NAMES.get(error.field, error.field)), "error")
        return redirect(url_for(".case", referral_number=referral_number))
    record("decision_recorded", referral_number, decision.outcome)
    flash(gettext("Decision recorded."), "ok")
    return redirect(url_for(".case", referral_number=referral_number))


FIELD_NAMES = {
    "outcome": _l("the decision"),
    "provider_id": _l("the place"),
    "start_date": _l("the start date"),
    "reason": _l("the reason"),
}


def _staff_transition(booking_id, target, success, reason=None, note=None):
    """Move a booking to `target` (audited as booking_<target>), or say what happened first."""
    _booking, case = _booking_and_case(booking_id)
    try:
        bookings.change_state(get_db(), booking_id, target, now_utc(), reason, note)
    except bookings.InvalidTransition as error:
        flash(gettext("Nothing changed: %(what)s", what=STATE_MESSAGES.get(error.current, error.current)), "error")
        record(f"booking_{target}_refused", case.referral_number, error.current)
    else:
        flash(success, "ok")
        record(f"booking_{target}", case.referral_number, reason)
    back_to_queue = request.form.get("back") == "queue"
    return redirect(url_for(".queue") if back_to_queue else url_for(".case", referral_number=case.referral_number))


def _case(referral_number):
    case_id = case_id_for_referral(get_db(), referral_number)
    case = load_case(get_db(), vault(), case_id) if case_id else None
    if case is None:
        abort(404)
    return case


def _booking_and_case(booking_id):
    try:
        booking = bookings.get_booking(get_db(), booking_id)
    except bookings.UnknownBooking:
        abort(404)
    return booking, load_case(get_db(), vault(), booking.case_id)


def _back_to_case(booking_id):
    _booking, case = _booking_and_case(booking_id)
    return url_for(".case", referral_number=case.referral_number)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
