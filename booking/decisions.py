"""The municipality's decision after the clarifying conversation (§ 101a stk. 4).

The decision cannot be appealed to another authority (§ 101a stk. 6); the citizen is told so.
Recording it also closes the conversation's booking: attended, or no-show.
"""

import datetime as dt
from dataclasses import dataclass

from booking import bookings

GRANTED = "granted"
NOT_GRANTED = "not_granted"
DID_NOT_ATTEND = "did_not_attend"
OUTCOMES = (GRANTED, NOT_GRANTED, DID_NOT_ATTEND)
#: Why a course was not granted; the citizen sees the reason in their language.
NOT_GRANTED_REASONS = ("other_social_problems", "needs_other_treatment", "not_resident", "other")


class InvalidDecision(ValueError):
    """A decision with a missing or wrong field; `field` names it for the form."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class Decision:
    case_id: str
    outcome: str
    provider_id: str | None
    start_date: dt.date | None
    reason: str | None
    decided_day: dt.date


def record_decision(
    db,
    case_id: str,
    outcome: str,
    *,
    provider_ids,
    provider_id: str | None = None,
    start_date: dt.date | None = None,
    reason: str | None = None,
    today: dt.date,
    now: dt.datetime,
) -> Decision:
    """Check and store the decision; the confirmed booking becomes attended or no-show."""
    _check(outcome, provider_ids, provider_id, start_date, reason, today)
    decision = Decision(
        case_id=case_id,
        outcome=outcome,
        provider_id=provider_id if outcome == GRANTED else None,
        start_date=start_date if outcome == GRANTED else None,
        reason=reason if outcome == NOT_GRANTED else None,
        decided_day=today,
    )
    with bookings.immediate(db):
        db["decisions"].upsert(
            {
                "case_id": case_id,
                "outcome": decision.outcome,
                "provider_id": decision.provider_id,
                "start_date": decision.start_date.isoformat() if decision.start_date else None,
                "reason": decision.reason,
                "decided_day": today.isoformat(),
            },
            pk="case_id",
        )
        _close_booking(db, case_id, outcome)
    return decision


def decision_for(db, case_id: str) -> Decision | None:
    row = next(db.query("select * from decisions where case_id = ?", [case_id]), None)
    if row is None:
        return None
    return Decision(
        case_id=row["case_id"],
        outcome=row["outcome"],
        provider_id=row["provider_id"],
        start_date=dt.date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        reason=row["reason"],
        decided_day=dt.date.fromisoformat(row["decided_day"]),
    )


def _check(outcome, provider_ids, provider_id, start_date, reason, today) -> None:
    if outcome not in OUTCOMES:
        raise InvalidDecision("outcome")
    if outcome == GRANTED and provider_id not in provider_ids:
        raise InvalidDecision("provider_id")
    if outcome == GRANTED and (start_date is None or start_date < today - dt.timedelta(days=31)):
        raise InvalidDecision("start_date")
    if outcome == NOT_GRANTED and reason not in NOT_GRANTED_REASONS:
        raise InvalidDecision("reason")


def _close_booking(db, case_id: str, outcome: str) -> None:
    """A confirmed conversation that has been decided on was attended, or not."""
    row = next(
        db.query("select id from bookings where case_id = ? and state = ?", [case_id, bookings.CONFIRMED]),
        None,
    )
    if row is not None:
        target = bookings.NO_SHOW if outcome == DID_NOT_ATTEND else bookings.ATTENDED
        db.execute("update bookings set state = ? where id = ?", [target, row["id"]])
