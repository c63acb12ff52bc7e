"""Booking and moving for a case: the treatment guarantee holds on every path (§ 101 stk. 2),
and a municipality may have booked times confirmed at once."""

import datetime as dt
from types import SimpleNamespace

import pytest

from booking import for_case
from booking.bookings import CONFIRMED, MOVED, PENDING, book, cancel, change_state, get_booking
from booking.guarantee import is_at_risk
from booking.offers import SlotNotOffered
from booking.providers import IN_PERSON
from booking.rules import AUTOMATIC, BookingRules

from builders_booking import HOLD_HOURS, NOW, make_case, make_provider, slot_at

RULES = BookingRules()  # a 48-hour hold, one working day's notice, staff confirm
AUTOMATIC_RULES = BookingRules(confirmation=AUTOMATIC)
#: Closed from the first contact (Monday 2 March 2026) to the end of the guarantee (16 March).
UNTIL_DEADLINE = tuple(NOW.date() + dt.timedelta(days=n) for n in range(15))
OPEN = make_provider(id="open")
CLOSED = make_provider(id="closed", closed_dates=UNTIL_DEADLINE)
YOUNG = make_provider(id="young", age_bands=("18_24",))
#: Open one hour a week: Wednesdays 4 and 11 March are the only slots within the guarantee.
WEEKLY = make_provider(id="weekly", opening_hours={"wed": ("09:00-10:00",)})


def person(db):
    """A case aged 25 or over, first contacted on NOW's day."""
    return SimpleNamespace(id=make_case(db), first_contact_day=NOW.date(), age_band="25_plus")


def after_deadline(provider):
    """Tuesday 17 March 09:00 (Wednesday 18 March for WEEKLY): the guarantee ended the day before."""
    return slot_at(provider, 2026, 3, 18, 9) if provider is WEEKLY else slot_at(provider, 2026, 3, 17, 9)


def book_for(db, case, slot, providers, rules=RULES, now=NOW):
    return for_case.book_for_case(db, case, slot, IN_PERSON, now=now, providers=providers, rules=rules, guarantee_days=14)


def move_for(db, case, slot, providers, rules=RULES, now=NOW):
    return for_case.move_for_case(db, case, slot, IN_PERSON, now=now, providers=providers, rules=rules, guarantee_days=14)


def bookings_of(db, case):
    return list(db.query("select state, starts_at from bookings where case_id = ? order by rowid", [case.id]))


# Item 8: a slot after the deadline only when nothing inside the guarantee is free


def test_a_slot_after_the_deadline_is_refused_while_the_provider_has_one_within(db):
    case = person(db)

    with pytest.raises(SlotNotOffered) as refused:
        book_for(db, case, after_deadline(OPEN), [OPEN])

    assert refused.value.reason == "after_deadline"
    assert bookings_of(db, case) == []


def test_a_slot_after_the_deadline_is_refused_while_another_fitting_provider_has_one_within(db):
    case = person(db)

    with pytest.raises(SlotNotOffered) as refused:
        book_for(db, case, after_deadline(CLOSED), [CLOSED, OPEN])

    assert refused.value.reason == "after_deadline"
    assert bookings_of(db, case) == []


def test_a_slot_after_the_deadline_is_booked_when_no_fitting_provider_has_one_within(db):
    # Given the only provider for people of 25 or over is closed until the guarantee ends
    # (the provider for the young is open, but does not fit)
    case = person(db)

    # When the person books the first time after the deadline
    booking = book_for(db, case, after_deadline(CLOSED), [CLOSED, YOUNG])

    # Then it is booked, and the case is flagged for the intake queue
    assert booking.state == PENDING
    assert is_at_risk(db, case.id)


def test_a_slot_within_the_guarantee_is_booked_and_leaves_the_case_unflagged(db):
    case = person(db)

    booking = book_for(db, case, slot_at(OPEN, 2026, 3, 5, 9), [OPEN])

    assert booking.state == PENDING
    assert not is_at_risk(db, case.id)


