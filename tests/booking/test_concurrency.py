"""Many people at once: each thread has its own connection, released together by a barrier.

SQLite serialises the writers (`BEGIN IMMEDIATE`, a 10 s busy timeout), and the unique partial
indexes make sure exactly one of them gets a contested slot; everybody else gets a named error,
never "database is locked".
"""


import pytest

from booking.bookings import (
    CANCELLED,
    CONFIRMED,
    DECLINED,
    MOVED,
    PENDING,
    InvalidTransition,
    NoActiveBooking,
    SlotTaken,
    book,
    cancel,
    change_state,
    get_booking,
    move,
)
from booking.providers import IN_PERSON
from booking.slots import provider_slots
from store.connection import open_database

from builders import at_once, fresh_database
from builders_booking import HOLD_HOURS, NOW, local, make_case, make_provider, slot_at

PEOPLE = 50
ROUNDS = 20
#: 08:00-16:00 in 15-minute slots: 32 a day, enough for every person to hold their own.
PROVIDER = make_provider(opening_hours={"tue": ("08:00-16:00",), "wed": ("08:00-16:00",)}, slot_minutes=15)


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "indgang.db"
    fresh_database(path).close()
    return path


@pytest.fixture
def db(path):
    database = open_database(path)
    yield database
    database.close()


def winners_and_errors(outcomes):
    winners = [result for kind, result in outcomes if kind == "ok"]
    errors = [result for kind, result in outcomes if kind == "error"]
    return winners, errors


def active_at(db, slot) -> list[dict]:
    return list(
        db.query(
            "select * from bookings where provider_id = ? and starts_at = ? and state in (?, ?)",
            [slot.provider_id, slot.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"), PENDING, CONFIRMED],
        )
    )


def test_fifty_people_booking_one_slot_at_once_give_one_booking(path, db):
    slot = slot_at(PROVIDER, 2026, 3, 3, 10)
    cases = [make_case(db) for _ in range(PEOPLE)]

    outcomes = at_once(
        path,
        [lambda conn, case_id=case_id: book(conn, case_id, slot, IN_PERSON, NOW, HOLD_HOURS) for case_id in cases],
    )

    winners, errors = winners_and_errors(outcomes)
    assert len(winners) == 1
    assert all(isinstance(error, SlotTaken) for error in errors), {type(e).__name__: str(e) for e in errors}
    assert [row["id"] for row in active_at(db, slot)] == [winners[0].id]
    assert db.execute("select count(*) from bookings").fetchone()[0] == 1


def test_fifty_people_moving_into_one_slot_at_once_give_one_move(path, db):
    held = provider_slots(PROVIDER, local(2026, 3, 3), local(2026, 3, 5))[:PEOPLE]
    target = slot_at(PROVIDER, 2026, 3, 4, 15, 45)  # the last slot on Wednesday, still free
    assert target not in held
    before = []
    for index, slot in enumerate(held):
        booking = book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)
        if index % 2:
            booking = change_state(db, booking.id, CONFIRMED, NOW)
        before.append(booking)

    outcomes = at_once(
        path,
        [lambda conn, case_id=b.case_id: move(conn, case_id, target, IN_PERSON, NOW, HOLD_HOURS) for b in before],
    )

    winners, errors = winners_and_errors(outcomes)
    assert len(winners) == 1
    assert all(isinstance(error, SlotTaken) for error in errors), {type(e).__name__: str(e) for e in errors}
    [winner] = winners
    [original] = [b for b in before if b.case_id == winner.case_id]
    assert [row["id"] for row in active_at(db, target)] == [winner.id]
    if original.state == CONFIRMED:
        assert get_booking(db, original.id).state == MOVED
        assert winner.moved_from == original.id
    else:
        assert winner.id == original.id
    assert [get_booking(db, b.id) for b in before if b is not original] == [b for b in before if b is not original]


def pending_booking(db, slot):
    return book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)


def round_slots():
    return provider_slots(PROVIDER, local(2026, 3, 3), local(2026, 3, 4))[:ROUNDS]


def test_two_staff_confirming_at_once_give_one_confirmation(path, db):
    for slot in round_slots():
        booking = pending_booking(db, slot)

        outcomes = at_once(path, [lambda conn, booking=booking: change_state(conn, booking.id, CONFIRMED, NOW)] * 2)

        winners, errors = winners_and_errors(outcomes)
        assert [w.state for w in winners] == [CONFIRMED]
        assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
        assert (errors[0].current, errors[0].target) == (CONFIRMED, CONFIRMED)
        assert get_booking(db, booking.id).state == CONFIRMED


def test_staff_declining_while_the_citizen_cancels_give_one_outcome(path, db):
    for slot in round_slots():
        booking = pending_booking(db, slot)

        outcomes = at_once(
            path,
            [
                lambda conn, booking=booking: change_state(conn, booking.id, DECLINED, NOW),
                lambda conn, booking=booking: cancel(conn, booking.case_id, NOW),
            ],
        )

        winners, errors = winners_and_errors(outcomes)
        assert len(winners) == 1 and len(errors) == 1
        assert isinstance(errors[0], InvalidTransition | NoActiveBooking)
        assert get_booking(db, booking.id).state == winners[0].state


def test_staff_confirming_while_the_citizen_cancels_ends_cancelled_either_way(path, db):
    """Cancelling first makes the confirmation fail; confirming first still lets the citizen
    cancel (confirmed → cancelled is allowed). Either way the writes never interleave."""
    for slot in round_slots():
        booking = pending_booking(db, slot)

        outcomes = at_once(
            path,
            [
                lambda conn, booking=booking: change_state(conn, booking.id, CONFIRMED, NOW),
                lambda conn, booking=booking: cancel(conn, booking.case_id, NOW),
            ],
        )

        (confirm_kind, confirmed), (cancel_kind, cancelled) = outcomes
        assert cancel_kind == "ok" and cancelled.state == CANCELLED
        if confirm_kind == "error":
            assert isinstance(confirmed, InvalidTransition)
            assert (confirmed.current, confirmed.target) == (CANCELLED, CONFIRMED)
        else:
            # the returned booking is read after the commit, so the cancel may already show
            assert confirmed.state in (CONFIRMED, CANCELLED)
        assert get_booking(db, booking.id).state == CANCELLED
        assert active_at(db, slot) == []
