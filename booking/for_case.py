"""Booking for one case: what the citizen's and the staff's booking pages share.

A case is anything with `id`, `first_contact_day` and `age_band` (an `intake.cases.Case`).
"""

import dataclasses
import datetime as dt

from booking import bookings, guarantee, managed, offers
from booking.providers import providers_for
from booking.rules import BookingRules
from booking.slots import UnknownSlot
from common.clock import COPENHAGEN
from stats import monthly
from store.transaction import transaction


def case_guarantee(case, guarantee_days: int) -> guarantee.Guarantee:
    return guarantee.Guarantee(case.first_contact_day, guarantee_days)


def fitting_providers(providers, case) -> list:
    """The providers whose age band fits the person (seed 000: under 25 / 25 and over)."""
    return providers_for(providers, case.age_band)


def case_offers(db, case, providers, now: dt.datetime, guarantee_days: int, rules: BookingRules) -> list[offers.Offer]:
    """Each fitting provider's free slots up to the case's deadline. The earliest slots after it
    are offered only when no fitting provider has one in time: while one has, a provider with
    none in time offers nothing (`elsewhere`), since such a slot would be refused
    (`check_guarantee`)."""
    deadline = case_guarantee(case, guarantee_days).deadline
    found = [
        offers.offer(db, provider, deadline, now, rules.minimum_notice_working_days)
        for provider in fitting_providers(providers, case)
    ]
    if guarantee.at_risk(found):
        return found
    return [offer if offer.within_guarantee else dataclasses.replace(offer, slots=(), elsewhere=True) for offer in found]


def case_offer(db, case, provider_id: str, providers, now: dt.datetime, guarantee_days: int, rules: BookingRules):
    """The case's offer at one fitting provider, or None when that provider does not fit."""
    return next((o for o in case_offers(db, case, providers, now, guarantee_days, rules) if o.provider.id == provider_id), None)


def chosen_slot(providers, case, slot_id: str, mode: str, now: dt.datetime, guarantee_days: int, rules: BookingRules):
    """(slot, mode) a form chose, checked against the case; raises `offers.SlotNotOffered`."""
    deadline = case_guarantee(case, guarantee_days).deadline
    slot = offers.chosen_slot(providers, slot_id, case.age_band, now, deadline, rules.minimum_notice_working_days)
    provider = next(p for p in providers if p.id == slot.provider_id)
    return slot, offers.check_mode(provider, mode)


def book_for_case(
    db, case, slot, mode, *, now: dt.datetime, providers, rules: BookingRules, guarantee_days: int
) -> bookings.Booking:
    """A new booking (raises as `bookings.book` does, and as `check_guarantee`), counted for
    the statistics; pending for staff, or confirmed at once under automatic confirmation. One
    transaction."""
    with transaction(db):
        _check_still_offered(db, slot)
        kept = check_guarantee(db, case, slot, now=now, providers=providers, rules=rules, guarantee_days=guarantee_days)
        booking = bookings.book(db, case.id, slot, mode, now, rules.hold_hours, confirmed=rules.confirmed_at_once)
        monthly.count_event(db, monthly.BOOKING_MADE, now.astimezone(COPENHAGEN).date(), slot.provider_id)
        guarantee.mark_at_risk(db, case.id, not kept)
    return booking


def move_for_case(
    db, case, slot, mode, *, now: dt.datetime, providers, rules: BookingRules, guarantee_days: int
) -> bookings.Booking:
    """Move the case's booking to `slot` (raises as `bookings.move` does, and as
    `check_guarantee`); the case is at risk exactly when the new slot is after its deadline.
    One transaction."""
    with transaction(db):
        _check_still_offered(db, slot)
        kept = check_guarantee(db, case, slot, now=now, providers=providers, rules=rules, guarantee_days=guarantee_days)
        booking = bookings.move(db, case.id, slot, mode, now, rules.hold_hours, confirmed=rules.confirmed_at_once)
        guarantee.mark_at_risk(db, case.id, not kept)
    return booking


def _check_still_offered(db, slot) -> None:
    """`managed.check_still_offered`, refusing as a form's unknown slot is refused."""
    try:
        managed.check_still_offered(db, slot)
    except UnknownSlot:
        raise offers.SlotNotOffered("unknown") from None


def check_guarantee(db, case, slot, *, now: dt.datetime, providers, rules: BookingRules, guarantee_days: int) -> bool:
    """Whether `slot` keeps the case's guarantee (§ 101 stk. 2). A slot after the deadline is
    allowed only while no fitting provider has a free slot within it; otherwise raises
    `offers.SlotNotOffered("after_deadline")`. Read in the caller's transaction, so no slot
    within can be freed between the check and the booking."""
    if case_guarantee(case, guarantee_days).kept_by(slot.local_start.date()):
        return True
    if not guarantee.at_risk(case_offers(db, case, providers, now, guarantee_days, rules)):
        raise offers.SlotNotOffered("after_deadline")
    return False


def review_guarantee(db, case, providers, now: dt.datetime, guarantee_days: int, rules: BookingRules) -> bool:
    """Recompute whether the case is at risk from its current offers; returns the flag."""
    risky = guarantee.at_risk(case_offers(db, case, providers, now, guarantee_days, rules))
    guarantee.mark_at_risk(db, case.id, risky)
    return risky
