"""Deleting a case keeps the days it was treated on the invoice basis, as lines that lead back
to no case: a past month's basis prints the same whenever it is printed."""

import csv
import datetime as dt
import io
from decimal import Decimal

from app.config import Rate
from retention import schedule
from treatment import closing, courses
from treatment.courses import NO_SHOW
from treatment.invoice import invoice_basis, invoice_csv

from builders_course import RULES, attending, granted_course, make_case, sessions

RATES = (Rate(dt.date(2015, 7, 1), 71.0), Rate(dt.date(2026, 3, 16), 75.5))
UNIT = "Lænke-ambulatoriet Hvidovre"
KEEP_DAYS = 180


def printed(db, year, month):
    """The basis and its CSV rows, as the provider would print them."""
    basis = invoice_basis(db, "p1", year, month, RATES, UNIT, RULES)
    return basis, list(csv.reader(io.StringIO(invoice_csv(basis)), delimiter=";"))


def without_referral_numbers(rows):
    return sorted(["", *row[1:]] for row in rows)


def test_march_prints_the_same_after_its_cases_are_deleted_and_purged(db):
    # Given March: a course running all month, one discharged on 10 March, one the provider granted itself
    running = granted_course(db, dt.date(2026, 2, 20))
    attending(db, running, dt.date(2026, 3, 10), dt.date(2026, 3, 25))
    discharged = granted_course(db, dt.date(2026, 3, 2))
    sessions(db, discharged, (dt.date(2026, 3, 9), NO_SHOW), (dt.date(2026, 3, 10), NO_SHOW))
    own = make_case(db)
    courses.start_course(db, own, "p1", dt.date(2026, 3, 20), courses.PROVIDER)
    # and March printed on 5 April
    march, march_rows = printed(db, 2026, 3)
    assert (march.citizens, march.days, march.amount) == (3, 31 + 9 + 12, Decimal("3818.00"))

    # When the person on the running course deletes their data on 6 April, and the hourly job
    # deletes the other two half a year after they ended
    closing.delete_cases(db, [running], dt.date(2026, 4, 6), RATES, RULES)
    courses.refresh_course_states(db, dt.date(2026, 11, 1), RULES)
    assert schedule.purge_ended_cases(db, dt.date(2026, 11, 1), KEEP_DAYS, RATES, RULES) == 2
    assert db["cases"].count == 0

    # Then March prints the same, only without referral numbers
    again, again_rows = printed(db, 2026, 3)
    assert (again.citizens, again.days, again.amount) == (march.citizens, march.days, march.amount)
    assert without_referral_numbers(again_rows) == without_referral_numbers(march_rows)
    assert {line.referral_number for line in again.lines} == {""}


def test_the_day_of_deletion_is_the_last_day_billed(db):
    running = granted_course(db, dt.date(2026, 2, 20))
    attending(db, running, dt.date(2026, 3, 10), dt.date(2026, 3, 25))
    closing.delete_cases(db, [running], dt.date(2026, 4, 6), RATES, RULES)
    april, _rows = printed(db, 2026, 4)
    assert (april.citizens, april.days) == (1, 6)
    assert printed(db, 2026, 2)[0].days == 9
    assert printed(db, 2026, 5)[0].lines == ()


def test_a_case_deleted_before_its_course_starts_leaves_nothing_to_bill(db):
    later = granted_course(db, dt.date(2026, 4, 10))
    closing.delete_cases(db, [later], dt.date(2026, 4, 6), RATES, RULES)
    assert printed(db, 2026, 4)[0].lines == ()


def test_the_kept_lines_hold_no_referral_number_and_no_day(db):
    closing.delete_cases(db, [granted_course(db, dt.date(2026, 2, 20))], dt.date(2026, 4, 6), RATES, RULES)
    kept = [*db["archived_invoice_lines"].rows, *db["archived_invoice_parts"].rows]
    text = " ".join(str(value) for row in kept for value in row.values())
    assert "R-" not in text and "2026-02-20" not in text and "2026-04-06" not in text
    assert {row["month"] for row in db["archived_invoice_lines"].rows} == {"2026-02", "2026-03"}  # passive from 13 March
