"""One text form for stored instants."""

import datetime as dt
import random

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


@pytest.mark.parametrize("text", [
    "2026-03-29T03:30:15+02:00",  # an offset would be read as UTC if it were not refused
    "2026-03-29T01:30:15.5Z", "2026-03-29 01:30:15Z", "2026-03-29T01:30:15z", "2026-03-29T01:30Z",
    "2026-03-29", "20260329T013015Z", "2026-03-29T01:30:15",
])
def test_only_the_stored_form_of_an_instant_is_read(text):
    with pytest.raises(ValueError):
        parse_stamp(text)


def test_no_stamp_reads_as_none():
    assert parse_stamp(None) is None and parse_stamp("") is None


@pytest.mark.parametrize("seed", range(3))
def test_every_instant_is_stamped_as_its_utc_time_to_the_second(seed):
    chooser = random.Random(seed)
    zones = (UTC, COPENHAGEN, dt.timezone(dt.timedelta(hours=-9, minutes=-30)))
    for _ in range(500):
        moment = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=chooser.uniform(0, 4.2e9))
        local = moment.astimezone(chooser.choice(zones))
        assert stamp(local) == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert parse_stamp(stamp(local)) == moment.replace(microsecond=0)
