"""The municipality's decision after the clarifying conversation (§ 101a stk. 4), and what
follows from it, in one transaction: the conversation's booking is closed (attended or no-show),
a granted decision starts the course, and the statistics count the outcome.

The decision cannot be appealed to another authority (§ 101a stk. 6); the citizen is told so.
A decision may be recorded again (a correction): the statistics then take back the earlier
outcome and count the new one, so every case counts once, with its current outcome; the
conversation is counted once, by whichever decision closed its booking.
"""

import contextlib
import dataclasses
import datetime as dt
from dataclasses import dataclass

from booking import bookings
from booking.guarantee import Guarantee
from stats import monthly
from store.times import day, parse_day
from store.transaction import transaction
from treatment import conversation, courses

GRANTED = "granted"
NOT_GRANTED = "not_granted"
DID_NOT_ATTEND = "did_not_attend"
OUTCOMES = (GRANTED, NOT_GRANTED, DID_NOT_ATTEND)
#: Why a course was not granted; the citizen sees the reason in their language.
NOT_GRANTED_REASONS = ("other_social_problems", "needs_other_treatment", "not_resident", "other")
#: How far back a granted course may start.
START_AT_MOST_DAYS_BACK = 31


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


def decide(
    db,
    case_id: str,
    first_contact_day: dt.date,
    outcome: str,
    *,
    provider_ids,
    guarantee_days: int,
    provider_id: str | None = None,
    start_date: dt.date | None = None,
    reason: str | None = None,
    today: dt.date,
    now: dt.datetime,
) -> Decision:
    """Record the decision (raises `InvalidDecision`, or `conversation.ConversationNotHeld` while
    the case's booked conversation is still to come at `now`), close the conversation, start the
    course if granted (a corrected decision keeps the course it has), and count what changed."""
    _check(outcome, provider_ids, provider_id, start_date, reason, today)
    decision = Decision(
        case_id=case_id,
        outcome=outcome,
        provider_id=provider_id if outcome == GRANTED else None,
        start_date=start_date if outcome == GRANTED else None,
        reason=reason if outcome == NOT_GRANTED else None,
        decided_day=today,
    )
    with transaction(db):
        conversation.require_started(db, case_id, now)
        earlier = decision_for(db, case_id)
        if earlier is not None and earlier.outcome == outcome:
            decision = dataclasses.replace(decision, decided_day=earlier.decided_day)  # counted then
        _store(db, decision)
        held = bookings.close_conversation(db, case_id, attended=outcome != DID_NOT_ATTEND)
        if outcome == GRANTED:
            with contextlib.suppress(courses.CourseExists):
                courses.start_course(db, case_id, provider_id, start_date, courses.MUNICIPALITY)
        _count_outcome(db, earlier, decision)
        if held is not None:
            _count_conversation(db, held, outcome, Guarantee(first_contact_day, guarantee_days))
    return decision


def decision_for(db, case_id: str) -> Decision | None:
    row = next(db.query("select * from decisions where case_id = ?", [case_id]), None)
    if row is None:
        return None
    return Decision(
        case_id=row["case_id"],
        outcome=row["outcome"],
        provider_id=row["provider_id"],
        start_date=parse_day(row["start_date"]),
        reason=row["reason"],
        decided_day=parse_day(row["decided_day"]),
    )


def _store(db, decision: Decision) -> None:
    db["decisions"].upsert(
        {
            "case_id": decision.case_id,
            "outcome": decision.outcome,
            "provider_id": decision.provider_id,
            "start_date": day(decision.start_date),
            "reason": decision.reason,
            "decided_day": day(decision.decided_day),
        },
        pk="case_id",
    )


def _check(outcome, provider_ids, provider_id, start_date, reason, today) -> None:
    if outcome not in OUTCOMES:
        raise InvalidDecision("outcome")
    if outcome == GRANTED and provider_id not in provider_ids:
        raise InvalidDecision("provider_id")
    earliest_start = today - dt.timedelta(days=START_AT_MOST_DAYS_BACK)
    if outcome == GRANTED and (start_date is None or start_date < earliest_start):
        raise InvalidDecision("start_date")
    if outcome == NOT_GRANTED and reason not in NOT_GRANTED_REASONS:
        raise InvalidDecision("reason")


def _count_outcome(db, earlier: Decision | None, decision: Decision) -> None:
    """One outcome per case in the statistics: nothing when it is unchanged; a changed one
    takes the earlier back (in the month it was counted) and counts the new one."""
    if earlier is not None and earlier.outcome == decision.outcome:
        return
    if earlier is not None:
        monthly.withdraw_event(db, monthly.DECISION_EVENTS[earlier.outcome], earlier.decided_day)
    monthly.count_event(db, monthly.DECISION_EVENTS[decision.outcome], decision.decided_day)


def _count_conversation(db, booking: bookings.Booking, outcome: str, case_guarantee: Guarantee) -> None:
    conversation_day = booking.local_day
    if outcome == DID_NOT_ATTEND:
        monthly.count_event(db, monthly.NO_SHOW, conversation_day, booking.provider_id)
        return
    waited = (conversation_day - case_guarantee.first_contact_day).days
    monthly.count_conversation(db, conversation_day, booking.provider_id, waited, case_guarantee.kept_by(conversation_day))
