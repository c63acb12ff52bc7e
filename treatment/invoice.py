"""The monthly invoice basis (fakturagrundlag) of one provider.

Seed 000: the provider invoices every month at a rate per day (71 kr. from 1 July 2015), with a
basis showing how many citizens were treated in the month, which treatment each received and at
which unit. Lines carry the referral number only, never the citizen's code.

How the days are counted:

- one line per referral number whose course ran on at least one day of the month;
- a course runs from its start date to its end, both included: the day of the discharging
  no-show, the day before passivation, or the last day of its 16 weeks (`ended_on`, see
  `treatment.courses`); a course still active runs to the last day of the month;
- only the days inside the month count;
- each day is paid at the rate in force that day: the latest rate dated on or before it. When
  the rate changes within the month, the line shows the days and amount at each rate;
- amounts are exact to the øre: days × the day's rate, summed.

Run `treatment.courses.refresh_course_states` first, so that courses whose time is up are ended.
"""

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from common.text import N_

TREATMENT = N_("16-week anonymous group course (§ 101a)")
ONE_DAY = dt.timedelta(days=1)


class NoRate(ValueError):
    """A day to be paid comes before the first rate in the rate table."""

    def __init__(self, day: dt.date):
        super().__init__(f"no rate applies on {day.isoformat()}")
        self.day = day


@dataclass(frozen=True)
class RatePart:
    dkk_per_day: Decimal
    first_day: dt.date
    last_day: dt.date
    days: int
    amount: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    referral_number: str
    treatment: str  # an English msgid for the web layer to translate
    unit: str
    granted_by: str
    first_day: dt.date
    last_day: dt.date
    days: int
    amount: Decimal
    parts: tuple[RatePart, ...]  # one per rate in force during the line's days

    @property
    def rate_changed(self) -> bool:
        return len(self.parts) > 1


@dataclass(frozen=True)
class InvoiceBasis:
    provider_id: str
    provider_name: str
    year: int
    month: int
    lines: tuple[InvoiceLine, ...]
    days: int
    amount: Decimal

    @property
    def citizens(self) -> int:
        return len(self.lines)


def invoice_basis(db, provider_id: str, year: int, month: int, rates, provider_name: str) -> InvoiceBasis:
    """The basis for `provider_id`'s invoice of the month. `rates` are (valid_from, dkk_per_day)
    records such as `Settings.rates`; raises `NoRate` for a day before the first of them."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    rows = db.query(
        "select cases.referral_number, courses.start_date, courses.ended_on, courses.granted_by"
        " from courses join cases on cases.id = courses.case_id"
        " where courses.provider_id = ? and courses.start_date <= ?"
        " and (courses.ended_on is null or courses.ended_on >= ?) order by cases.referral_number",
        [provider_id, last.isoformat(), first.isoformat()],
    )
    lines = []
    for row in rows:
        start = max(first, dt.date.fromisoformat(row["start_date"]))
        end = min(last, dt.date.fromisoformat(row["ended_on"])) if row["ended_on"] else last
        parts = _rate_parts(start, end, sorted(rates, key=lambda rate: rate.valid_from))
        lines.append(
            InvoiceLine(
                referral_number=row["referral_number"],
                treatment=TREATMENT,
                unit=provider_name,
                granted_by=row["granted_by"],
                first_day=start,
                last_day=end,
                days=sum(part.days for part in parts),
                amount=sum((part.amount for part in parts), Decimal(0)),
                parts=parts,
            )
        )
    return InvoiceBasis(
        provider_id=provider_id,
        provider_name=provider_name,
        year=year,
        month=month,
        lines=tuple(lines),
        days=sum(line.days for line in lines),
        amount=sum((line.amount for line in lines), Decimal(0)),
    )


def invoice_csv(basis: InvoiceBasis) -> str:
    """Semicolon-separated, decimal comma, ISO dates (what Danish spreadsheets open as they are).
    One row per line and rate (a line whose rate changed has a row for each), then a totals row
    whose first cell is "total"."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["referral_number", "treatment", "unit", "granted_by", "first_day", "last_day",
                     "days", "dkk_per_day", "amount"])
    for line in basis.lines:
        writer.writerows(
            [line.referral_number, line.treatment, line.unit, line.granted_by, part.first_day.isoformat(),
             part.last_day.isoformat(), part.days, _kroner(part.dkk_per_day), _kroner(part.amount)]
            for part in line.parts
        )
    writer.writerow(["total", "", "", "", "", "", basis.days, "", _kroner(basis.amount)])
    return out.getvalue()


def _rate_parts(start: dt.date, end: dt.date, rates) -> tuple[RatePart, ...]:
    """Days `start`..`end` split by the rate in force, in date order."""
    if not rates or start < rates[0].valid_from:
        raise NoRate(start)
    parts = []
    for rate, following in zip(rates, [*rates[1:], None]):
        first = max(start, rate.valid_from)
        last = min(end, following.valid_from - ONE_DAY) if following else end
        if first <= last:
            per_day = Decimal(str(rate.dkk_per_day)).quantize(Decimal("0.01"))
            days = (last - first).days + 1
            parts.append(RatePart(per_day, first, last, days, per_day * days))
    return tuple(parts)


def _kroner(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")
