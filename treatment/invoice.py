"""The monthly invoice basis (fakturagrundlag) of one provider.

Seed 000: the provider invoices every month at a rate per day (71 kr. from 1 July 2015), with a
basis showing how many citizens were treated in the month, which treatment each received, at
which unit, and whether the municipality or the provider (§ 101a stk. 5) granted it. Lines carry
the referral number only, never the citizen's code.

How the days are counted:

- one line per citizen and granting authority whose treatment ran on at least one day of the
  month (a course a changed decision moved within the month adds its days to the same line);
- a course runs from its start date to its end, both included. The basis works out each course
  as of the month's last day from its recorded sessions (`treatment.courses.course_as_of`), so
  it is up to date without the hourly job and without writing: the end is the day of the
  discharging no-show, the day before passivation, or the last day of its 16 weeks; a course
  still running counts to the month's last day; a course a changed decision superseded counts to
  the day before the change;
- only the days inside the month count;
- each day is paid at the rate in force that day: the latest rate dated on or before it. When
  the rate changes within the month, the line shows the days and amount at each rate;
- amounts are exact to the øre: days × the day's rate, summed.

**Deleted cases stay billable.** Before a case is deleted (by the citizen, or on schedule),
`archive_case` keeps its treated days as anonymous lines: provider, month, treatment, who granted
it, and days per rate, with no referral number and no date finer than the month (this module owns
`archived_invoice_lines` and `archived_invoice_parts`). The basis shows the live lines and these,
so a past month prints the same whenever it is printed; an archived line's referral number is
empty.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from common.spreadsheet import SpreadsheetCsv
from common.text import N_
from treatment import courses

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
    days: int

    @property
    def amount(self) -> Decimal:
        return self.dkk_per_day * self.days


@dataclass(frozen=True)
class InvoiceLine:
    referral_number: str  # empty for a line kept from a deleted case
    treatment: str  # an English msgid for the web layer to translate
    unit: str
    granted_by: str  # courses.MUNICIPALITY or courses.PROVIDER
    parts: tuple[RatePart, ...]  # one per rate in force during the line's days

    @property
    def days(self) -> int:
        return sum(part.days for part in self.parts)

    @property
    def amount(self) -> Decimal:
        return sum((part.amount for part in self.parts), Decimal(0))

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

    @property
    def citizens(self) -> int:
        """How many citizens were treated: one line each."""
        return len(self.lines)

    @property
    def days(self) -> int:
        return sum(line.days for line in self.lines)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def invoice_basis(db, provider_id: str, year: int, month: int, rates, provider_name: str,
                  rules: courses.CourseRules) -> InvoiceBasis:
    """The basis for `provider_id`'s invoice of the month, live lines by referral number and
    then the lines kept from deleted cases. `rates` are (valid_from, dkk_per_day) records such
    as `Settings.rates`; raises `NoRate` for a day before the first of them. Reads only."""
    first, last = _month_days(year, month)
    stretches = courses.treatment_stretches(db, last, rules, provider_id=provider_id, since=first)
    referral_numbers = _referral_numbers(db, {stretch.case_id for stretch in stretches})
    live = [
        InvoiceLine(referral_numbers[case_id], TREATMENT, provider_name, granted_by, parts)
        for (case_id, granted_by), parts in _parts_by_line(stretches, first, last, _sorted(rates)).items()
    ]
    live.sort(key=lambda line: line.referral_number)
    kept = [InvoiceLine("", row["treatment"], provider_name, row["granted_by"], parts)
            for row, parts in _archived_lines(db, provider_id, f"{year:04d}-{month:02d}")]
    return InvoiceBasis(provider_id, provider_name, year, month, (*live, *kept))


def archive_case(db, case_id: str, today: dt.date, rates, rules: courses.CourseRules) -> None:
    """Keep the case's treated days up to `today` (the day it is deleted, which still counts)
    as anonymous lines, one per provider, month and granting authority. Days before the first
    rate are not billable and not kept. Call it in the transaction that deletes the case."""
    stretches = courses.treatment_stretches(db, today, rules, case_id=case_id)
    rates = _sorted(rates)
    for month_first in sorted(set(_months_between(stretches))):
        first, last = _month_days(month_first.year, month_first.month)
        billable_from = max(first, rates[0].valid_from)
        for (provider_id, granted_by), parts in _parts_by_line(
                stretches, billable_from, last, rates, key=lambda s: (s.provider_id, s.granted_by)).items():
            line_id = db["archived_invoice_lines"].insert({
                "provider_id": provider_id, "month": f"{first:%Y-%m}", "treatment": TREATMENT,
                "granted_by": granted_by}).last_pk
            db["archived_invoice_parts"].insert_all(
                {"line_id": line_id, "dkk_per_day": str(part.dkk_per_day), "days": part.days} for part in parts)


def invoice_csv(basis: InvoiceBasis) -> str:
    """Semicolon-separated, decimal comma (what Danish spreadsheets open as they are). One row
    per line and rate (a line whose rate changed has a row for each; `citizens` is 1 on a line's
    first row and 0 on the others, so every column but the rate adds up), then a totals row
    whose first cell is "total". `granted_by` is "municipality" or "provider"."""
    writer = SpreadsheetCsv()
    writer.writerow(["referral_number", "treatment", "unit", "granted_by", "citizens", "days", "dkk_per_day", "amount"])
    for line in basis.lines:
        writer.writerows(
            [line.referral_number, line.treatment, line.unit, line.granted_by, int(index == 0), part.days,
             _kroner(part.dkk_per_day), _kroner(part.amount)]
            for index, part in enumerate(line.parts)
        )
    writer.writerow(["total", "", "", "", basis.citizens, basis.days, "", _kroner(basis.amount)])
    return writer.text()


def _parts_by_line(stretches, first: dt.date, last: dt.date, rates, key=lambda s: (s.case_id, s.granted_by)) -> dict:
    """{line key: rate parts} for the stretches' days within `first`..`last`; stretches with
    the same key (a course moved within the month) add up on one line."""
    days_by_rate: dict[tuple, dict[Decimal, int]] = {}
    for stretch in sorted(stretches, key=lambda s: s.first_day):
        start, end = max(first, stretch.first_day), min(last, stretch.last_day)
        if start > end:
            continue
        line = days_by_rate.setdefault(key(stretch), {})
        for per_day, days in _days_per_rate(start, end, rates):
            line[per_day] = line.get(per_day, 0) + days
    return {key_: tuple(RatePart(per_day, days) for per_day, days in line.items()) for key_, line in days_by_rate.items()}


def _days_per_rate(start: dt.date, end: dt.date, rates) -> list[tuple[Decimal, int]]:
    """Days `start`..`end` counted by the rate in force, in date order."""
    if not rates or start < rates[0].valid_from:
        raise NoRate(start)
    counted = []
    for rate, following in zip(rates, [*rates[1:], None]):
        first = max(start, rate.valid_from)
        last = min(end, following.valid_from - ONE_DAY) if following else end
        if first <= last:
            counted.append((Decimal(str(rate.dkk_per_day)).quantize(Decimal("0.01")), (last - first).days + 1))
    return counted


def _archived_lines(db, provider_id: str, month: str):
    """[(line row, rate parts)] kept for the provider and month, in the order they were kept."""
    lines = list(db.query("select * from archived_invoice_lines where provider_id = ? and month = ? order by id",
                          [provider_id, month]))
    return [
        (line, tuple(RatePart(Decimal(part["dkk_per_day"]), part["days"]) for part in db.query(
            "select dkk_per_day, days from archived_invoice_parts where line_id = ? order by id", [line["id"]])))
        for line in lines
    ]


def _referral_numbers(db, case_ids) -> dict[str, str]:
    if not case_ids:
        return {}
    marks = ", ".join("?" for _ in case_ids)
    rows = db.query(f"select id, referral_number from cases where id in ({marks})", list(case_ids))
    return {row["id"]: row["referral_number"] for row in rows}


def _months_between(stretches):
    """The first day of every month a stretch runs through."""
    for stretch in stretches:
        month = dt.date(stretch.first_day.year, stretch.first_day.month, 1)
        while month <= stretch.last_day:
            yield month
            month = (month + dt.timedelta(days=32)).replace(day=1)


def _month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _sorted(rates):
    return sorted(rates, key=lambda rate: rate.valid_from)


def _kroner(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")
