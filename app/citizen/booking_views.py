"""Booking the clarifying conversation by code (§ 101a stk. 3): choose, book, move, cancel, .ics."""

import datetime as dt

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.case_booking import book_for_case, case_deadline, case_offers, fitting_providers, slot_from_form
from app.citizen.blueprint import bp
from app.db import get_db
from app.sessions import now_utc
from app.state import case_required, settings
from booking import bookings, offers
from booking.calendar import booking_calendar

NOT_OFFERED_MESSAGES = {
    "unknown": _l("That time is not one we offer. Please choose a time from the list."),
    "past": _l("That time has passed. Please choose a later time."),
    "age_band": _l("That place does not see people in your age group. Please choose one of the places shown."),
    "mode": _l("Please choose how you want to meet."),
}
NEAREST_FREE = 5
MEETING_MODE_WORDS = {
    "in_person": _l("In person, at the address above."),
    "phone_in": _l("By phone: you call at the booked time and give your code. You can hide your number."),
}
LANGUAGE_NAMES = {"da": _l("Danish"), "en": _l("English")}
BOOKING_STATES = {
    "pending": _l("Booked. Waiting for the municipality to confirm the time."),
    "confirmed": _l("Confirmed. See you then."),
    "declined": _l("The municipality could not confirm this time. Please choose another."),
    "expired": _l("The time was not confirmed in time and has been released. Please choose a new time."),
    "cancelled": _l("Cancelled. You can book a new time whenever you like."),
    "moved": _l("Moved to a new time."),
    "attended": _l("You came to the clarifying conversation."),
    "no_show": _l("You did not come to the conversation. You can book a new time."),
}


@bp.app_context_processor
def booking_words():
    return {"MEETING_MODES": MEETING_MODE_WORDS, "LANGUAGE_NAMES": LANGUAGE_NAMES, "BOOKING_STATES": BOOKING_STATES}


@bp.get("/book")
@case_required
def choose_provider():
    provider_offers = case_offers(g.case)
    if provider_offers:
        offers.mark_guarantee_at_risk(get_db(), g.case.id, offers.guarantee_at_risk(provider_offers))
    return render_template("book_providers.html", offers=provider_offers, last_day=_last_day())


@bp.get("/book/<provider_id>")
@case_required
def choose_slot(provider_id):
    provider = next((p for p in fitting_providers(g.case) if p.id == provider_id), None)
    if provider is None:
        abort(404)
    return _render_slots(provider)


@bp.post("/book")
@case_required
def book():
    """Book a slot, or move the active booking there; the domain settles who gets it."""
    try:
        slot, mode = slot_from_form(g.case)
        if _active():
            bookings.move(get_db(), g.case.id, slot, mode, now_utc(), settings().hold_hours)
        else:
            book_for_case(g.case, slot, mode)
    except offers.SlotNotOffered as error:
        return _slot_problem(str(NOT_OFFERED_MESSAGES[error.reason]), 400)
    except bookings.SlotTaken:
        return _slot_problem(gettext("Somebody took that time a moment ago. Here are the nearest free times."), 409, slot)
    except (bookings.AlreadyBooked, bookings.NoActiveBooking):
        pass  # another tab booked or cancelled meanwhile: the status page shows what holds now
    except bookings.UnknownCase:
        return redirect(url_for(".enter_code"))
    return redirect(url_for(".status"))


@bp.post("/booking/cancel")
@case_required
def cancel_booking():
    try:
        bookings.cancel(get_db(), g.case.id, now_utc())
    except (bookings.NoActiveBooking, bookings.InvalidTransition):
        pass  # nothing active to cancel: the status page shows what there is
    return redirect(url_for(".status"))


@bp.get("/booking.ics")
@case_required
def booking_ics():
    booking = _active()
    if booking is None:
        return redirect(url_for(".status"))
    texts = {
        "title": gettext("Appointment"),
        "call": gettext("Call {phone} at the time and give your code."),
        "alarm": gettext("Appointment in two hours"),
    }
    provider = settings().provider(booking.provider_id)
    body = booking_calendar(booking, provider, texts, now_utc())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="appointment.ics"'},
    )


def _render_slots(provider, message=None, status=200, wanted=None):
    offer = offers.offer(get_db(), provider, case_deadline(g.case), now_utc())
    nearest = _nearest(offer.slots, wanted) if wanted else ()
    return render_template(
        "book_slots.html",
        offer=offer,
        days=_by_day(offer.slots),
        nearest=nearest,
        message=message,
        chosen_mode=request.form.get("mode"),
        moving=_active() is not None,
    ), status


def _slot_problem(message, status, wanted=None):
    provider_id = request.form.get("slot", "").partition("@")[0]
    provider = next((p for p in fitting_providers(g.case) if p.id == provider_id), None)
    if provider is None:
        return render_template(
            "book_providers.html",
            offers=case_offers(g.case),
            last_day=_last_day(),
            message=message,
        ), status
    return _render_slots(provider, message, status, wanted)


def _nearest(slots, wanted):
    return tuple(sorted(slots, key=lambda s: abs(s.starts_at - wanted.starts_at))[:NEAREST_FREE])


def _by_day(slots):
    days = {}
    for slot in slots:
        days.setdefault(slot.local_start.date(), []).append(slot)
    return days


def _last_day():
    return g.case.first_contact_day + dt.timedelta(days=settings().guarantee_days)


def _active():
    return bookings.active_booking(get_db(), g.case.id, now_utc())
