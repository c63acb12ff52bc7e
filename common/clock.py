"""Time as the service sees it: instants in UTC, days in Copenhagen.

Everything a person sees is in Europe/Copenhagen; everything stored is UTC (`store.times`).
The app reads the time only through one `Clock`, so a test can fix it and move it on.
"""

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class Clock:
    """The system clock."""

    def now(self) -> dt.datetime:
        """This instant, aware, in UTC."""
        return dt.datetime.now(UTC)

    def today(self) -> dt.date:
        """Today's date in Copenhagen."""
        return self.now().astimezone(COPENHAGEN).date()


class FixedClock(Clock):
    """A clock that shows `moment` until a test moves it on."""

    def __init__(self, moment: dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("a fixed clock needs an aware datetime")
        self.moment = moment.astimezone(UTC)

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta) -> None:
        """Move the clock on, e.g. `advance(days=2)`."""
        self.moment += dt.timedelta(**delta)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a Copenhagen day, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(0)).replace(tzinfo=COPENHAGEN).astimezone(UTC)
