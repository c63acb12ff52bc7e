"""What a case is offered: free slots of the providers that fit, from the end of the minimum
notice (`booking.rules.earliest_start`) up to the guarantee deadline.

If no slot is free before the deadline, the offer says so honestly and offers the earliest slots
after it (`booking.guarantee` marks such a case "at risk" for the intake queue).
"""

import datetime as dt
from dataclasses import dataclass

from booking.bookings import taken_starts
from booking.providers import Provider
from booking.rules import earliest_start
from booking.slots import Slot, UnknownSlot, next_opening_hour, parse_slot_id, provider_slots, slot_of

#: How far past the deadline to look for the earliest slots when none is free before it.
LOOK_PAST_DEADLINE = dt.timedelta(days=28)
EARLIEST_AFTER_DEADLINE = 6


class SlotNotOffered(ValueError):
    """A slot the case may not book; `reason` says why (for the person's message): "unknown",
    "past", "too_soon", "age_band" or "mode" here, "after_deadline" in `booking.for_case`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Offer:
    provider: Provider
    slots: tuple[Slot, ...]
    deadline: dt.datetime
    within_guarantee: bool  # False: no free slot before the deadline; these are the earliest after
    elsewhere: bool = False  # True: none here in time, while another fitting provider has one (no slots)


def free_slots(db, provider: Provider, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[Slot]:
    taken = taken_starts(db, provider.id, start, end, now)
    return [slot for slot in provider_slots(provider, start, end) if slot.starts_at not in taken]


def offer(db, provider: Provider, deadline: dt.datetime, now: dt.datetime, notice_working_days: int) -> Offer:
    """The provider's free slots from the end of the notice to the deadline, or the earliest
    after it."""
    start = earliest_start(now, notice_working_days)
    slots = free_slots(db, provider, start, deadline, now)
    if slots:
        return Offer(provider, tuple(slots), deadline, True)
    later = free_slots(db, provider, max(start, deadline), deadline + LOOK_PAST_DEADLINE, now)
    return Offer(provider, tuple(later[:EARLIEST_AFTER_DEADLINE]), deadline, False)


def chosen_slot(
    providers, slot_id: str, age_band: str | None, now: dt.datetime, deadline: dt.datetime, notice_working_days: int
) -> Slot:
    """The slot a form named, checked: it exists, is not past, not within the minimum notice nor
    beyond what is offered, and its provider fits the person.

    Raises `SlotNotOffered` with reason "unknown", "past", "too_soon" or "age_band"; whether it
    is free, and whether a slot after the deadline may be booked, is settled by the booking
    itself, inside its transaction (`booking.for_case`).
    """
    try:
        provider_id, starts_at = parse_slot_id(slot_id)
        provider = next((p for p in providers if p.id == provider_id), None)
        if provider is None:
            raise UnknownSlot(slot_id)
        slot = slot_of(provider, starts_at)
    except UnknownSlot:
        raise SlotNotOffered("unknown") from None
    if slot.starts_at >= deadline + LOOK_PAST_DEADLINE:
        raise SlotNotOffered("unknown")
    if slot.starts_at < next_opening_hour(now):
        raise SlotNotOffered("past")
    if slot.starts_at < earliest_start(now, notice_working_days):
        raise SlotNotOffered("too_soon")
    if not provider.serves(age_band):
        raise SlotNotOffered("age_band")
    return slot


def check_mode(provider: Provider, mode: str) -> str:
    """The meeting mode, if the provider offers it; raises `SlotNotOffered("mode")`."""
    if mode not in provider.meeting_modes:
        raise SlotNotOffered("mode")
    return mode
