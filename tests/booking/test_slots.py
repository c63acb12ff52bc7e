"""Slots from opening hours: local wall-clock times, stored in UTC, closed on holidays."""

import datetime as dt

import pytest

from booking.guarantee import Guarantee
from booking.providers import providers_for
from booking.slots import (
    UTC,
    Slot,
    UnknownSlot,
    next_opening_hour,
    parse_slot_id,
    provider_slots,
    slot_of,
)

from builders_booking import EVERY_DAY_9_TO_12, local, make_provider, slot_at


def slots_on(provider, day: dt.date) -> list[Slot]:
    """Every slot of the provider on one Copenhagen calendar day."""
    start = local(day.year, day.month, day.day)
    after = day + dt.timedelta(days=1)
    return provider_slots(provider, start, local(after.year, after.month, after.day))


def local_times(slots) -> list[str]:
    return [slot.local_start.strftime("%H:%M") for slot in slots]


# Opening hours → slots


def test_opening_hours_give_one_slot_per_slot_length():
    slots = slots_on(make_provider(), dt.date(2026, 3, 2))

    assert local_times(slots) == ["09:00", "10:00", "11:00"]
    assert all(slot.provider_id == "p1" and slot.minutes == 60 for slot in slots)
    assert all(slot.ends_at - slot.starts_at == dt.timedelta(minutes=60) for slot in slots)


def test_slots_are_stored_in_utc():
    slots = slots_on(make_provider(), dt.date(2026, 3, 2))

    assert all(slot.starts_at.utcoffset() == dt.timedelta(0) for slot in slots)
    assert slots[0].starts_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_every_span_of_the_day_gives_slots():
    provider = make_provider(opening_hours={"mon": ("09:00-11:00", "13:00-15:30")}, slot_minutes=30)

    slots = slots_on(provider, dt.date(2026, 3, 2))

    assert local_times(slots) == ["09:00", "09:30", "10:00", "10:30", "13:00", "13:30", "14:00", "14:30", "15:00"]


@pytest.mark.parametrize(
    ("span", "minutes", "expected"),
    [
        ("09:00-10:45", 30, ["09:00", "09:30", "10:00"]),
        ("09:00-12:00", 50, ["09:00", "09:50", "10:40"]),
        ("09:00-09:59", 60, []),
    ],
)
def test_a_span_not_a_multiple_of_the_slot_length_drops_the_remainder(span, minutes, expected):
    provider = make_provider(opening_hours={"mon": (span,)}, slot_minutes=minutes)

    slots = slots_on(provider, dt.date(2026, 3, 2))

    assert local_times(slots) == expected
    assert all(slot.minutes == minutes for slot in slots)


def test_a_day_without_opening_hours_has_no_slots():
    assert slots_on(make_provider(), dt.date(2026, 3, 7)) == []  # a Saturday


def test_provider_slots_are_those_starting_in_the_half_open_range_in_time_order():
    provider = make_provider()

    slots = provider_slots(provider, local(2026, 3, 2, 10), local(2026, 3, 3, 10))

    assert [slot.local_start.strftime("%d %H:%M") for slot in slots] == ["02 10:00", "02 11:00", "03 09:00"]
    assert slots == sorted(slots)


# Closing days


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 12, 25),  # Christmas Day
        dt.date(2026, 12, 26),  # Second Day of Christmas
        dt.date(2027, 1, 1),  # New Year's Day
        dt.date(2027, 3, 25),  # Maundy Thursday
        dt.date(2027, 3, 26),  # Good Friday
        dt.date(2027, 3, 28),  # Easter Sunday
        dt.date(2027, 3, 29),  # Easter Monday
        dt.date(2026, 5, 14),  # Ascension Day
        dt.date(2026, 5, 24),  # Whit Sunday
        dt.date(2026, 5, 25),  # Whit Monday
    ],
)
def test_the_laws_public_holidays_give_no_slots(day):
    assert slots_on(make_provider(opening_hours=EVERY_DAY_9_TO_12), day) == []


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 5, 1),  # Workers' Day: no public holiday (the holidays package's "optional")
        dt.date(2026, 6, 5),  # Constitution Day
        dt.date(2026, 12, 24),  # Christmas Eve
        dt.date(2026, 12, 31),  # New Year's Eve
    ],
)
def test_customary_days_off_are_open_unless_the_provider_closes_on_them(day):
    assert len(slots_on(make_provider(opening_hours=EVERY_DAY_9_TO_12), day)) == 3


