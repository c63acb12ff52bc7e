"""One text form for stored instants."""

import datetime as dt

import pytest

from common.clock import COPENHAGEN, UTC, FixedClock
from store.times import parse_stamp, stamp


def test_an_instant_is_stored_in_utc_to_the_second_and_sorts_as_text():
    local = dt.datetime(2026, 3, 29, 3, 30, 15, 999999, tzinfo=COPENHAGEN)  # just after the switch to summer time
    assert stamp(local) == "2026-03-29T01:30:15Z"
    assert parse_stamp(stamp(local)) == local.replace(microsecond=0)
    assert stamp(dt.datetime(2026, 1, 2, tzinfo=UTC)) < stamp(dt.datetime(2026, 1, 10, tzinfo=UTC))


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError):
        stamp(dt.datetime(2026, 1, 1))


def test_a_fixed_clock_tells_the_copenhagen_day():
    clock = FixedClock(dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    assert clock.today() == dt.date(2026, 3, 2)
    clock.advance(days=1)
    assert clock.today() == dt.date(2026, 3, 3)
