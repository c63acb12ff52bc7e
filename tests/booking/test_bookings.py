"""Bookings on a real (temporary file) database: holds, the state machine, moves and offers."""

import datetime as dt
import itertools

import pytest

from booking import bookings
from booking.bookings import (
    ATTENDED,
    BEGUN,
    CANCELLED,
    CONFIRMED,
    DECLINED,
    EXPIRED,
    MOVED,
    NO_SHOW,
    PENDING,
    AlreadyBooked,
    InvalidTransition,
    NoActiveBooking,
    SlotTaken,
    UnknownBooking,
    active_booking,
    book,
    cancel,
    change_state,
    expire_pending,
    get_booking,
    latest_booking,
    move,
    taken_starts,
)
from booking.guarantee import Guarantee, at_risk, is_at_risk, mark_at_risk
from booking.offers import SlotNotOffered, check_mode, chosen_slot, offer
from booking.providers import IN_PERSON, PHONE_IN
from booking.slots import next_opening_hour, provider_slots

from builders_booking import HOLD_HOURS, NOW, local, make_case, make_provider, slot_at

STATES = (PENDING, CONFIRMED, DECLINED, EXPIRED, CANCELLED, MOVED, ATTENDED, NO_SHOW)

#: The state machine of the issue, written out rather than read from the code under test.
ALLOWED = {
    (PENDING, CONFIRMED),
    (PENDING, DECLINED),
    (PENDING, EXPIRED),
    (PENDING, CANCELLED),
    (CONFIRMED, MOVED),
    (CONFIRMED, CANCELLED),
    (CONFIRMED, DECLINED),
    (CONFIRMED, ATTENDED),
    (CONFIRMED, NO_SHOW),
}

#: How staff bring a fresh pending booking into each state.
PATH_TO = {
    PENDING: [],
    CONFIRMED: [CONFIRMED],
    DECLINED: [DECLINED],
    EXPIRED: [EXPIRED],
    CANCELLED: [CANCELLED],
    MOVED: [CONFIRMED, MOVED],
    ATTENDED: [CONFIRMED, ATTENDED],
    NO_SHOW: [CONFIRMED, NO_SHOW],
}

PROVIDER = make_provider()
DEADLINE = Guarantee(NOW.date(), 14).deadline  # end of Monday 16 March 2026
LATER = NOW + dt.timedelta(hours=1)
NOTICE = 1  # working days: the default minimum notice (tests/booking/test_notice.py)



def thursday_at_nine():
    return slot_at(PROVIDER, 2026, 3, 5, 9)


def active_rows_for(db, slot) -> list[dict]:
    return list(
        db.query(
            "select * from bookings where provider_id = ? and starts_at = ? and state in ('pending', 'confirmed')",
            [slot.provider_id, bookings.stamp(slot.starts_at)],
        )
    )


def in_state(db, state, slot=None):
    """A booking of a fresh case, brought by staff into `state`."""
    booking = book(db, make_case(db), slot or thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)
    for step in PATH_TO[state]:
        booking = change_state(db, booking.id, step, NOW)
    assert booking.state == state
    return booking


# Booking and holding a slot


def test_booking_creates_a_pending_booking_that_holds_the_slot_for_48_hours(db):
    case_id = make_case(db)
    slot = thursday_at_nine()

    booking = book(db, case_id, slot, PHONE_IN, NOW, HOLD_HOURS)

    assert booking.state == PENDING
    assert (booking.case_id, booking.provider_id, booking.mode) == (case_id, "p1", PHONE_IN)
    assert (booking.starts_at, booking.ends_at) == (slot.starts_at, slot.ends_at)
    assert booking.hold_until == (NOW + dt.timedelta(hours=48)).replace(minute=0)  # to the whole hour
    assert booking.moved_from is None
    assert active_booking(db, case_id, NOW) == booking


def test_a_hold_never_outlasts_the_night_before_the_slot(db):
    slot = slot_at(PROVIDER, 2026, 3, 3, 9)  # tomorrow morning, sooner than 48 hours

    booking = book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)

    assert booking.hold_until == local(2026, 3, 3)  # midnight as the slot's day begins
    assert booking.hold_until < NOW + dt.timedelta(hours=HOLD_HOURS)


def test_a_case_has_at_most_one_active_booking(db):
    case_id = make_case(db)
    book(db, case_id, thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)

    with pytest.raises(AlreadyBooked):
        book(db, case_id, slot_at(PROVIDER, 2026, 3, 5, 10), IN_PERSON, NOW, HOLD_HOURS)

    assert db.execute("select count(*) from bookings where case_id = ?", [case_id]).fetchone()[0] == 1


