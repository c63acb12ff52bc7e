"""The providers and settings the admin manages: seeded once, every change raises the version,
§ 101a stk. 2 holds after every change, and no change drops a booked time."""

import dataclasses
import datetime as dt
import functools

import pytest

from booking import for_case, managed
from booking.bookings import book
from booking.offers import SlotNotOffered
from booking.providers import NONE_OUTSIDE, TOO_FEW
from booking.rules import BookingRules
from store.connection import open_database

from builders import at_once, fresh_database
from builders_booking import HOLD_HOURS, NOW, make_case, make_provider, slot_at

SERVED = ("Ishøj", "Vallensbæk")
INSIDE = make_provider(id="inside", municipality="Ishøj")
OUTSIDE = make_provider(id="outside", municipality="Glostrup")
ANOTHER = make_provider(id="another", municipality="Hvidovre")


@pytest.fixture
def seeded(db):
    managed.seed(db, [INSIDE, OUTSIDE, ANOTHER], {"booking.confirmation": "staff"})
    return db


def test_seeding_happens_once(db):
    assert managed.version(db) == 0
    assert managed.seed(db, [INSIDE, OUTSIDE], {"retention.case_days_after_end": 180})
    assert not managed.seed(db, [ANOTHER], {"retention.case_days_after_end": 1})
    loaded = managed.load(db)
    assert loaded.providers == (INSIDE, OUTSIDE)
    assert loaded.values == {"retention.case_days_after_end": 180}
    assert loaded.version == 1


def test_a_provider_reads_back_as_it_was_written(seeded):
    provider = make_provider(id="new-place", closed_dates=(dt.date(2026, 7, 20),), closed_yearly=("12-24",), phone=None)
    managed.add_provider(seeded, provider)
    assert managed.load(seeded).providers[-1] == provider


def test_every_change_raises_the_version(seeded):
    before = managed.version(seeded)
    managed.add_provider(seeded, make_provider(id="fourth"))
    managed.change_provider(seeded, dataclasses.replace(OUTSIDE, name="Nyt navn"), SERVED, NOW)
    managed.retire_provider(seeded, "fourth", SERVED, NOW)
    managed.change_values(seeded, {"booking.confirmation": "automatic"})
    assert managed.version(seeded) == before + 4


def test_a_change_that_changes_nothing_does_not_raise_the_version(seeded):
    before = managed.version(seeded)
    assert managed.change_values(seeded, {"booking.confirmation": "staff"}) == {}
    assert managed.version(seeded) == before


def test_change_values_returns_the_old_values(seeded):
    assert managed.change_values(seeded, {"booking.confirmation": "automatic", "staff.require_totp": True}) == {
        "booking.confirmation": "staff", "staff.require_totp": None}


def test_an_id_is_never_used_twice_even_after_retiring(seeded):
    with pytest.raises(managed.ProviderExists):
        managed.add_provider(seeded, make_provider(id="inside"))
    managed.retire_provider(seeded, "another", SERVED, NOW)
    with pytest.raises(managed.ProviderExists):
        managed.add_provider(seeded, make_provider(id="another"))


def test_retiring_keeps_the_provider_for_history(seeded):
    managed.retire_provider(seeded, "another", SERVED, NOW)
    loaded = managed.load(seeded)
    assert [p.id for p in loaded.providers] == ["inside", "outside"]
    assert loaded.retired == (ANOTHER,)


def test_retiring_twice_is_refused(seeded):
    managed.retire_provider(seeded, "another", SERVED, NOW)
    with pytest.raises(managed.UnknownProvider):
        managed.retire_provider(seeded, "another", SERVED, NOW)


def test_retiring_below_two_providers_is_refused(seeded):
    managed.retire_provider(seeded, "another", SERVED, NOW)
    with pytest.raises(managed.BreaksLaw) as refusal:
        managed.retire_provider(seeded, "inside", SERVED, NOW)
    assert refusal.value.reason == TOO_FEW


def test_retiring_the_last_provider_outside_is_refused(db):
    managed.seed(db, [INSIDE, make_provider(id="inside-2", municipality="Vallensbæk"), OUTSIDE], {})
    with pytest.raises(managed.BreaksLaw) as refusal:
        managed.retire_provider(db, "outside", SERVED, NOW)
    assert refusal.value.reason == NONE_OUTSIDE


