"""The municipality's decision after the clarifying conversation (§ 101a stk. 4), and what
follows from it, in one transaction: the conversation's booking is closed (attended or no-show),
a granted decision starts the course, and the statistics count the outcome.

The decision cannot be appealed to another authority (§ 101a stk. 6); the citizen is told so.

A course starts no earlier than the clarifying conversation: the day of the case's attended
booking, or, for a case without one (decided after a phone conversation), the day of the
decision.

A decision may be changed, with a reason (`change_reason`). The reason is free text about the
person, so it is sealed like a decline note (`store.sealing`) and only staff's case page opens
it; the audit log records that the decision changed and to what, not why. Its consequences
follow in the same transaction:

- the statistics take back the earlier outcome and count the new one, so every case counts once,
  with its current outcome; the conversation is counted once, by whichever decision closed it,
  and a change to or from "did not attend" corrects it (attended ↔ no-show) and its count;
- a course the earlier decision started ends when the new decision does not grant that same
  place and start: granted → not granted or did not attend, or a change of place or start date.
  The day of the change is the first day without the old decision, so the days before it stay
  billable and the change day is not (`treatment.courses.supersede_course`); a course that had
  not begun is simply replaced;
- a granted change then starts the new course; when an earlier course had begun, the new one
  starts no earlier than the day of the change, so no day is billed twice.

Recording the same decision again is no change. A course the provider granted itself (§ 101a
stk. 5) is left as it is.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import partial

from booking import bookings
from booking.guarantee import Guarantee
from stats import monthly
from store.sealing import Vault, reseal_notes, seal_note
from store.times import day, parse_day
from store.transaction import Part, one_value, read_together, row_from, transaction
from treatment import conversation, courses

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


class StartTooEarly(InvalidDecision):
    """The start date comes before `earliest`: the day of the clarifying conversation, or the
    day of the change when an earlier course had begun."""

    def __init__(self, earliest: dt.date):
        super().__init__("start_date")
        self.earliest = earliest


@dataclass(frozen=True)
class Decision:
    case_id: str
    outcome: str
    provider_id: str | None
    start_date: dt.date | None
    reason: str | None
    decided_day: dt.date
    change_reason: str | None = None  # why staff last changed it
    changed: bool = dataclasses.field(default=False, compare=False)  # `decide` changed an earlier one (not stored)

    def same_as(self, other: "Decision") -> bool:
        """Whether the two decide the same (outcome, place, start and reason)."""
        return (self.outcome, self.provider_id, self.start_date, self.reason) == (
            other.outcome, other.provider_id, other.start_date, other.reason)


def decide(
    db,
    case_id: str,
    first_contact_day: dt.date,
    outcome: str,
    *,
    provider_ids,
    guarantee_days: int,
    rules: courses.CourseRules,
    provider_id: str | None = None,
    start_date: dt.date | None = None,
    reason: str | None = None,
    change_reason: str | None = None,
    vault: Vault | None = None,
    today: dt.date,
    now: dt.datetime,
) -> Decision:
    """Record the decision (raises `InvalidDecision`; `StartTooEarly` for a start before the
    conversation; `conversation.ConversationNotHeld` while the case's booked conversation is still
    to come at `now`), close the conversation, end or move the course of a changed decision, start
    the course if granted, and count what changed. A change needs `change_reason`, stored sealed
    with `vault`."""
    _check(outcome, provider_ids, provider_id, start_date, reason)
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
        decision = _as_change_of(earlier, decision, (change_reason or "").strip() or None)
        _store(db, decision, vault)
        case_guarantee = Guarantee(first_contact_day, guarantee_days)
        held = bookings.close_conversation(db, case_id, attended=outcome != DID_NOT_ATTEND)
        _follow_with_course(db, decision, rules, today)
        _count_outcome(db, earlier, decision)
        if held is not None:
            _count_conversation(db, held, outcome, case_guarantee)
        elif earlier is not None:
            _correct_attendance(db, earlier, decision, case_guarantee)
    return decision


def decision_for(db, case_id: str, vault: Vault | None = None) -> Decision | None:
    """The case's decision; with `vault`, its change reason opened (for staff)."""
    return read_together(db, decision_part(case_id, vault))[0]


#: A decision's stored columns, and the SELECT of a case's as one value.
_COLUMNS = ("case_id", "outcome", "provider_id", "start_date", "reason", "decided_day", "change_reason")
_OF_CASE = f"select {one_value(_COLUMNS)} from decisions where case_id = ?"


def decision_part(case_id: str, vault: Vault | None = None) -> Part:
    """`decision_for` as a part of `store.transaction.read_together`."""
    return Part(_OF_CASE, (case_id,), _decision_of if vault is None else partial(_decision_of, vault=vault))


