"""Plain builders for the booking tests: providers, cases, slots and a migrated database."""

import datetime as dt

from booking.providers import IN_PERSON, PHONE_IN, Provider
from booking.slots import slot_of
from common.clock import COPENHAGEN, UTC

import builders

WEEKDAYS_9_TO_12 = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), ("09:00-12:00",))
EVERY_DAY_9_TO_12 = {**WEEKDAYS_9_TO_12, "sat": ("09:00-12:00",), "sun": ("09:00-12:00",)}

#: Monday 2 March 2026, 09:15 in Copenhagen (winter time, UTC+1).
NOW = dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
HOLD_HOURS = 48


def make_provider(**overrides) -> Provider:
    fields = {
        "id": "p1",
        "name": "Rådgivningen Vest",
        "address": "Vestergade 1, 2600 Glostrup",
        "municipality": "Glostrup",
        "phone": "12345678",
        "age_bands": ("25_plus",),
        "languages": ("da",),
        "meeting_modes": (IN_PERSON, PHONE_IN),
        "slot_minutes": 60,
        "closed_dates": (),
        "opening_hours": WEEKDAYS_9_TO_12,
    }
    return Provider(**{**fields, **overrides})






def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """A wall-clock time in Copenhagen, as an aware datetime in UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)


def slot_at(provider, year, month, day, hour, minute=0):
    """The provider's slot starting at this Copenhagen wall-clock time."""
    return slot_of(provider, local(year, month, day, hour, minute))


def make_case(db, first_contact_day=NOW.date(), **overrides) -> str:
    """A case row, first contacted on NOW.date() unless told otherwise."""
    return builders.make_case(db, first_contact_day, **overrides)
