"""What the municipality's admin manages in the browser (issue 15): the contracted providers and
the municipality's own settings (contacts shown to citizens, booking notice and confirmation,
retention), seeded from the TOML file on first start. This module owns the `providers`,
`municipality_settings` and `settings_version` tables.

Every change raises the one version number in the same transaction, so each worker learns with
one tiny read per request that its cached copy is stale (`app.context.settings`): a change takes
effect at once, in every worker, without a restart. A provider is never deleted: a retired one
keeps its name and address for the bookings, decisions and courses that name it.

A change is refused, inside the transaction that would make it, when it would leave fewer than
two providers or none outside the served municipalities (§ 101a stk. 2), or when it would drop a
time somebody has booked: staff move or cancel those bookings first (`HoldsBookings`).
"""

import datetime as dt
import json
from dataclasses import dataclass

from booking.bookings import HeldBooking, held_bookings
from booking.providers import Provider, law_problem
from booking.slots import UnknownSlot, slot_of
from store.transaction import transaction


class ManagedError(ValueError):
    """A change of the managed settings that is not allowed."""


class ProviderExists(ManagedError):
    """A provider with that id exists already (perhaps retired)."""


class UnknownProvider(ManagedError):
    """No current provider has that id."""


class BreaksLaw(ManagedError):
    """§ 101a stk. 2 would no longer hold; `reason` is `booking.providers.TOO_FEW` or `NONE_OUTSIDE`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class HoldsBookings(ManagedError):
    """The change would drop times that active bookings hold; `bookings` lists them."""

    def __init__(self, bookings: list[HeldBooking]):
        super().__init__(", ".join(booking.referral_number for booking in bookings))
        self.bookings = bookings


@dataclass(frozen=True)
class Managed:
    version: int
    providers: tuple[Provider, ...]  # current, in the order they were added
    retired: tuple[Provider, ...]
    values: dict  # the municipality's settings by dotted key, e.g. "booking.confirmation"


def seed(db, providers, values: dict) -> bool:
    """Fill the tables from the configuration file, once: False when they were filled before.
    Several workers may start at once; the first one seeds."""
    with transaction(db):
        if db.execute("insert or ignore into settings_version (id, version) values (1, 1)").rowcount == 0:
            return False
        for position, provider in enumerate(providers):
            _insert_provider(db, provider, position)
        for key, value in values.items():
            db.execute("insert into municipality_settings (key, value) values (?, ?)", [key, json.dumps(value)])
    return True


#: The SELECT of the version, which a read of several things may take as one of its parts.
VERSION = "select version from settings_version where id = 1"


def version(db) -> int:
    """The number every change raises (0 before seeding): one indexed row, read per request."""
    row = db.execute(VERSION).fetchone()
    return version_of(row[0] if row else None)


def version_of(found: int | None) -> int:
    """The version, from what `VERSION` found."""
    return found or 0


def load(db) -> Managed:
    with transaction(db):  # one consistent read of the version and what it stands for
        current_version = version(db)
        rows = list(db.query("select * from providers order by position"))
        values = {row["key"]: json.loads(row["value"]) for row in db.query("select key, value from municipality_settings")}
    return Managed(
        version=current_version,
        providers=tuple(provider_from(row) for row in rows if row["retired_on"] is None),
        retired=tuple(provider_from(row) for row in rows if row["retired_on"] is not None),
        values=values,
    )


def add_provider(db, provider: Provider) -> None:
    """A new contracted provider; its id is for ever its own (`ProviderExists`)."""
    with transaction(db):
        if next(db.query("select 1 from providers where id = ?", [provider.id]), None):
            raise ProviderExists(provider.id)
        position = next(db.query("select coalesce(max(position), -1) + 1 as next from providers"))["next"]
        _insert_provider(db, provider, position)
        _bump(db)


def change_provider(db, provider: Provider, served_municipalities, now: dt.datetime) -> Provider:
    """Replace the current provider of the same id; returns it as it was. Refused when a booked
    time would no longer be one of its slots (hours closed, a day closed, another slot length),
    or when § 101a stk. 2 would no longer hold."""
    with transaction(db):
        old = _current(db, provider.id)
        dropped = [held for held in held_bookings(db, provider.id, now) if not _has_slot(provider, held.starts_at)]
        if dropped:
            raise HoldsBookings(dropped)
        _check_law(db, served_municipalities, replacing=provider)
        db["providers"].update(provider.id, provider_columns(provider))
        _bump(db)
    return old


def retire_provider(db, provider_id: str, served_municipalities, now: dt.datetime) -> Provider:
    """Offer no more times at the provider; refused while it holds bookings, or when § 101a
    stk. 2 would no longer hold. Returns the provider retired."""
    with transaction(db):
        provider = _current(db, provider_id)
        held = held_bookings(db, provider_id, now)
        if held:
            raise HoldsBookings(held)
        _check_law(db, served_municipalities, leaving_out=provider_id)
        db.execute("update providers set retired_on = ? where id = ?", [now.date().isoformat(), provider_id])
        _bump(db)
    return provider


def change_values(db, changes: dict) -> dict:
    """Set the municipality's settings named in `changes`; returns their values before, for
    those that changed (nothing is written when none did)."""
    with transaction(db):
        before = {row["key"]: json.loads(row["value"]) for row in db.query("select key, value from municipality_settings")}
        changed = {key: before.get(key) for key, value in changes.items() if before.get(key) != value}
        for key in changed:
            db.execute("insert or replace into municipality_settings (key, value) values (?, ?)",
                       [key, json.dumps(changes[key])])
        if changed:
            _bump(db)
    return changed


def check_still_offered(db, slot) -> None:
    """Inside a booking's transaction: the slot's provider is current and still has that slot.
    A worker's cached settings may be a moment old, this read is not, so no booking lands at a
    provider retired, or on a day closed, an instant before. Raises `UnknownSlot`; nothing to
    check before the tables are seeded."""
    if version(db) == 0:
        return
    try:
        provider = _current(db, slot.provider_id)
    except UnknownProvider:
        raise UnknownSlot(slot.id) from None
    if not _has_slot(provider, slot.starts_at):
        raise UnknownSlot(slot.id)


def provider_columns(provider: Provider) -> dict:
    """A provider as the columns of its row (lists and the weekly hours as JSON)."""
    return {
        "name": provider.name, "address": provider.address, "municipality": provider.municipality,
        "phone": provider.phone, "slot_minutes": provider.slot_minutes,
        "age_bands": json.dumps(provider.age_bands), "languages": json.dumps(provider.languages),
        "meeting_modes": json.dumps(provider.meeting_modes),
        "opening_hours": json.dumps(provider.opening_hours),
        "closed_dates": json.dumps([day.isoformat() for day in provider.closed_dates]),
        "closed_yearly": json.dumps(provider.closed_yearly),
    }


def provider_from(row: dict) -> Provider:
    return Provider(
        id=row["id"], name=row["name"], address=row["address"], municipality=row["municipality"],
        phone=row["phone"], slot_minutes=row["slot_minutes"], age_bands=tuple(json.loads(row["age_bands"])),
        languages=tuple(json.loads(row["languages"])), meeting_modes=tuple(json.loads(row["meeting_modes"])),
        opening_hours={day: tuple(spans) for day, spans in json.loads(row["opening_hours"]).items()},
        closed_dates=tuple(dt.date.fromisoformat(day) for day in json.loads(row["closed_dates"])),
        closed_yearly=tuple(json.loads(row["closed_yearly"])),
    )


def _insert_provider(db, provider: Provider, position: int) -> None:
    db["providers"].insert({"id": provider.id, "position": position, **provider_columns(provider)})


def _current(db, provider_id: str) -> Provider:
    row = next(db.query("select * from providers where id = ? and retired_on is null", [provider_id]), None)
    if row is None:
        raise UnknownProvider(provider_id)
    return provider_from(row)


def _check_law(db, served_municipalities, leaving_out: str | None = None, replacing: Provider | None = None) -> None:
    rows = db.query("select * from providers where retired_on is null order by position")
    current = [provider_from(row) for row in rows]
    after = [replacing if replacing and p.id == replacing.id else p for p in current if p.id != leaving_out]
    problem = law_problem(after, served_municipalities)
    if problem:
        raise BreaksLaw(problem)


def _has_slot(provider: Provider, starts_at: dt.datetime) -> bool:
    try:
        slot_of(provider, starts_at)
    except UnknownSlot:
        return False
    return True


def _bump(db) -> None:
    db.execute("update settings_version set version = version + 1 where id = 1")

