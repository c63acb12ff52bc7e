"""The treatment guarantee (§ 101 stk. 2: treatment offered within 14 days of contact), in one
place: the deadline of a case, whether a slot keeps it, and which cases are at risk.

A case is *at risk* when no fitting provider has a free slot before its deadline. The flag is
set when a case is created and recomputed by the hourly job (`retention.jobs`) for every case
still waiting for its conversation; the intake queue shows flagged cases first.
"""

import datetime as dt
from dataclasses import dataclass

from common.clock import day_start
from store.transaction import transaction


@dataclass(frozen=True)
class Guarantee:
    """The guarantee of one case: `guarantee_days` after the day of first contact."""

    first_contact_day: dt.date
    guarantee_days: int

    @property
    def last_day(self) -> dt.date:
        """The last day within the guarantee (a Copenhagen date)."""
        return self.first_contact_day + dt.timedelta(days=self.guarantee_days)

    @property
    def deadline(self) -> dt.datetime:
        """The end of the last day (local midnight), as an aware UTC datetime."""
        return day_start(self.last_day + dt.timedelta(days=1))

    def kept_by(self, conversation_day: dt.date) -> bool:
        """Whether a conversation on this (Copenhagen) day keeps the guarantee."""
        return conversation_day <= self.last_day


def at_risk(offers) -> bool:
    """True when none of the case's offers has a free slot within the guarantee."""
    return not any(offer.within_guarantee for offer in offers)


def mark_at_risk(db, case_id: str, risky: bool) -> None:
    """Set or clear the case's flag (idempotent)."""
    with transaction(db):
        if risky:
            db.execute(
                "insert or ignore into guarantee_at_risk (case_id)"
                " select id from cases where id = ?", [case_id]
            )
        else:
            db.execute("delete from guarantee_at_risk where case_id = ?", [case_id])


def is_at_risk(db, case_id: str) -> bool:
    return next(db.query("select 1 as flagged from guarantee_at_risk where case_id = ?", [case_id]), None) is not None


def waiting_case_ids(db, today: dt.date, guarantee_days: int) -> list[str]:
    """Cases whose guarantee still runs and that wait for a conversation: no pending or confirmed
    booking, no conversation held or missed, no decision."""
    earliest = (today - dt.timedelta(days=guarantee_days)).isoformat()
    return [
        row["id"]
        for row in db.query(
            "select id from cases where first_contact_day >= ?"
            " and not exists (select 1 from bookings b where b.case_id = cases.id"
            "   and b.state in ('pending', 'confirmed', 'attended', 'no_show'))"
            " and not exists (select 1 from decisions d where d.case_id = cases.id)",
            [earliest],
        )
    ]
