"""Plain builders for the booking tests: providers, cases, slots and a migrated database."""

import datetime as dt
import secrets

from app.db import open_database
from app.schema import migrations
from booking.providers import IN_PERSON, PHONE_IN, Provider
from booking.slots import COPENHAGEN, UTC, slot_of

WEEKDAYS_9_TO_12 = {day: ("09:00-12:00",) for day in ("mon", "tue", "wed", "thu", "fri")}
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


def make_case(db, **overrides) -> str:
    """Insert a case row with only the columns the schema requires; return its id."""
    token = secrets.token_hex(8)
    row = {
        "id": token,
        "code_digest": f"digest-{token}",
        "referral_number": f"R-{token}",
        "first_contact_day": NOW.date().isoformat(),
        "created_via": "web",
        "outcome": "fits",
        "screening": "sealed",
        **overrides,
    }
    db["cases"].insert(row)
    return row["id"]


def fresh_database(path):
    """A migrated file database in WAL mode, opened the way the app opens it."""
    db = open_database(path)
    db.enable_wal()
    migrations.apply(db)
    return db


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """A wall-clock time in Copenhagen, as an aware datetime in UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)


def slot_at(provider, year, month, day, hour, minute=0):
    """The provider's slot starting at this Copenhagen wall-clock time."""
    return slot_of(provider, local(year, month, day, hour, minute))
