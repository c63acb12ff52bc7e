"""The monthly invoice basis: days counted per course within the month, at the day's rate."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from app.config import Rate
from treatment import courses
from treatment.courses import ATTENDED, NO_SHOW
from treatment.invoice import TREATMENT, NoRate, invoice_basis, invoice_csv

from builders_course import OTHER_PROVIDER, RULES, attending, granted_course, make_case, sessions

RATES = (Rate(dt.date(2015, 7, 1), 71.0),)
UNIT = "Lænke-ambulatoriet Hvidovre"


def basis(db, year, month, rates=RATES):
    return invoice_basis(db, "p1", year, month, rates, UNIT, RULES)


def test_an_active_course_counts_every_day_of_the_month_at_71(db):
    case_id = granted_course(db, dt.date(2026, 2, 20))
    attending(db, case_id, dt.date(2026, 3, 10), dt.date(2026, 3, 25))
    result = basis(db, 2026, 3)
    (line,) = result.lines
    referral = db["cases"].get(case_id)["referral_number"]
    assert (line.referral_number, line.treatment, line.unit, line.granted_by) == (referral, TREATMENT, UNIT, "municipality")
    assert (line.days, line.amount) == (31, Decimal("2201.00"))
    assert (result.citizens, result.days, result.amount) == (1, 31, Decimal("2201.00"))
    assert not line.rate_changed


def test_a_course_starting_on_the_31st_counts_one_day_that_month(db):
    attending(db, granted_course(db, dt.date(2026, 1, 31)), dt.date(2026, 2, 14))
    (january,) = basis(db, 2026, 1).lines
    assert january.days == 1
    assert basis(db, 2026, 2).lines[0].days == 28


def test_a_course_ending_on_the_1st_counts_one_day_that_month(db):
    case_id = granted_course(db, dt.date(2026, 3, 16))
    sessions(db, case_id, (dt.date(2026, 3, 30), ATTENDED), (dt.date(2026, 3, 31), NO_SHOW), (dt.date(2026, 4, 1), NO_SHOW))
    (april,) = basis(db, 2026, 4).lines
    assert (april.days, april.amount) == (1, Decimal("71.00"))
    assert basis(db, 2026, 5).lines == ()


def test_february_of_a_leap_year_has_29_days(db):
    attending(db, granted_course(db, dt.date(2028, 1, 15)), dt.date(2028, 2, 1), dt.date(2028, 2, 20))
    (line,) = basis(db, 2028, 2).lines
    assert (line.days, line.amount) == (29, Decimal("2059.00"))


def test_a_passive_course_counts_up_to_the_day_before_passivation(db):
    case_id = granted_course(db, dt.date(2026, 3, 2))
    courses.refresh_course_states(db, dt.date(2026, 4, 15), RULES)
    (line,) = basis(db, 2026, 3).lines
    assert line.days == 21
    assert courses.course_for(db, case_id).state == courses.PASSIVE


def test_a_rate_change_mid_month_pays_each_day_at_its_own_rate(db):
    rates = (Rate(dt.date(2026, 3, 16), 75), *RATES)
    attending(db, granted_course(db, dt.date(2026, 2, 1)), dt.date(2026, 2, 15), dt.date(2026, 3, 5), dt.date(2026, 3, 20))
    (line,) = basis(db, 2026, 3, rates).lines
    assert line.rate_changed
    assert [(p.dkk_per_day, p.days, p.amount) for p in line.parts] == [
        (Decimal("71.00"), 15, Decimal("1065.00")),
        (Decimal("75.00"), 16, Decimal("1200.00")),
    ]
    assert (line.days, line.amount) == (31, Decimal("2265.00"))


def test_a_day_before_the_first_rate_is_an_error(db):
    granted_course(db, dt.date(2015, 6, 20))
    with pytest.raises(NoRate) as error:
        basis(db, 2015, 6)
    assert error.value.day == dt.date(2015, 6, 20)


def test_only_this_providers_courses_that_ran_in_the_month(db):
    granted_course(db, dt.date(2026, 3, 5), provider_id=OTHER_PROVIDER)
    granted_course(db, dt.date(2026, 4, 1))
    ended = granted_course(db, dt.date(2026, 1, 5))
    sessions(db, ended, (dt.date(2026, 1, 6), NO_SHOW), (dt.date(2026, 1, 7), NO_SHOW))
    assert basis(db, 2026, 3).lines == ()


def test_several_lines_are_sorted_by_referral_number_and_totalled(db):
    attending(db, granted_course(db, dt.date(2026, 3, 1), referral_number="R-BBBB"), dt.date(2026, 3, 15))
    granted_course(db, dt.date(2026, 3, 30), referral_number="R-AAAA")
    result = basis(db, 2026, 3)
    assert [(line.referral_number, line.days) for line in result.lines] == [("R-AAAA", 2), ("R-BBBB", 31)]
    assert (result.citizens, result.days, result.amount) == (2, 33, Decimal("2343.00"))


def test_the_csv_parses_back_with_semicolons_and_decimal_commas(db):
    running = granted_course(db, dt.date(2026, 2, 1), referral_number="R-AAAA")
    attending(db, running, dt.date(2026, 2, 15), dt.date(2026, 3, 5), dt.date(2026, 3, 20))
    granted_course(db, dt.date(2026, 3, 20), referral_number="R-BBBB")
    text = invoice_csv(basis(db, 2026, 3, (Rate(dt.date(2026, 3, 16), 75.5), *RATES)))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["referral_number", "treatment", "unit", "granted_by", "citizens", "days", "dkk_per_day", "amount"]
    assert rows[1] == ["R-AAAA", TREATMENT, UNIT, "municipality", "1", "15", "71,00", "1065,00"]
    assert rows[2] == ["R-AAAA", TREATMENT, UNIT, "municipality", "0", "16", "75,50", "1208,00"]
    assert rows[3][0] == "R-BBBB" and rows[3][4:] == ["1", "12", "75,50", "906,00"]
    assert rows[4] == ["total", "", "", "", "2", "43", "", "3179,00"]


def test_the_basis_works_out_course_states_as_of_the_months_end_without_writing(db):
    # Given a course begun on 2 March that nobody came to, and no hourly job since
    case_id = granted_course(db, dt.date(2026, 3, 2))
    changes = db.conn.total_changes
    # When March is printed
    (line,) = basis(db, 2026, 3).lines
    # Then it counts up to the day before passivation (22 March), and nothing was written
    assert line.days == 21
    assert db.conn.total_changes == changes
    assert courses.course_for(db, case_id).state == courses.ACTIVE


def test_the_basis_names_who_granted_each_course(db):
    granted_course(db, dt.date(2026, 3, 1), referral_number="R-AAAA")
    own = make_case(db, referral_number="R-BBBB")
    courses.start_course(db, own, "p1", dt.date(2026, 3, 20), courses.PROVIDER)
    rows = list(csv.reader(io.StringIO(invoice_csv(basis(db, 2026, 3))), delimiter=";"))
    assert [(row[0], row[1], row[2], row[3]) for row in rows[1:3]] == [
        ("R-AAAA", TREATMENT, UNIT, "municipality"), ("R-BBBB", TREATMENT, UNIT, "provider")]
    assert rows[-1][4] == "2"
