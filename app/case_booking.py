"""What the citizen's and the staff's booking pages share: a case's deadline, its offers, and
the slot a form chose, checked against the case."""

from flask import request
from flask_babel import lazy_gettext as _l

from app.db import get_db
from app.sessions import now_utc
from app.state import settings, today_in_copenhagen
from booking import bookings, offers
from booking.providers import providers_for
from booking.slots import guarantee_deadline
from course import statistics

STAFF_SLOT_ERRORS = {
    offers.SlotNotOffered: _l("That time cannot be booked. Choose one from the list."),
    bookings.SlotTaken: _l("Somebody took that time a moment ago. Choose another."),
}


def case_deadline(case):
    return guarantee_deadline(case.first_contact_day, settings().guarantee_days)


def fitting_providers(case):
    return providers_for(settings().providers, case.answers.get("age_band"))


def case_offers(case) -> list[offers.Offer]:
    return [offers.offer(get_db(), p, case_deadline(case), now_utc()) for p in fitting_providers(case)]


def slot_from_form(case, default_mode: str | None = None):
    """(slot, mode) from the posted form; raises `offers.SlotNotOffered` naming why not."""
    config = settings()
    wanted = request.form.get("slot", "")[:80]
    slot = offers.chosen_slot(config.providers, wanted, case.answers.get("age_band"), now_utc(), case_deadline(case))
    mode = offers.check_mode(config.provider(slot.provider_id), request.form.get("mode") or default_mode or "")
    return slot, mode


def book_for_case(case, slot, mode) -> bookings.Booking:
    """A new booking for the case (raises as `bookings.book` does), counted for the statistics."""
    booking = bookings.book(get_db(), case.id, slot, mode, now_utc(), settings().hold_hours)
    statistics.count_event(get_db(), statistics.BOOKING_MADE, today_in_copenhagen(), slot.provider_id)
    return booking