def test_the_guarantee_is_checked_when_booking_not_when_the_times_were_shown(db):
    # Given both slots within the guarantee are held, so the page offers times after it
    holders = [book(db, make_case(db), slot_at(WEEKLY, 2026, 3, day, 9), IN_PERSON, NOW, HOLD_HOURS) for day in (4, 11)]
    assert for_case.case_offers(db, person(db), [WEEKLY], NOW, 14, RULES)[0].within_guarantee is False
    case = person(db)

    # When one holder cancels before the person presses "book"
    cancel(db, holders[0].case_id, NOW)

    # Then the later time is refused: a time within the guarantee is free again
    with pytest.raises(SlotNotOffered) as refused:
        book_for(db, case, after_deadline(WEEKLY), [WEEKLY])
    assert refused.value.reason == "after_deadline"


def test_a_move_after_the_deadline_is_refused_while_a_slot_within_is_free(db):
    case = person(db)
    booking = book_for(db, case, slot_at(OPEN, 2026, 3, 5, 9), [OPEN])

    with pytest.raises(SlotNotOffered) as refused:
        move_for(db, case, after_deadline(OPEN), [OPEN])

    assert refused.value.reason == "after_deadline"
    assert get_booking(db, booking.id) == booking


def test_a_move_after_the_deadline_flags_the_case_and_a_move_back_clears_it(db):
    # Given a person holding 4 March and somebody else holding 11 March, the only times within
    case = person(db)
    book_for(db, case, slot_at(WEEKLY, 2026, 3, 4, 9), [WEEKLY])
    other = book(db, make_case(db), slot_at(WEEKLY, 2026, 3, 11, 9), IN_PERSON, NOW, HOLD_HOURS)

    # When the person moves after the deadline, nothing else within being free
    moved = move_for(db, case, after_deadline(WEEKLY), [WEEKLY])

    # Then the move is made and the case is at risk
    assert moved.starts_at == after_deadline(WEEKLY).starts_at
    assert is_at_risk(db, case.id)

    # And when 11 March is freed and the person moves there, the flag is cleared
    cancel(db, other.case_id, NOW)
    move_for(db, case, slot_at(WEEKLY, 2026, 3, 11, 9), [WEEKLY])
    assert not is_at_risk(db, case.id)


# Item 9: confirmation = "automatic"


def test_with_automatic_confirmation_a_booked_slot_is_confirmed_at_once(db):
    case = person(db)

    booking = book_for(db, case, slot_at(OPEN, 2026, 3, 5, 9), [OPEN], rules=AUTOMATIC_RULES)

    assert (booking.state, booking.hold_until) == (CONFIRMED, None)
    assert get_booking(db, booking.id).state_at(NOW + dt.timedelta(days=2)) == CONFIRMED


@pytest.mark.parametrize("state", [PENDING, CONFIRMED])
def test_with_automatic_confirmation_a_move_is_confirmed_at_once(db, state):
    # Given a booking made before the municipality switched to automatic confirmation
    case = person(db)
    booking = book_for(db, case, slot_at(OPEN, 2026, 3, 5, 9), [OPEN])
    if state == CONFIRMED:
        booking = change_state(db, booking.id, CONFIRMED, NOW)

    moved = move_for(db, case, slot_at(OPEN, 2026, 3, 6, 10), [OPEN], rules=AUTOMATIC_RULES)

    assert (moved.state, moved.hold_until) == (CONFIRMED, None)
    assert moved.starts_at == slot_at(OPEN, 2026, 3, 6, 10).starts_at
    if state == CONFIRMED:
        assert get_booking(db, booking.id).state == MOVED


def test_with_staff_confirmation_a_booking_waits_for_staff(db):
    booking = book_for(db, person(db), slot_at(OPEN, 2026, 3, 5, 9), [OPEN])

    assert (booking.state, booking.hold_until) == (PENDING, (NOW + dt.timedelta(hours=HOLD_HOURS)).replace(minute=0))


def test_a_provider_with_no_time_in_the_guarantee_offers_none_while_another_has_one(db):
    # Given one place closed until past the deadline and one with times inside it
    case = person(db)

    # Then the closed place offers no later times (they would be refused), the open one its own
    closed, open_ = for_case.case_offers(db, case, [CLOSED, OPEN], NOW, 14, RULES)
    assert (closed.slots, closed.within_guarantee, closed.elsewhere) == ((), False, True)
    assert open_.within_guarantee and open_.slots and not open_.elsewhere

    # And with no place in time, the closed place offers its earliest times after the deadline
    [alone] = for_case.case_offers(db, case, [CLOSED], NOW, 14, RULES)
    assert alone.slots and not alone.within_guarantee and not alone.elsewhere
