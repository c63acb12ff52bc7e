"""Bookings of the clarifying conversation, and the state machine they move through.

Two people can never hold the same slot: the database keeps one active booking per provider and
start time, and one per case (unique partial indexes), and every check-then-write runs inside
one `BEGIN IMMEDIATE` transaction. A pending booking holds its slot until staff act on it or it
expires (never past the start of the conversation's day). With automatic confirmation
(`booking.rules`) a booking is confirmed as it is made, and holds nothing.

Staff's decline note is sealed like the answers (`store.sealing`): it is free text about a
person, so a copy of the file alone must not show it. It is opened only where a vault is passed
(the staff case page); every other reader gets no note.
"""

import dataclasses
import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass
from functools import partial

from booking.slots import Slot
from common.clock import COPENHAGEN, day_start
from store.sealing import Vault, reseal_notes, seal_note
from store.times import parse_stamp, stamp
from store.transaction import Part, one_value, read_together, row_from, transaction

PENDING = "pending"
CONFIRMED = "confirmed"
DECLINED = "declined"
EXPIRED = "expired"
CANCELLED = "cancelled"
MOVED = "moved"
ATTENDED = "attended"
NO_SHOW = "no_show"
ACTIVE = (PENDING, CONFIRMED)

#: Every allowed transition; anything else raises `InvalidTransition`.
TRANSITIONS = {
    PENDING: frozenset({CONFIRMED, DECLINED, EXPIRED, CANCELLED}),
    CONFIRMED: frozenset({MOVED, CANCELLED, DECLINED, ATTENDED, NO_SHOW}),
}
#: Not a state: what a confirmed booking is to staff once its conversation has begun. It can no
#: longer be declined; the decision records whether the person came.
BEGUN = "begun"


class BookingError(Exception):
    """Base of the named outcomes a booking action can have besides success."""


class SlotTaken(BookingError):
    """Somebody else holds this slot (it was just taken)."""


class AlreadyBooked(BookingError):
    """The case already has an active booking: move or cancel it instead."""


class NoActiveBooking(BookingError):
    """The case has no pending or confirmed booking to act on."""


class UnknownBooking(BookingError):
    """No booking has this id."""


class UnknownCase(BookingError):
    """The case is gone (deleted a moment ago), so nothing can be booked for it."""


class InvalidTransition(BookingError):
    def __init__(self, current: str, target: str):
        super().__init__(f"a {current} booking cannot become {target}")
        self.current = current
        self.target = target


@dataclass(frozen=True)
class Booking:
    id: str
    case_id: str
    provider_id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str
    state: str
    hold_until: dt.datetime | None
    moved_from: str | None
    decline_reason: str | None
    decline_note: str | None = None

    @property
    def local_day(self) -> dt.date:
        """The day of the conversation in Copenhagen."""
        return self.starts_at.astimezone(COPENHAGEN).date()

    def state_at(self, now: dt.datetime) -> str:
        """The state as of `now`: a pending hold that has run out counts as expired."""
        if self.state == PENDING and self.hold_until and self.hold_until <= now:
            return EXPIRED
        return self.state


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, ()):
        raise InvalidTransition(current, target)


def expire_pending(db, now: dt.datetime) -> int:
    """Release the slots of pending bookings whose hold has run out."""
    return db.execute(
        "update bookings set state = ? where state = ? and hold_until <= ?",
        [EXPIRED, PENDING, stamp(now)],
    ).rowcount


def hold_until(slot: Slot, now: dt.datetime, hold_hours: int) -> dt.datetime:
    """When a pending booking made at `now` lets go of `slot`: after `hold_hours`, and at the
    latest at midnight before the conversation's day, so that a booking staff have not
    confirmed is released while the person can still see it on their status page before
    setting out (`booking.rules`). Rounded down to the whole hour, so the stored hold does not
    tell the minute the person booked (DESIGN.md: a citizen's times are coarse)."""
    held = (now + dt.timedelta(hours=hold_hours)).replace(minute=0, second=0, microsecond=0)
    return min(held, day_start(slot.local_start.date()))


def book(db, case_id: str, slot: Slot, mode: str, now: dt.datetime, hold_hours: int, *,
         confirmed: bool = False) -> Booking:
    """Create a pending booking for `slot`, or a confirmed one when `confirmed` (automatic
    confirmation); raises `SlotTaken` or `AlreadyBooked`."""
    with transaction(db):
        expire_pending(db, now)
        if _active_row(db, case_id) is not None:
            raise AlreadyBooked(case_id)
        booking_id = _insert(db, case_id, slot, mode, now, hold_hours, confirmed)
        return get_booking(db, booking_id)


