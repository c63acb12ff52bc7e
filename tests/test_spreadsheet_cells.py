"""CSV cells a spreadsheet would run as formulas are neutralised (issue 11 item 2), in the
invoice basis and in the monthly statistics."""

import csv
import io
from decimal import Decimal

import pytest

from stats.monthly import Figure, MonthStatistics, statistics_csv
from treatment.invoice import InvoiceBasis, InvoiceLine, RatePart, invoice_csv

FORMULAS = ["=HYPERLINK(\"https://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize("formula", FORMULAS)
def test_invoice_cells_never_start_a_formula(formula):
    line = InvoiceLine(referral_number=formula, treatment="course", unit=formula, granted_by="municipality",
                       parts=(RatePart(Decimal(71), 3),))
    rows = cells(invoice_csv(InvoiceBasis("p1", "Place", 2026, 3, (line,))))
    assert rows[1][0] == rows[1][2] == "'" + formula
    assert rows[1][5] == "3" and rows[1][7] == "213,00"  # numbers stay numbers


@pytest.mark.parametrize("formula", FORMULAS)
def test_statistics_cells_never_start_a_formula(formula):
    report = MonthStatistics(2026, 3, (Figure("cases", "Cases", None, "<5"),),
                             ((formula, (Figure("cases", "Cases", 7, "7"),)),))
    rows = cells(statistics_csv(report))
    assert rows[1][3] == "<5" and rows[2][1] == "'" + formula and rows[2][3] == "7"