def test_a_providers_yearly_closing_days_close_every_year():
    # Given a provider that closes on 1 May and Christmas Eve every year
    provider = make_provider(opening_hours=EVERY_DAY_9_TO_12, closed_yearly=("05-01", "12-24"))

    # Then it has no slots on those days, year after year, and slots the day after
    for year in (2026, 2027, 2028):
        assert slots_on(provider, dt.date(year, 5, 1)) == []
        assert slots_on(provider, dt.date(year, 12, 24)) == []
        assert len(slots_on(provider, dt.date(year, 5, 2))) == 3


def test_a_yearly_closing_day_on_29_february_closes_only_leap_years():
    provider = make_provider(opening_hours=EVERY_DAY_9_TO_12, closed_yearly=("02-29",))

    assert slots_on(provider, dt.date(2028, 2, 29)) == []
    assert len(slots_on(provider, dt.date(2027, 2, 28))) == 3


def test_an_ordinary_day_next_to_the_holidays_is_open():
    assert len(slots_on(make_provider(opening_hours=EVERY_DAY_9_TO_12), dt.date(2026, 12, 23))) == 3


def test_a_providers_closed_dates_give_no_slots():
    provider = make_provider(closed_dates=(dt.date(2026, 3, 3),))

    assert slots_on(provider, dt.date(2026, 3, 3)) == []
    assert len(slots_on(provider, dt.date(2026, 3, 4))) == 3


# Daylight saving: 29 March 2026 (02:00 → 03:00) and 25 October 2026 (03:00 → 02:00)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2026, 3, 27), 8),  # Friday before the spring change: UTC+1
        (dt.date(2026, 3, 28), 8),
        (dt.date(2026, 3, 29), 7),  # the change happens at 02:00, before opening
        (dt.date(2026, 3, 30), 7),  # summer time: UTC+2
        (dt.date(2026, 10, 23), 7),  # Friday before the autumn change: UTC+2
        (dt.date(2026, 10, 24), 7),
        (dt.date(2026, 10, 25), 8),
        (dt.date(2026, 10, 26), 8),  # winter time: UTC+1
    ],
)
def test_a_nine_oclock_slot_stays_at_nine_across_the_daylight_saving_changes(day, utc_hour):
    slots = slots_on(make_provider(opening_hours=EVERY_DAY_9_TO_12), day)

    assert local_times(slots)[0] == "09:00"
    assert slots[0].starts_at == dt.datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)


@pytest.mark.parametrize("first_day", [dt.date(2026, 3, 23), dt.date(2026, 10, 19)])
def test_every_slot_of_a_week_across_a_change_starts_on_the_hour_in_local_time(first_day):
    provider = make_provider(opening_hours=EVERY_DAY_9_TO_12)
    next_monday = first_day + dt.timedelta(days=7)
    start = local(first_day.year, first_day.month, first_day.day)
    end = local(next_monday.year, next_monday.month, next_monday.day)

    slots = provider_slots(provider, start, end)

    assert len(slots) == 3 * 7  # Monday to Sunday, the change inside
    assert set(local_times(slots)) == {"09:00", "10:00", "11:00"}


def test_the_skipped_spring_hour_gives_no_slots():
    provider = make_provider(opening_hours={"sun": ("02:00-04:00",)}, slot_minutes=30)

    slots = slots_on(provider, dt.date(2026, 3, 29))

    assert local_times(slots) == ["03:00", "03:30"]
    assert [slot.starts_at for slot in slots] == [
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    ]


def test_the_repeated_autumn_hour_never_gives_two_slots_with_one_id():
    provider = make_provider(opening_hours={"sun": ("01:00-05:00",)}, slot_minutes=30)

    slots = slots_on(provider, dt.date(2026, 10, 25))

    assert len({slot.id for slot in slots}) == len(slots)
    assert all(earlier.ends_at <= later.starts_at for earlier, later in zip(slots, slots[1:]))


