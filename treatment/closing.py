"""Deleting cases without losing what was delivered: the treated days are kept on the invoice
basis as anonymous lines first (`treatment.invoice.archive_case`), then the case goes with all
that belongs to it (`intake.cases`). The citizen's "delete my data now" and the retention job
both delete through here, since intake, which owns cases, knows nothing of treatment."""

import datetime as dt

from intake import cases
from store.transaction import transaction
from treatment import invoice
from treatment.courses import CourseRules


def delete_case(db, case_id: str, today: dt.date, rates, rules: CourseRules) -> None:
    """Delete one case ("delete my data now"); its days up to `today` stay billable."""
    delete_cases(db, [case_id], today, rates, rules)


def delete_cases(db, case_ids: list[str], today: dt.date, rates, rules: CourseRules) -> int:
    """Keep each case's treated days as anonymous invoice lines, then delete the cases, in one
    transaction; returns how many were deleted."""
    with transaction(db):
        for case_id in case_ids:
            invoice.archive_case(db, case_id, today, rates, rules)
        return cases.delete_cases(db, case_ids)