def test_moving_the_last_provider_outside_inside_is_refused(seeded):
    managed.retire_provider(seeded, "another", SERVED, NOW)
    with pytest.raises(managed.BreaksLaw):
        managed.change_provider(seeded, dataclasses.replace(OUTSIDE, municipality="Ishøj"), SERVED, NOW)
    assert managed.load(seeded).providers[1] == OUTSIDE


def test_retiring_a_provider_that_holds_bookings_names_them(seeded):
    case = make_case(seeded, referral_number="R-HELD")
    book(seeded, case, slot_at(ANOTHER, 2026, 3, 4, 10), "in_person", NOW, HOLD_HOURS)
    with pytest.raises(managed.HoldsBookings) as refusal:
        managed.retire_provider(seeded, "another", SERVED, NOW)
    assert [held.referral_number for held in refusal.value.bookings] == ["R-HELD"]
    assert [p.id for p in managed.load(seeded).providers] == ["inside", "outside", "another"]


def test_closing_a_day_with_a_booking_names_it_and_changes_nothing(seeded):
    case = make_case(seeded, referral_number="R-WED")
    book(seeded, case, slot_at(ANOTHER, 2026, 3, 4, 10), "in_person", NOW, HOLD_HOURS)
    closed = dataclasses.replace(ANOTHER, closed_dates=(dt.date(2026, 3, 4),))
    with pytest.raises(managed.HoldsBookings) as refusal:
        managed.change_provider(seeded, closed, SERVED, NOW)
    assert [held.referral_number for held in refusal.value.bookings] == ["R-WED"]
    assert managed.load(seeded).providers[2] == ANOTHER


def test_closing_hours_without_bookings_is_allowed(seeded):
    case = make_case(seeded)
    book(seeded, case, slot_at(ANOTHER, 2026, 3, 4, 10), "in_person", NOW, HOLD_HOURS)
    shorter = dataclasses.replace(ANOTHER, opening_hours={**ANOTHER.opening_hours, "wed": ("10:00-11:00",), "thu": ()})
    managed.change_provider(seeded, shorter, SERVED, NOW)
    assert managed.load(seeded).providers[2] == shorter


def test_a_past_booking_does_not_hold_anything(seeded):
    case = make_case(seeded)
    book(seeded, case, slot_at(ANOTHER, 2026, 3, 4, 10), "in_person", NOW, HOLD_HOURS)
    managed.retire_provider(seeded, "another", SERVED, NOW + dt.timedelta(days=3))


def test_two_admins_retiring_at_once_cannot_break_the_law(tmp_path):
    path = tmp_path / "indgang.db"
    first = fresh_database(path)
    managed.seed(first, [INSIDE, OUTSIDE, ANOTHER], {})
    first.close()

    def retire(db, provider_id):
        try:
            managed.retire_provider(db, provider_id, SERVED, NOW)
            return "retired"
        except managed.BreaksLaw:
            return "refused"

    retiring = [functools.partial(retire, provider_id=provider_id) for provider_id in ("outside", "another")]
    outcomes = [outcome for _kind, outcome in at_once(path, retiring)]
    assert sorted(outcomes) == ["refused", "retired"]
    db = open_database(path)
    assert len(managed.load(db).providers) == 2


def test_a_booking_from_a_stale_worker_cannot_land_at_a_retired_provider_or_a_closed_day(seeded):
    class StaleCase:  # a case is anything with these fields (booking.for_case)
        id = make_case(seeded)
        first_contact_day = NOW.date()
        age_band = "25_plus"

    stale = [INSIDE, OUTSIDE, ANOTHER]  # what a worker read before the changes below
    rules = BookingRules(minimum_notice_working_days=1)
    managed.retire_provider(seeded, "another", SERVED, NOW)
    managed.change_provider(seeded, dataclasses.replace(OUTSIDE, closed_dates=(dt.date(2026, 3, 4),)), SERVED, NOW)
    for slot in (slot_at(ANOTHER, 2026, 3, 4, 10), slot_at(OUTSIDE, 2026, 3, 4, 10)):
        with pytest.raises(SlotNotOffered):
            for_case.book_for_case(seeded, StaleCase, slot, "in_person", now=NOW, providers=stale, rules=rules, guarantee_days=14)
    booking = for_case.book_for_case(seeded, StaleCase, slot_at(OUTSIDE, 2026, 3, 5, 10), "in_person", now=NOW,
                                     providers=stale, rules=rules, guarantee_days=14)
    assert booking.provider_id == "outside"