def test_a_held_slot_cannot_be_booked_by_another_case(db):
    slot = thursday_at_nine()
    first = book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)

    with pytest.raises(SlotTaken):
        book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)

    assert [row["id"] for row in active_rows_for(db, slot)] == [first.id]


def test_a_confirmed_slot_cannot_be_booked_by_another_case(db):
    slot = thursday_at_nine()
    in_state(db, CONFIRMED, slot)

    with pytest.raises(SlotTaken):
        book(db, make_case(db), slot, IN_PERSON, NOW + dt.timedelta(hours=HOLD_HOURS + 1), HOLD_HOURS)


def test_the_database_refuses_two_active_bookings_for_one_slot(db):
    slot = thursday_at_nine()
    booking = book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)
    row = get_booking(db, booking.id)
    duplicate = {
        "id": "duplicate",
        "case_id": make_case(db),
        "provider_id": row.provider_id,
        "starts_at": bookings.stamp(row.starts_at),
        "ends_at": bookings.stamp(row.ends_at),
        "mode": IN_PERSON,
        "state": CONFIRMED,
    }

    with pytest.raises(Exception, match="UNIQUE constraint failed"):
        db["bookings"].insert(duplicate)


# Expiry


def test_while_the_hold_lasts_the_slot_stays_taken(db):
    slot = thursday_at_nine()
    booking = book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)
    just_before = booking.hold_until - dt.timedelta(seconds=1)

    with pytest.raises(SlotTaken):
        book(db, make_case(db), slot, IN_PERSON, just_before, HOLD_HOURS)

    assert active_booking(db, booking.case_id, just_before) == booking


def test_after_the_hold_the_slot_is_free_for_another_case(db):
    slot = thursday_at_nine()
    first = book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)

    second = book(db, make_case(db), slot, IN_PERSON, first.hold_until, HOLD_HOURS)

    assert second.state == PENDING
    assert get_booking(db, first.id).state == EXPIRED
    assert [row["id"] for row in active_rows_for(db, slot)] == [second.id]


def test_expire_pending_marks_run_out_holds_expired(db):
    booking = book(db, make_case(db), thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)
    confirmed = in_state(db, CONFIRMED, slot_at(PROVIDER, 2026, 3, 5, 10))

    assert expire_pending(db, booking.hold_until - dt.timedelta(seconds=1)) == 0
    assert expire_pending(db, booking.hold_until) == 1

    assert get_booking(db, booking.id).state == EXPIRED
    assert get_booking(db, confirmed.id).state == CONFIRMED
    assert active_booking(db, booking.case_id, booking.hold_until) is None


def test_an_expired_hold_counts_as_gone_before_anything_marks_it(db):
    booking = book(db, make_case(db), thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)
    after = booking.hold_until + dt.timedelta(minutes=1)

    assert active_booking(db, booking.case_id, after) is None
    assert booking.state_at(after) == EXPIRED
    assert taken_starts(db, "p1", NOW, DEADLINE, after) == set()


def test_the_case_can_book_again_after_its_hold_ran_out(db):
    case_id = make_case(db)
    first = book(db, case_id, thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)

    second = book(db, case_id, slot_at(PROVIDER, 2026, 3, 6, 9), IN_PERSON, first.hold_until, HOLD_HOURS)

    assert get_booking(db, first.id).state == EXPIRED
    assert active_booking(db, case_id, first.hold_until) == second


# The state machine


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_every_allowed_transition(db, current, target):
    booking = in_state(db, current)

    changed = change_state(db, booking.id, target, NOW)

    assert changed.state == target
    assert get_booking(db, booking.id) == changed


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in itertools.product(STATES, STATES) if pair not in ALLOWED],
)
def test_every_other_transition_is_refused(db, current, target):
    booking = in_state(db, current)

    with pytest.raises(InvalidTransition) as refused:
        change_state(db, booking.id, target, NOW)

    assert (refused.value.current, refused.value.target) == (current, target)
    assert get_booking(db, booking.id) == booking


def test_a_confirmed_booking_is_not_declined_once_its_conversation_has_begun(db):
    booking = in_state(db, CONFIRMED)

    with pytest.raises(InvalidTransition) as refused:
        change_state(db, booking.id, DECLINED, booking.starts_at)

    assert refused.value.current == BEGUN
    assert get_booking(db, booking.id) == booking


def test_a_decline_keeps_its_reason(db):
    booking = in_state(db, PENDING)

    declined = change_state(db, booking.id, DECLINED, NOW, reason="no_capacity")

    assert (declined.state, declined.decline_reason) == (DECLINED, "no_capacity")


