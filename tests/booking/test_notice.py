"""Minimum notice and holds that staff can act on: a time is offered only when staff have had a
working day to confirm it, and a pending hold ends before the conversation's day begins, so the
person knows the outcome before setting out (issue 10, item 9: at 04:44 a person booked 11:00
the same day, held "until 11:00")."""

import datetime as dt

import pytest

from booking.bookings import EXPIRED, PENDING, book, hold_until
from booking.guarantee import Guarantee
from booking.offers import SlotNotOffered, chosen_slot, offer
from booking.providers import IN_PERSON
from booking.rules import AUTOMATIC, STAFF, BookingRules, earliest_start, is_working_day

from builders_booking import HOLD_HOURS, local, make_case, make_provider, slot_at

PROVIDER = make_provider()  # weekdays 09:00-12:00
#: Monday 2 March 2026, 04:44 in Copenhagen.
EARLY_MONDAY = local(2026, 3, 2, 4, 44)
DEADLINE = Guarantee(dt.date(2026, 3, 2), 14).deadline


def test_the_default_rules_hold_for_48_hours_give_one_working_days_notice_and_let_staff_confirm():
    assert BookingRules() == BookingRules(hold_hours=48, minimum_notice_working_days=1, confirmation=STAFF)
    assert not BookingRules().confirmed_at_once
    assert BookingRules(confirmation=AUTOMATIC).confirmed_at_once


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 3, 2), True),  # Monday
        (dt.date(2026, 3, 6), True),  # Friday
        (dt.date(2026, 3, 7), False),  # Saturday
        (dt.date(2026, 3, 8), False),  # Sunday
        (dt.date(2026, 4, 2), False),  # Maundy Thursday
        (dt.date(2026, 4, 6), False),  # Easter Monday
        (dt.date(2026, 12, 24), True),  # Christmas Eve: no public holiday by law (providers close it: closed_yearly)
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_public_holiday(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("now", "earliest"),
    [
        # Booked on a working day, at any hour: staff confirm that day, times from the next day.
        (EARLY_MONDAY, local(2026, 3, 3)),
        (local(2026, 3, 2, 16, 30), local(2026, 3, 3)),
        # Friday: staff confirm on Friday, so a provider open on Saturday may be booked.
        (local(2026, 3, 6, 10), local(2026, 3, 7)),
        # Saturday and Sunday: staff first confirm on Monday, so times from Tuesday.
        (local(2026, 3, 7, 10), local(2026, 3, 10)),
        (local(2026, 3, 8, 22), local(2026, 3, 10)),
        # Maundy Thursday: closed until Easter Monday, staff confirm on Tuesday 7 April.
        (local(2026, 4, 2, 9), local(2026, 4, 8)),
    ],
)
def test_one_working_days_notice(now, earliest):
    assert earliest_start(now, 1) == earliest


def test_two_working_days_notice_skips_the_weekend():
    assert earliest_start(local(2026, 3, 5, 9), 2) == local(2026, 3, 7)  # Thursday and Friday
    assert earliest_start(local(2026, 3, 6, 9), 2) == local(2026, 3, 10)  # Friday and Monday


def test_no_notice_offers_times_from_the_next_whole_hour():
    assert earliest_start(EARLY_MONDAY, 0) == local(2026, 3, 2, 5)


def test_the_offer_starts_after_the_notice(db):
    result = offer(db, PROVIDER, DEADLINE, EARLY_MONDAY, 1)

    assert result.slots[0].starts_at == local(2026, 3, 3, 9)
    assert result.within_guarantee is True


def test_a_slot_inside_the_notice_is_refused_as_too_soon():
    same_day = slot_at(PROVIDER, 2026, 3, 2, 11)

    with pytest.raises(SlotNotOffered) as refused:
        chosen_slot([PROVIDER], same_day.id, "25_plus", EARLY_MONDAY, DEADLINE, 1)

    assert refused.value.reason == "too_soon"


def test_a_begun_slot_is_still_refused_as_past():
    begun = slot_at(PROVIDER, 2026, 3, 2, 9)

    with pytest.raises(SlotNotOffered) as refused:
        chosen_slot([PROVIDER], begun.id, "25_plus", local(2026, 3, 2, 9, 30), DEADLINE, 1)

    assert refused.value.reason == "past"


def test_the_first_slot_after_the_notice_is_accepted():
    first = slot_at(PROVIDER, 2026, 3, 3, 9)

    assert chosen_slot([PROVIDER], first.id, "25_plus", EARLY_MONDAY, DEADLINE, 1) == first


# The hold


def test_a_hold_ends_when_the_conversations_day_begins(db):
    # Given a person who books Tuesday 09:00 at 04:44 on Monday
    slot = slot_at(PROVIDER, 2026, 3, 3, 9)

    # When the booking is made
    booking = book(db, make_case(db), slot, IN_PERSON, EARLY_MONDAY, HOLD_HOURS)

    # Then staff have Monday to confirm it; if they have not, it is released at midnight,
    # so the person sees the outcome before setting out, never "held until 09:00"
    assert booking.state == PENDING
    assert booking.hold_until == local(2026, 3, 3)
    assert booking.state_at(local(2026, 3, 3)) == EXPIRED


def test_a_hold_on_a_distant_slot_lasts_hold_hours():
    slot = slot_at(PROVIDER, 2026, 3, 12, 9)

    assert hold_until(slot, EARLY_MONDAY, HOLD_HOURS) == (EARLY_MONDAY + dt.timedelta(hours=HOLD_HOURS)).replace(minute=0)



def test_a_long_hold_still_ends_when_the_conversations_day_begins():
    # Booked on Friday for Monday with a 72-hour hold: released as Monday begins, not at 10:00.
    slot = slot_at(PROVIDER, 2026, 3, 9, 9)

    assert hold_until(slot, local(2026, 3, 6, 10), 72) == local(2026, 3, 9)
