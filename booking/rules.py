"""How one installation books (the configuration's `[booking]`): how long a pending booking
holds its slot, how much notice staff get before a conversation, and who confirms a booked time.

The person is anonymous and cannot be contacted, so they must learn the outcome of a booking
from their status page before they set out (issue 10: at 04:44 a person booked 11:00 the same
day, held "until 11:00", before anybody could confirm it). Hence a minimum notice in working
days, a hold that ends before the conversation's day begins (`booking.bookings.hold_until`), and
the choice to have booked times confirmed at once.
"""

import datetime as dt
from dataclasses import dataclass

from booking.slots import next_opening_hour, public_holidays
from common.clock import COPENHAGEN, day_start

STAFF = "staff"  # intake staff confirm each booking; it is pending and holds its slot until then
AUTOMATIC = "automatic"  # a booked time is confirmed at once
CONFIRMATIONS = (STAFF, AUTOMATIC)


@dataclass(frozen=True)
class BookingRules:
    hold_hours: int = 48
    minimum_notice_working_days: int = 1
    confirmation: str = STAFF

    @property
    def confirmed_at_once(self) -> bool:
        return self.confirmation == AUTOMATIC


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a Danish public holiday (`booking.slots.public_holidays`)."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def earliest_start(now: dt.datetime, notice_working_days: int) -> dt.datetime:
    """The first moment a conversation booked at `now` may start.

    Staff get `notice_working_days` working days to confirm, today included when it is a
    working day: times start the day after the last of them. With 1, a person booking on a
    working day gets times from the next day on, and a person booking on a Saturday from
    Tuesday (staff confirm on Monday). 0: from the next whole hour (allowed only with automatic
    confirmation, `app.config`).
    """
    if notice_working_days == 0:
        return next_opening_hour(now)
    day = now.astimezone(COPENHAGEN).date()
    remaining = notice_working_days - is_working_day(day)
    while remaining > 0:
        day += dt.timedelta(days=1)
        remaining -= is_working_day(day)
    return day_start(day + dt.timedelta(days=1))