def test_a_hold_that_ran_out_can_no_longer_be_confirmed(db):
    booking = in_state(db, PENDING)

    with pytest.raises(InvalidTransition) as refused:
        change_state(db, booking.id, CONFIRMED, booking.hold_until)

    assert (refused.value.current, refused.value.target) == (EXPIRED, CONFIRMED)
    assert active_booking(db, booking.case_id, booking.hold_until) is None


def test_changing_an_unknown_booking_is_refused(db):
    with pytest.raises(UnknownBooking):
        change_state(db, "no-such-booking", CONFIRMED, NOW)


def test_a_staff_action_frees_the_slot_when_it_ends_the_booking(db):
    slot = thursday_at_nine()
    booking = in_state(db, PENDING, slot)

    change_state(db, booking.id, DECLINED, NOW)

    assert book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS).state == PENDING


# Cancel


@pytest.mark.parametrize("state", [PENDING, CONFIRMED])
def test_cancel_frees_the_slot(db, state):
    slot = thursday_at_nine()
    booking = in_state(db, state, slot)

    cancelled = cancel(db, booking.case_id, LATER)

    assert (cancelled.id, cancelled.state) == (booking.id, CANCELLED)
    assert active_booking(db, booking.case_id, LATER) is None
    assert taken_starts(db, "p1", NOW, DEADLINE, LATER) == set()
    assert book(db, make_case(db), slot, IN_PERSON, LATER, HOLD_HOURS).state == PENDING


def test_cancel_without_an_active_booking_is_refused(db):
    with pytest.raises(NoActiveBooking):
        cancel(db, make_case(db), NOW)


def test_cancel_after_the_hold_ran_out_is_refused(db):
    booking = in_state(db, PENDING)

    with pytest.raises(NoActiveBooking):
        cancel(db, booking.case_id, booking.hold_until)

    assert get_booking(db, booking.id).state_at(booking.hold_until) == EXPIRED


# Move


def test_moving_a_pending_booking_keeps_its_id_and_frees_the_old_slot(db):
    old_slot, new_slot = thursday_at_nine(), slot_at(PROVIDER, 2026, 3, 6, 10)
    booking = book(db, make_case(db), old_slot, IN_PERSON, NOW, HOLD_HOURS)

    moved = move(db, booking.case_id, new_slot, PHONE_IN, LATER, HOLD_HOURS)

    assert (moved.id, moved.state, moved.moved_from) == (booking.id, PENDING, None)
    assert (moved.starts_at, moved.ends_at, moved.mode) == (new_slot.starts_at, new_slot.ends_at, PHONE_IN)
    assert moved.hold_until == (LATER + dt.timedelta(hours=HOLD_HOURS)).replace(minute=0)
    assert taken_starts(db, "p1", NOW, DEADLINE, LATER) == {new_slot.starts_at}
    assert book(db, make_case(db), old_slot, IN_PERSON, LATER, HOLD_HOURS).state == PENDING


def test_moving_a_confirmed_booking_marks_it_moved_and_asks_again(db):
    old_slot, new_slot = thursday_at_nine(), slot_at(PROVIDER, 2026, 3, 6, 10)
    booking = in_state(db, CONFIRMED, old_slot)

    moved = move(db, booking.case_id, new_slot, IN_PERSON, LATER, HOLD_HOURS)

    old = get_booking(db, booking.id)
    assert (old.state, old.starts_at) == (MOVED, old_slot.starts_at)
    assert moved.id != booking.id
    assert (moved.state, moved.moved_from, moved.starts_at) == (PENDING, booking.id, new_slot.starts_at)
    assert active_booking(db, booking.case_id, LATER) == moved
    assert book(db, make_case(db), old_slot, IN_PERSON, LATER, HOLD_HOURS).state == PENDING


@pytest.mark.parametrize("state", [PENDING, CONFIRMED])
@pytest.mark.parametrize("holder_state", [PENDING, CONFIRMED])
def test_a_move_into_a_taken_slot_leaves_the_booking_exactly_as_it_was(db, state, holder_state):
    booking = in_state(db, state, thursday_at_nine())
    taken = slot_at(PROVIDER, 2026, 3, 6, 10)
    holder = in_state(db, holder_state, taken)
    rows_before = list(db.query("select * from bookings order by id"))

    with pytest.raises(SlotTaken):
        move(db, booking.case_id, taken, PHONE_IN, LATER, HOLD_HOURS)

    assert get_booking(db, booking.id) == booking
    assert get_booking(db, holder.id) == holder
    assert active_booking(db, booking.case_id, LATER) == booking
    assert list(db.query("select * from bookings order by id")) == rows_before


