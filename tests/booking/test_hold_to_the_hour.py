"""A pending booking's hold is stored to the whole hour (issue 11 item 1): it never tells the
minute the person booked, and never lasts longer than the rule allows."""

import datetime as dt

import pytest

from booking.bookings import hold_until

from builders_booking import HOLD_HOURS, local, make_provider, slot_at

PROVIDER = make_provider()
BOOKED = local(2026, 3, 2, 4)  # Monday


@pytest.mark.parametrize("minute, second", [(0, 0), (0, 1), (29, 59), (59, 59)])
@pytest.mark.parametrize("slot_day", [3, 12])  # the day after (held until midnight before it), and far off
def test_a_hold_tells_no_minute_and_never_outlasts_the_rule(minute, second, slot_day):
    booked_at = BOOKED.replace(minute=minute, second=second)
    held = hold_until(slot_at(PROVIDER, 2026, 3, slot_day, 9), booked_at, HOLD_HOURS)
    assert (held.minute, held.second, held.microsecond) == (0, 0, 0)
    assert held <= min(booked_at + dt.timedelta(hours=HOLD_HOURS), local(2026, 3, slot_day))
    assert held > booked_at + dt.timedelta(hours=HOLD_HOURS - 1) or held == local(2026, 3, slot_day)