def _decision_of(written: str | None, vault: Vault | None = None) -> Decision | None:
    row = row_from(_COLUMNS, written)
    if row is None:
        return None
    return Decision(
        case_id=row["case_id"],
        outcome=row["outcome"],
        provider_id=row["provider_id"],
        start_date=parse_day(row["start_date"]),
        reason=row["reason"],
        decided_day=parse_day(row["decided_day"]),
        change_reason=vault.open(row["change_reason"]) if vault and row["change_reason"] else None,
    )


def reseal_change_reasons(db, old: Vault, new: Vault) -> int:
    """Re-seal the reasons for changed decisions under `new` (`store.sealing.reseal_notes`)."""
    return reseal_notes(db, "decisions", "case_id", "change_reason", old, new)


def _store(db, decision: Decision, vault: Vault | None) -> None:
    db["decisions"].upsert(
        {
            "case_id": decision.case_id,
            "outcome": decision.outcome,
            "provider_id": decision.provider_id,
            "start_date": day(decision.start_date),
            "reason": decision.reason,
            "decided_day": day(decision.decided_day),
            "change_reason": seal_note(decision.change_reason, vault),
        },
        pk="case_id",
    )


def _as_change_of(earlier: Decision | None, decision: Decision, change_reason: str | None) -> Decision:
    """The decision to store: the same one again keeps the earlier as it was (counted then);
    a change needs its reason, and an unchanged outcome keeps the day it was counted on."""
    if earlier is None:
        return decision
    if earlier.same_as(decision):
        return earlier
    if change_reason is None:
        raise InvalidDecision("change_reason")
    decided_day = earlier.decided_day if earlier.outcome == decision.outcome else decision.decided_day
    return dataclasses.replace(decision, decided_day=decided_day, change_reason=change_reason, changed=True)


def _follow_with_course(db, decision: Decision, rules: courses.CourseRules, today: dt.date) -> None:
    """End the course the municipality granted when this decision does not grant it, then
    start the granted one (a course the provider granted itself stays)."""
    course = courses.course_for(db, decision.case_id)
    if course is not None and course.granted_by == courses.MUNICIPALITY and (
            decision.outcome, decision.provider_id, decision.start_date) != (GRANTED, course.provider_id, course.start_date):
        courses.supersede_course(db, decision.case_id, today, rules)
        course = None
    if decision.outcome != GRANTED or course is not None:
        return
    earliest = _earliest_start(db, decision.case_id, today)
    if decision.start_date < earliest:
        raise StartTooEarly(earliest)
    courses.start_course(db, decision.case_id, decision.provider_id, decision.start_date, courses.MUNICIPALITY)


def _earliest_start(db, case_id: str, today: dt.date) -> dt.date:
    """The day of the clarifying conversation (the attended booking's day, else the day of the
    decision); the day of the change when a changed decision ended a course that had begun."""
    row = next(db.query("select id from bookings where case_id = ? and state = ? order by starts_at desc limit 1",
                        [case_id, bookings.ATTENDED]), None)
    conversation_day = bookings.get_booking(db, row["id"]).local_day if row else today
    return max(conversation_day, today) if courses.has_superseded_course(db, case_id) else conversation_day


def _check(outcome, provider_ids, provider_id, start_date, reason) -> None:
    if outcome not in OUTCOMES:
        raise InvalidDecision("outcome")
    if outcome == GRANTED and provider_id not in provider_ids:
        raise InvalidDecision("provider_id")
    if outcome == GRANTED and start_date is None:
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


def _correct_attendance(db, earlier: Decision, decision: Decision, case_guarantee: Guarantee) -> None:
    """A change to or from "did not attend" corrects the conversation the earlier decision
    closed, and the statistics take back how it was counted and count it as corrected."""
    came = decision.outcome != DID_NOT_ATTEND
    if came == (earlier.outcome != DID_NOT_ATTEND):
        return
    closed = bookings.correct_attendance(db, decision.case_id, attended=came)
    if closed is None:
        return
    _count_conversation(db, closed, earlier.outcome, case_guarantee, take_back=True)
    _count_conversation(db, closed, decision.outcome, case_guarantee)


def _count_conversation(db, booking: bookings.Booking, outcome: str, case_guarantee: Guarantee,
                        take_back: bool = False) -> None:
    """Count the conversation a decision closed: held (with its delay) or a no-show; with
    `take_back`, withdraw that count instead."""
    conversation_day = booking.local_day
    if outcome == DID_NOT_ATTEND:
        no_show = monthly.withdraw_event if take_back else monthly.count_event
        no_show(db, monthly.NO_SHOW, conversation_day, booking.provider_id)
        return
    held = monthly.withdraw_conversation if take_back else monthly.count_conversation
    waited = (conversation_day - case_guarantee.first_contact_day).days
    held(db, conversation_day, booking.provider_id, waited, case_guarantee.kept_by(conversation_day))
