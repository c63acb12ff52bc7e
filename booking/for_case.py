"""Booking for one case: what the citizen's and the staff's booking pages share.

A case is anything with `id`, `first_contact_day` and `age_band` (an `intake.cases.Case`).
"""

import datetime as dt

from booking import bookings, guarantee, offers
from booking.providers import providers_for
from common.clock import COPENHAGEN
from stats import monthly
from store.transaction import transaction


def case_guarantee(case, guarantee_days: int) -> guarantee.Guarantee:
    return guarantee.Guarantee(case.first_contact_day, guarantee_days)


def fitting_providers(providers, case) -> list:
    """The providers whose age band fits the person (seed 000: under 25 / 25 and over)."""
    return providers_for(providers, case.age_band)


def case_offers(db, case, providers, now: dt.datetime, guarantee_days: int) -> list[offers.Offer]:
    """Each fitting provider's free slots up to the case's deadline (or the earliest after it)."""
    deadline = case_guarantee(case, guarantee_days).deadline
    return [offers.offer(db, provider, deadline, now) for provider in fitting_providers(providers, case)]


def chosen_slot(providers, case, slot_id: str, mode: str, now: dt.datetime, guarantee_days: int):
    """(slot, mode) a form chose, checked against the case; raises `offers.SlotNotOffered`."""
    deadline = case_guarantee(case, guarantee_days).deadline
    slot = offers.chosen_slot(providers, slot_id, case.age_band, now, deadline)
    provider = next(p for p in providers if p.id == slot.provider_id)
    return slot, offers.check_mode(provider, mode)


def book_for_case(db, case, slot, mode, *, now: dt.datetime, hold_hours: int, guarantee_days: int) -> bookings.Booking:
    """A new pending booking (raises as `bookings.book` does), counted for the statistics; the
    case is at risk exactly when the slot is after its deadline. One transaction."""
    with transaction(db):
        booking = bookings.book(db, case.id, slot, mode, now, hold_hours)
        monthly.count_event(db, monthly.BOOKING_MADE, now.astimezone(COPENHAGEN).date(), slot.provider_id)
        kept = case_guarantee(case, guarantee_days).kept_by(booking.local_day)
        guarantee.mark_at_risk(db, case.id, not kept)
    return booking


def review_guarantee(db, case, providers, now: dt.datetime, guarantee_days: int) -> bool:
    """Recompute whether the case is at risk from its current offers; returns the flag."""
    risky = guarantee.at_risk(case_offers(db, case, providers, now, guarantee_days))
    guarantee.mark_at_risk(db, case.id, risky)
    return risky