def move(db, case_id: str, slot: Slot, mode: str, now: dt.datetime, hold_hours: int, *,
         confirmed: bool = False) -> Booking:
    """Move the case's booking to `slot` in one swap: the old slot is released only if the new
    one is taken. A pending booking keeps its row; a confirmed one becomes *moved* and a new
    booking takes the new time. The new time is pending for staff to confirm, or confirmed at
    once when `confirmed` (automatic confirmation)."""
    with transaction(db):
        expire_pending(db, now)
        current = _active_row(db, case_id)
        if current is None:
            raise NoActiveBooking(case_id)
        if current["state"] == PENDING:
            _update_slot(db, current["id"], slot, mode, now, hold_hours, confirmed)
            booking_id = current["id"]
        else:
            check_transition(current["state"], MOVED)
            _set_state(db, current["id"], MOVED)
            booking_id = _insert(db, case_id, slot, mode, now, hold_hours, confirmed, moved_from=current["id"])
        return get_booking(db, booking_id)


def cancel(db, case_id: str, now: dt.datetime) -> Booking:
    """The citizen cancels their active booking; the slot is free at once."""
    with transaction(db):
        expire_pending(db, now)
        current = _active_row(db, case_id)
        if current is None:
            raise NoActiveBooking(case_id)
        check_transition(current["state"], CANCELLED)
        _set_state(db, current["id"], CANCELLED)
        return get_booking(db, current["id"])


def change_state(
    db, booking_id: str, target: str, now: dt.datetime, reason: str | None = None, note: str | None = None,
    vault: Vault | None = None,
) -> Booking:
    """Staff's actions (confirm, decline, attended, no-show): allowed only from the right state.
    A confirmed booking may be declined until its conversation begins (automatic confirmation
    confirms every booking, and a place can fall ill). A decline `note` is stored sealed with
    `vault`.

    Two staff confirming at once: one wins, the other gets `InvalidTransition` naming the state
    it found. A citizen's cancel that commits first makes a confirmation fail the same way; a
    confirmation that commits first leaves a confirmed booking, which the citizen may still
    cancel.
    """
    with transaction(db):
        expire_pending(db, now)
        row = next(db.query("select state, starts_at from bookings where id = ?", [booking_id]), None)
        if row is None:
            raise UnknownBooking(booking_id)
        check_transition(row["state"], target)
        if target == DECLINED and row["starts_at"] <= stamp(now):
            raise InvalidTransition(BEGUN, target)
        _set_state(db, booking_id, target, reason, seal_note(note, vault))
        return get_booking(db, booking_id)


def close_conversation(db, case_id: str, attended: bool) -> Booking | None:
    """The decision on a confirmed conversation closes it: attended, or no-show. Returns the
    booking as it was when confirmed, or None when the case had no confirmed booking (so a
    second decision on the same conversation closes, and counts, nothing)."""
    with transaction(db):
        row = next(db.query("select * from bookings where case_id = ? and state = ?", [case_id, CONFIRMED]), None)
        if row is None:
            return None
        target = ATTENDED if attended else NO_SHOW
        check_transition(CONFIRMED, target)
        _set_state(db, row["id"], target)
        return _booking(row)


def correct_attendance(db, case_id: str, attended: bool) -> Booking | None:
    """A changed decision corrects whether the person came to the conversation a decision
    closed: attended ↔ no-show, the one change of a closed booking there is (not a transition:
    `change_state` never makes it). Returns the booking as it was, or None when it already says
    so or no decision closed a conversation for the case."""
    target = ATTENDED if attended else NO_SHOW
    with transaction(db):
        row = next(db.query("select * from bookings where case_id = ? and state in (?, ?) order by rowid desc limit 1",
                            [case_id, ATTENDED, NO_SHOW]), None)
        if row is None or row["state"] == target:
            return None
        _set_state(db, row["id"], target)
        return _booking(row)


def active_booking(db, case_id: str, now: dt.datetime) -> Booking | None:
    """The case's pending or confirmed booking, counting an expired hold as gone."""
    row = _active_row(db, case_id)
    if row is None or (row["state"] == PENDING and row["hold_until"] <= stamp(now)):
        return None
    return _booking(row)


def latest_booking(db, case_id: str, vault: Vault | None = None) -> Booking | None:
    """The case's most recent booking in any state (what the status page reports); with
    `vault`, its decline note opened (for staff)."""
    return read_together(db, latest_booking_part(case_id, vault))[0]


def latest_booking_part(case_id: str, vault: Vault | None = None) -> Part:
    """`latest_booking` as a part of `store.transaction.read_together`."""
    return Part(_LATEST, (case_id,), _booking_of if vault is None else partial(_booking_of, vault=vault))


def reseal_decline_notes(db, old: Vault, new: Vault) -> int:
    """Re-seal decline notes under `new` (`store.sealing.reseal_notes`)."""
    return reseal_notes(db, "bookings", "id", "decline_note", old, new)


