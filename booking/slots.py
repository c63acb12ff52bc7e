"""Slots: the times a provider can hold a clarifying conversation.

Opening hours are local (Europe/Copenhagen); slots are stored and compared in UTC, so a slot at
09:00 stays at 09:00 on the wall clock across the daylight-saving changes.

Closing days give no slots. Every provider closes on the law's public holidays (helligdage: the
`holidays` package's "public" category for Denmark). Days off that are customary but no public
holiday (Constitution Day, Christmas Eve, New Year's Eve, 1 May) are each provider's own choice:
its `closed_yearly` month-days (the embedded configuration closes on 5 June, 24 and 31 December)
and its one-off `closed_dates`.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays

from booking.providers import Provider
from common.clock import COPENHAGEN, UTC

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOT_ID_FORMAT = "%Y%m%dT%H%MZ"


class UnknownSlot(ValueError):
    """A slot id that names no slot of that provider (malformed, closed, or outside hours)."""


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: dt.datetime  # aware, UTC
    provider_id: str
    minutes: int

    @property
    def id(self) -> str:
        return f"{self.provider_id}@{self.starts_at.strftime(SLOT_ID_FORMAT)}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(COPENHAGEN)


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    """The public holidays (helligdage) of `year` in Denmark."""
    return frozenset(holidays.Denmark(years=year, categories=("public",)))


def is_closed(provider: Provider, day: dt.date) -> bool:
    return (
        day in public_holidays(day.year)
        or day.strftime("%m-%d") in provider.closed_yearly
        or day in provider.closed_dates
    )


def provider_slots(provider: Provider, start: dt.datetime, end: dt.datetime) -> list[Slot]:
    """Every slot of `provider` starting in [start, end), in time order."""
    first_day = start.astimezone(COPENHAGEN).date()
    last_day = end.astimezone(COPENHAGEN).date()
    slots = []
    day = first_day
    while day <= last_day:
        slots.extend(s for s in _day_slots(provider, day) if start <= s.starts_at < end)
        day += dt.timedelta(days=1)
    return slots


def _day_slots(provider: Provider, day: dt.date) -> list[Slot]:
    if is_closed(provider, day):
        return []
    length = dt.timedelta(minutes=provider.slot_minutes)
    slots = []
    for span in provider.opening_hours.get(WEEKDAYS[day.weekday()], ()):
        opens, closes = (dt.datetime.combine(day, dt.time.fromisoformat(t)) for t in span.split("-"))
        local = opens
        while local + length <= closes:
            if _exists(local):
                starts_at = local.replace(tzinfo=COPENHAGEN).astimezone(UTC)
                slots.append(Slot(starts_at, provider.id, provider.slot_minutes))
            local += length
    return slots


def _exists(naive_local: dt.datetime) -> bool:
    """False for a wall-clock time skipped when the clocks go forward."""
    aware = naive_local.replace(tzinfo=COPENHAGEN)
    return aware.astimezone(UTC).astimezone(COPENHAGEN).replace(tzinfo=None) == naive_local


def parse_slot_id(slot_id: str) -> tuple[str, dt.datetime]:
    """(provider id, start in UTC) from `provider@YYYYMMDDTHHMMZ`; raises `UnknownSlot`."""
    provider_id, _, stamp = (slot_id or "").partition("@")
    try:
        starts_at = dt.datetime.strptime(stamp, SLOT_ID_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise UnknownSlot(slot_id) from None
    return provider_id, starts_at


def slot_of(provider: Provider, starts_at: dt.datetime) -> Slot:
    """The provider's slot starting at `starts_at`; raises `UnknownSlot` if it has none then."""
    window_end = starts_at + dt.timedelta(minutes=1)
    matches = [s for s in provider_slots(provider, starts_at, window_end) if s.starts_at == starts_at]
    if not matches:
        raise UnknownSlot(f"{provider.id}@{starts_at.isoformat()}")
    return matches[0]


def next_opening_hour(now: dt.datetime) -> dt.datetime:
    """Slots are offered from the next whole hour on, so nobody books a slot already begun."""
    return (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
