"""Deleting cases without losing what was delivered: the treated days are kept on the invoice
basis as anonymous lines first (`treatment.invoice.archive_case`), then the case goes with all
that belongs to it (`intake.cases`). The citizen's "delete my data now" and the retention job
both delete through here (by way of `retention.schedule.delete_cases`), since intake, which owns
cases, knows nothing of treatment."""

import datetime as dt

from intake import cases
from store.transaction import transaction
from treatment import invoice
from treatment.courses import CourseRules


def delete_cases(db, case_ids: list[str], today: dt.date, rates, rules: CourseRules) -> list[str]:
    """Keep each case's treated days (up to `today`) as anonymous invoice lines, then delete the
    cases, in one transaction; returns the referral numbers of the deleted cases."""
    with transaction(db):
        for case_id in case_ids:
            invoice.archive_case(db, case_id, today, rates, rules)
        return cases.delete_cases(db, case_ids)
