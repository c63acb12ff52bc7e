"""Booking the clarifying conversation by code (§ 101a stk. 3): choose, book, move, cancel, .ics."""

import contextlib

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext

from app.citizen.blueprint import bp, case_required
from app.context import get_db, now, settings
from app.i18n import current_language
from app.slot_form import SlotForm, slots_by_day
from app.words import NOT_OFFERED_MESSAGES
from booking import bookings, for_case, offers
from booking.calendar import booking_calendar

NEAREST_FREE = 5


@bp.get("/book")
@case_required
def choose_provider():
    return _render_providers()


@bp.get("/book/<provider_id>")
@case_required
def choose_slot(provider_id):
    provider = _fitting_provider(provider_id)
    if provider is None:
        abort(404)
    return _render_slots(provider)


@bp.post("/book")
@case_required
def book():
    """Book a slot, or move the active booking there; the domain settles who gets it."""
    form = SlotForm()
    config = settings()
    try:
        slot, mode = form.chosen(g.case)
        book_or_move = for_case.move_for_case if _active() else for_case.book_for_case
        book_or_move(get_db(), g.case, slot, mode, now=now(), providers=config.providers, rules=config.booking,
                     guarantee_days=config.guarantee_days)
    except offers.SlotNotOffered as error:
        return _slot_problem(form, str(NOT_OFFERED_MESSAGES[error.reason]), 400)
    except bookings.SlotTaken:
        message = gettext("Somebody took that time a moment ago. Here are the nearest free times.")
        return _slot_problem(form, message, 409, slot)
    except (bookings.AlreadyBooked, bookings.NoActiveBooking):
        pass  # another tab booked or cancelled meanwhile: the status page shows what holds now
    except bookings.UnknownCase:
        return redirect(url_for(".enter_code"))
    return redirect(url_for(".status"))


@bp.get("/booking/cancel")
@case_required
def confirm_cancel():
    """Ask before cancelling, as before deleting: one tap must not lose a booked time."""
    booking = _active()
    if booking is None:
        return redirect(url_for(".status"))
    return render_template("cancel_confirm.html", booking=booking, provider=settings().provider(booking.provider_id))


@bp.post("/booking/cancel")
@case_required
def cancel_booking():
    with contextlib.suppress(bookings.NoActiveBooking, bookings.InvalidTransition):
        bookings.cancel(get_db(), g.case.id, now())  # nothing to cancel: the status page shows what there is
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
        "call_plain": gettext("Call at the time and give your code."),
        "alarm": gettext("Appointment in two hours"),
    }
    provider = settings().provider(booking.provider_id)
    with_place = request.args.get("place") == "1"  # the person's choice, on the status page
    body = booking_calendar(booking, provider, texts, now(), with_place=with_place)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="appointment.ics"'},
    )


def _render_providers(message=None, status=200):
    config = settings()
    provider_offers = for_case.case_offers(get_db(), g.case, config.providers, now(), config.guarantee_days, config.booking)
    provider_offers = _speaking_first(provider_offers, current_language())
    last_day = for_case.case_guarantee(g.case, config.guarantee_days).last_day
    return render_template("book_providers.html", case=g.case, offers=provider_offers, last_day=last_day,
                           message=message), status


def _render_slots(provider, message=None, status=200, wanted=None):
    config = settings()
    offer = for_case.case_offer(get_db(), g.case, provider.id, config.providers, now(), config.guarantee_days, config.booking)
    nearest = _nearest(offer.slots, wanted) if wanted else ()
    return render_template(
        "book_slots.html",
        offer=offer,
        days=slots_by_day(offer.slots),
        nearest=nearest,
        message=message,
        chosen_mode=SlotForm().mode.data,
        moving=_active() is not None,
    ), status


def _slot_problem(form, message, status, wanted=None):
    provider = _fitting_provider(form.provider_id)
    if provider is None:
        return _render_providers(message, status)
    return _render_slots(provider, message, status, wanted)


def _fitting_provider(provider_id):
    return next((p for p in for_case.fitting_providers(settings().providers, g.case) if p.id == provider_id), None)


def _speaking_first(provider_offers, language):
    """The places whose staff speak `language` first, otherwise in the configured order."""
    return sorted(provider_offers, key=lambda offer: language not in offer.provider.languages)


def _nearest(slots, wanted):
    return tuple(sorted(slots, key=lambda s: abs(s.starts_at - wanted.starts_at))[:NEAREST_FREE])


def _active():
    return bookings.active_booking(get_db(), g.case.id, now())
