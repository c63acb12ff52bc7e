"""A screening from its first answer to a stored case: what the citizen's chat and the staff's
phone intake share, whatever the web layer keeps between requests.

The statistics count a chat as started when its first answer is saved (viewing the first
question counts nothing), and a screening as completed when its case is created.
"""

import datetime as dt

from intake import cases
from intake.eligibility import Assessment
from stats import monthly
from store.sealing import Vault
from store.transaction import transaction


def count_started(db, today: dt.date) -> None:
    """A person saved their first answer today."""
    monthly.count_event(db, monthly.CHAT_STARTED, today)


class AlreadyFinished(Exception):
    """The screening's case was made already (the same form sent twice at once)."""


def finish(
    db,
    vault: Vault,
    code_key: bytes,
    *,
    answers: dict,
    assessment: Assessment,
    first_contact_day: dt.date,
    today: dt.date,
    created_via: str = cases.WEB,
    case_id: str | None = None,
) -> tuple[str, str]:
    """Store the finished screening as a sealed case and count its outcome, in one transaction;
    returns (case id, the new code). The code itself is stored nowhere. `case_id`, the id the
    screening's case is to have, makes it once: `AlreadyFinished` when that case exists."""
    with transaction(db):
        if case_id is not None and cases.case_exists(db, case_id):
            raise AlreadyFinished(case_id)
        created = cases.create_case(
            db, vault, code_key, answers=answers, assessment=assessment,
            first_contact_day=first_contact_day, created_via=created_via, case_id=case_id,
        )
        monthly.count_event(db, monthly.SCREENING_EVENTS[assessment.outcome], today)
    return created