def taken_starts(db, provider_id: str, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> set:
    """Start times of the provider's slots held by an active booking in [start, end)."""
    rows = db.query(
        "select starts_at from bookings where provider_id = ? and starts_at >= ? and starts_at < ?"
        " and (state = ? or (state = ? and hold_until > ?))",
        [provider_id, stamp(start), stamp(end), CONFIRMED, PENDING, stamp(now)],
    )
    return {parse_stamp(row["starts_at"]) for row in rows}


def get_booking(db, booking_id: str) -> Booking:
    row = next(db.query("select * from bookings where id = ?", [booking_id]), None)
    if row is None:
        raise UnknownBooking(booking_id)
    return _booking(row)


def _insert(db, case_id, slot: Slot, mode, now, hold_hours, confirmed, moved_from=None) -> str:
    booking_id = secrets.token_hex(12)
    state, held_until = _new_state(slot, now, hold_hours, confirmed)
    try:
        db["bookings"].insert(
            {
                "id": booking_id,
                "case_id": case_id,
                "provider_id": slot.provider_id,
                "starts_at": stamp(slot.starts_at),
                "ends_at": stamp(slot.ends_at),
                "mode": mode,
                "state": state,
                "hold_until": held_until,
                "moved_from": moved_from,
            }
        )
    except sqlite3.IntegrityError as error:
        raise _taken_or_booked(error, case_id) from None
    return booking_id


def _update_slot(db, booking_id, slot: Slot, mode, now, hold_hours, confirmed) -> None:
    state, held_until = _new_state(slot, now, hold_hours, confirmed)
    try:
        db.execute(
            "update bookings set provider_id = ?, starts_at = ?, ends_at = ?, mode = ?, state = ?,"
            " hold_until = ? where id = ?",
            [slot.provider_id, stamp(slot.starts_at), stamp(slot.ends_at), mode, state, held_until, booking_id],
        )
    except sqlite3.IntegrityError as error:
        raise _taken_or_booked(error, booking_id) from None


def _new_state(slot: Slot, now, hold_hours, confirmed) -> tuple[str, str | None]:
    """(state, hold_until stamp) of a booking for `slot` made at `now`: confirmed holds nothing."""
    if confirmed:
        return CONFIRMED, None
    return PENDING, stamp(hold_until(slot, now, hold_hours))


def _taken_or_booked(error: sqlite3.IntegrityError, key: str) -> BookingError:
    if "FOREIGN KEY" in str(error):
        return UnknownCase(key)
    if "case_id" in str(error):
        return AlreadyBooked(key)
    return SlotTaken(key)


def _set_state(db, booking_id: str, state: str, reason: str | None = None, note: str | None = None) -> None:
    db.execute(
        "update bookings set state = ?, decline_reason = coalesce(?, decline_reason),"
        " decline_note = coalesce(?, decline_note) where id = ?",
        [state, reason, note, booking_id],
    )


def _active_row(db, case_id: str):
    return next(
        db.query(
            "select * from bookings where case_id = ? and state in (?, ?)", [case_id, *ACTIVE]
        ),
        None,
    )


#: A booking's columns (named as its fields), and the SELECT of a case's latest as one value.
_COLUMNS = tuple(field.name for field in dataclasses.fields(Booking))
_LATEST = f"select {one_value(_COLUMNS)} from bookings where case_id = ? order by rowid desc limit 1"


def _booking_of(written: str | None, vault: Vault | None = None) -> Booking | None:
    row = row_from(_COLUMNS, written)
    return _booking(row, vault) if row else None


def _booking(row: dict, vault: Vault | None = None) -> Booking:
    return Booking(
        id=row["id"],
        case_id=row["case_id"],
        provider_id=row["provider_id"],
        starts_at=parse_stamp(row["starts_at"]),
        ends_at=parse_stamp(row["ends_at"]),
        mode=row["mode"],
        state=row["state"],
        hold_until=parse_stamp(row["hold_until"]),
        moved_from=row["moved_from"],
        decline_reason=row["decline_reason"],
        decline_note=vault.open(row["decline_note"]) if vault and row["decline_note"] else None,
    )


@dataclass(frozen=True)
class HeldBooking:
    """An active booking of a provider, by the case's referral number (what staff look up)."""

    referral_number: str
    starts_at: dt.datetime


def held_bookings(db, provider_id: str, now: dt.datetime) -> list[HeldBooking]:
    """The provider's bookings that still hold a slot from `now` on, in time order: what must be
    moved or cancelled before the provider is retired or those hours are closed."""
    rows = db.query(
        "select cases.referral_number, bookings.starts_at from bookings join cases on cases.id = bookings.case_id"
        " where bookings.provider_id = ? and bookings.starts_at >= ?"
        " and (bookings.state = ? or (bookings.state = ? and bookings.hold_until > ?)) order by bookings.starts_at",
        [provider_id, stamp(now), CONFIRMED, PENDING, stamp(now)],
    )
    return [HeldBooking(row["referral_number"], parse_stamp(row["starts_at"])) for row in rows]