def test_move_without_an_active_booking_is_refused(db):
    with pytest.raises(NoActiveBooking):
        move(db, make_case(db), thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)


@pytest.mark.parametrize("state", [DECLINED, CANCELLED, MOVED, ATTENDED, NO_SHOW])
def test_move_of_an_ended_booking_is_refused(db, state):
    booking = in_state(db, state)

    with pytest.raises(NoActiveBooking):
        move(db, booking.case_id, slot_at(PROVIDER, 2026, 3, 6, 10), IN_PERSON, LATER, HOLD_HOURS)

    assert get_booking(db, booking.id) == booking


def test_the_latest_booking_follows_moves_and_cancellations(db):
    booking = in_state(db, CONFIRMED)
    assert latest_booking(db, booking.case_id) == booking

    moved = move(db, booking.case_id, slot_at(PROVIDER, 2026, 3, 6, 10), IN_PERSON, LATER, HOLD_HOURS)
    assert latest_booking(db, booking.case_id) == moved

    cancelled = cancel(db, booking.case_id, LATER)
    assert latest_booking(db, booking.case_id) == cancelled
    assert latest_booking(db, make_case(db)) is None


# Deleting a case


def test_deleting_the_case_deletes_its_bookings(db):
    kept = in_state(db, CONFIRMED, slot_at(PROVIDER, 2026, 3, 6, 10))
    booking = in_state(db, CONFIRMED)

    db.execute("delete from cases where id = ?", [booking.case_id])

    assert db.execute("select count(*) from bookings where case_id = ?", [booking.case_id]).fetchone()[0] == 0
    assert get_booking(db, kept.id) == kept


# Offers


def test_without_notice_the_offer_runs_from_the_next_hour_to_the_guarantee_deadline(db):
    result = offer(db, PROVIDER, DEADLINE, NOW, 0)

    assert result.within_guarantee is True
    assert (result.provider, result.deadline) == (PROVIDER, DEADLINE)
    assert result.slots[0].starts_at == local(2026, 3, 2, 10)  # 09:00 has begun
    assert result.slots[-1].starts_at == local(2026, 3, 16, 11)  # the last day counts
    assert len(result.slots) == 2 + 3 * 10
    assert list(result.slots) == provider_slots(PROVIDER, next_opening_hour(NOW), DEADLINE)


def test_the_offer_leaves_out_taken_slots_but_offers_run_out_holds_again(db):
    taken = in_state(db, CONFIRMED, thursday_at_nine())
    held = book(db, make_case(db), slot_at(PROVIDER, 2026, 3, 10, 9), IN_PERSON, NOW, HOLD_HOURS)
    run_out = book(db, make_case(db), slot_at(PROVIDER, 2026, 3, 10, 10), IN_PERSON, NOW, 1)

    during = {slot.starts_at for slot in offer(db, PROVIDER, DEADLINE, NOW, NOTICE).slots}
    after = {slot.starts_at for slot in offer(db, PROVIDER, DEADLINE, run_out.hold_until, NOTICE).slots}

    assert {taken.starts_at, held.starts_at, run_out.starts_at}.isdisjoint(during)
    assert run_out.starts_at in after
    assert {taken.starts_at, held.starts_at}.isdisjoint(after)


def test_when_every_slot_before_the_deadline_is_taken_the_earliest_after_are_offered(db):
    for slot in offer(db, PROVIDER, DEADLINE, NOW, NOTICE).slots:
        book(db, make_case(db), slot, IN_PERSON, NOW, HOLD_HOURS)

    result = offer(db, PROVIDER, DEADLINE, NOW, NOTICE)

    assert result.within_guarantee is False
    assert [slot.starts_at for slot in result.slots] == [
        local(2026, 3, 17, 9),
        local(2026, 3, 17, 10),
        local(2026, 3, 17, 11),
        local(2026, 3, 18, 9),
        local(2026, 3, 18, 10),
        local(2026, 3, 18, 11),
    ]
    assert at_risk([result]) is True


def test_a_provider_closed_until_the_deadline_offers_the_earliest_after_it(db):
    closed = tuple(NOW.date() + dt.timedelta(days=n) for n in range(15))
    provider = make_provider(id="p2", closed_dates=closed)

    result = offer(db, provider, DEADLINE, NOW, NOTICE)

    assert result.within_guarantee is False
    assert result.slots[0].starts_at == local(2026, 3, 17, 9)
    assert all(slot.starts_at >= DEADLINE for slot in result.slots)