# The guarantee deadline and the first offered hour


@pytest.mark.parametrize(
    ("first_contact_day", "deadline"),
    [
        # winter: local midnight at the end of 24 January is 23:00 UTC
        (dt.date(2026, 1, 10), dt.datetime(2026, 1, 24, 23, 0, tzinfo=UTC)),
        # summer: local midnight at the end of 15 July is 22:00 UTC
        (dt.date(2026, 7, 1), dt.datetime(2026, 7, 15, 22, 0, tzinfo=UTC)),
        # first contact in winter time, deadline in summer time
        (dt.date(2026, 3, 20), dt.datetime(2026, 4, 3, 22, 0, tzinfo=UTC)),
    ],
)
def test_the_guarantee_deadline_is_local_midnight_at_the_end_of_the_last_day(first_contact_day, deadline):
    assert Guarantee(first_contact_day, 14).deadline == deadline


def test_the_last_day_of_the_guarantee_is_still_inside_it():
    deadline = Guarantee(dt.date(2026, 3, 2), 14).deadline
    provider = make_provider()

    assert slot_at(provider, 2026, 3, 16, 11).starts_at < deadline
    assert slot_at(provider, 2026, 3, 17, 9).starts_at >= deadline


@pytest.mark.parametrize(
    ("now", "next_hour"),
    [
        (dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC), dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        (dt.datetime(2026, 3, 2, 8, 59, 59, 999999, tzinfo=UTC), dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        (dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC), dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        (dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC), dt.datetime(2026, 3, 3, 0, 0, tzinfo=UTC)),
        (local(2026, 7, 1, 10, 20), local(2026, 7, 1, 11)),
    ],
)
def test_slots_are_offered_from_the_next_whole_hour(now, next_hour):
    assert next_opening_hour(now) == next_hour


# Slot ids


def test_a_slot_id_round_trips():
    slot = slot_at(make_provider(), 2026, 3, 2, 9)

    assert slot.id == "p1@20260302T0800Z"
    assert parse_slot_id(slot.id) == ("p1", slot.starts_at)


@pytest.mark.parametrize(
    "junk",
    [None, "", "p1", "p1@", "@", "p1@2026-03-02T08:00Z", "p1@20260302T0800", "p1@20261302T0800Z", "p1@20260302T0800Zx"],
)
def test_parse_slot_id_rejects_junk(junk):
    with pytest.raises(UnknownSlot):
        parse_slot_id(junk)


def test_slot_of_finds_the_providers_slot():
    provider = make_provider()

    slot = slot_of(provider, local(2026, 3, 2, 10))

    assert slot == slots_on(provider, dt.date(2026, 3, 2))[1]


@pytest.mark.parametrize(
    "starts_at",
    [
        local(2026, 3, 2, 8),  # before opening
        local(2026, 3, 2, 9, 30),  # inside a slot, not at its start
        local(2026, 3, 2, 12),  # at closing
        local(2026, 3, 7, 10),  # a Saturday
        local(2026, 12, 25, 10),  # Christmas Day, a Friday
        local(2027, 3, 25, 10),  # Maundy Thursday
    ],
)
def test_slot_of_refuses_a_time_the_provider_has_no_slot(starts_at):
    with pytest.raises(UnknownSlot):
        slot_of(make_provider(), starts_at)


def test_slot_of_refuses_a_closed_date():
    provider = make_provider(closed_dates=(dt.date(2026, 3, 3),))

    with pytest.raises(UnknownSlot):
        slot_of(provider, local(2026, 3, 3, 10))


# Providers for the person


def test_providers_are_filtered_by_age_band():
    young = make_provider(id="young", age_bands=("18_24",))
    older = make_provider(id="older", age_bands=("25_plus",))
    both = make_provider(id="both", age_bands=("18_24", "25_plus"))
    providers = [young, older, both]

    assert providers_for(providers, "18_24") == [young, both]
    assert providers_for(providers, "25_plus") == [older, both]
    assert providers_for(providers, None) == []
