"""The one text form of stored times, so that text order is time order in SQL.

- an instant: UTC to the second, `2026-03-02T08:15:00Z` (`stamp` / `parse_stamp`);
- a day: `2026-03-02` (`day` / `parse_day`), a Copenhagen date where a person is concerned.

DESIGN.md decides which precision each stored time may have (a citizen's times are days).
"""

import datetime as dt

from common.clock import UTC

#: `2026-03-02T08:15:00Z`, filled from the fields: `strftime` took four times as long (a request
#: with a session stamps twice).
STAMP_FORMAT = "%04d-%02d-%02dT%02d:%02d:%02dZ"


def stamp(moment: dt.datetime) -> str:
    """An aware datetime as stored: UTC, to the second."""
    if moment.tzinfo is None:
        raise ValueError("a stored instant must be aware")
    utc = moment.astimezone(UTC)
    return STAMP_FORMAT % (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def parse_stamp(text: str | None) -> dt.datetime | None:
    """The aware UTC datetime of a stored stamp; None for None. Read by `fromisoformat`, a sixth
    of `strptime`'s time (a page of bookings reads hundreds), after checking the text has the
    stored form: `fromisoformat` alone would also take an offset, or a date alone."""
    if not text:
        return None
    if len(text) != len("2026-03-02T08:15:00Z") or text[10] != "T" or text[19] != "Z":
        raise ValueError(f"not a stored instant: {text!r}")
    return dt.datetime.fromisoformat(text[:19]).replace(tzinfo=UTC)


def day(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def parse_day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