def test_the_guarantee_is_at_risk_only_when_no_provider_has_a_slot_within_it(db):
    closed = tuple(NOW.date() + dt.timedelta(days=n) for n in range(15))
    late = offer(db, make_provider(id="p2", closed_dates=closed), DEADLINE, NOW, NOTICE)
    in_time = offer(db, PROVIDER, DEADLINE, NOW, NOTICE)

    assert at_risk([late]) is True
    assert at_risk([late, in_time]) is False
    assert at_risk([]) is True


def test_mark_at_risk_sets_and_clears_the_case_flag_idempotently(db):
    case_id = make_case(db)

    mark_at_risk(db, case_id, True)
    mark_at_risk(db, case_id, True)
    assert is_at_risk(db, case_id)

    mark_at_risk(db, case_id, False)
    assert not is_at_risk(db, case_id)


def test_a_deleted_case_takes_its_flag_with_it(db):
    case_id = make_case(db)
    mark_at_risk(db, case_id, True)

    db.execute("delete from cases where id = ?", [case_id])

    assert db.execute("select count(*) from guarantee_at_risk").fetchone()[0] == 0


# The slot a form names


OTHER = make_provider(id="p2", opening_hours={"tue": ("14:00-16:00",)})
PROVIDERS = [PROVIDER, OTHER]


def test_chosen_slot_returns_the_named_slot():
    slot = thursday_at_nine()

    assert chosen_slot(PROVIDERS, slot.id, "25_plus", NOW, DEADLINE, NOTICE) == slot


@pytest.mark.parametrize("day", [dt.date(2026, 3, 17), dt.date(2026, 4, 13)])
def test_chosen_slot_accepts_a_slot_after_the_deadline_that_may_be_offered(day):
    slot = slot_at(PROVIDER, day.year, day.month, day.day, 9)

    assert chosen_slot(PROVIDERS, slot.id, "25_plus", NOW, DEADLINE, NOTICE) == slot


@pytest.mark.parametrize(
    "slot_id",
    [
        "p1@20260414T0700Z",  # 14 April: further past the deadline than any offer looks
        "junk",
        "",
        None,
        "p1@tomorrow",
        "p9@20260305T0800Z",  # no such provider
        "p1@20260303T1300Z",  # 14:00 on Tuesday: the other provider's slot
        "p1@20260305T0830Z",  # 09:30: inside a slot, not its start
        "p1@20260305T1200Z",  # 13:00: after closing
        "p1@20260307T0800Z",  # a Saturday
        "p1@20261225T0800Z",  # Christmas Day
    ],
)
def test_chosen_slot_refuses_a_slot_that_does_not_exist(slot_id):
    with pytest.raises(SlotNotOffered) as refused:
        chosen_slot(PROVIDERS, slot_id, "25_plus", NOW, DEADLINE, NOTICE)

    assert refused.value.reason == "unknown"


@pytest.mark.parametrize("slot_id", ["p1@20260302T0800Z", "p1@20260227T0800Z"])  # begun; last week
def test_chosen_slot_refuses_a_past_slot(slot_id):
    with pytest.raises(SlotNotOffered) as refused:
        chosen_slot(PROVIDERS, slot_id, "25_plus", NOW, DEADLINE, NOTICE)

    assert refused.value.reason == "past"


@pytest.mark.parametrize("age_band", ["18_24", None])
def test_chosen_slot_refuses_a_provider_for_another_age_band(age_band):
    with pytest.raises(SlotNotOffered) as refused:
        chosen_slot(PROVIDERS, thursday_at_nine().id, age_band, NOW, DEADLINE, NOTICE)

    assert refused.value.reason == "age_band"


def test_check_mode_accepts_a_mode_the_provider_offers():
    assert check_mode(PROVIDER, PHONE_IN) == PHONE_IN


@pytest.mark.parametrize("mode", [PHONE_IN, "video", ""])
def test_check_mode_refuses_a_mode_the_provider_lacks(mode):
    provider = make_provider(meeting_modes=(IN_PERSON,))

    with pytest.raises(SlotNotOffered) as refused:
        check_mode(provider, mode)

    assert refused.value.reason == "mode"


def test_booking_for_a_case_deleted_a_moment_ago_is_refused_plainly(db):
    with pytest.raises(bookings.UnknownCase):
        book(db, "no-such-case", thursday_at_nine(), IN_PERSON, NOW, HOLD_HOURS)
    assert active_rows_for(db, thursday_at_nine()) == []
