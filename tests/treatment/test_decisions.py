"""The municipality's decision after the clarifying conversation, and what follows from it."""

import datetime as dt
import sqlite3
import threading

import pytest

from booking import bookings
from booking.providers import IN_PERSON
from stats import monthly
from store.connection import open_database
from treatment import courses, decisions
from treatment.conversation import ConversationNotHeld, decision_opens_at

from builders import VAULT
from builders_booking import HOLD_HOURS, NOW, local, make_case, make_provider, slot_at
from builders_course import RULES

PROVIDER = make_provider()
TODAY = NOW.date()
#: The day of the conversation `confirmed_booking` books (11:00).
CONVERSATION_DAY = TODAY
#: Noon on TODAY, after the conversation `confirmed_booking` books at 11:00.
AFTER_THE_CONVERSATION = local(2026, 3, 2, 12)


def decide(db, case_id, outcome, today=TODAY, now=AFTER_THE_CONVERSATION, **fields):
    return decisions.decide(db, case_id, TODAY, outcome, provider_ids=["p1"], guarantee_days=14, rules=RULES,
                            change_reason="A correction", vault=VAULT, today=today, now=now, **fields)


#: Two days before TODAY: a booking's hold ends before the conversation's day begins.
BOOKED_AT = NOW - dt.timedelta(days=2)


def confirmed_booking(db, case_id):
    """A conversation at 11:00 on TODAY, booked and confirmed two days before."""
    booking = bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, 2, 11), IN_PERSON, BOOKED_AT, HOLD_HOURS)
    return bookings.change_state(db, booking.id, bookings.CONFIRMED, BOOKED_AT)


def test_granted_needs_a_provider_and_start_date(db):
    case_id = make_case(db)
    with pytest.raises(decisions.InvalidDecision) as error:
        decide(db, case_id, decisions.GRANTED, start_date=TODAY)
    assert error.value.field == "provider_id"
    with pytest.raises(decisions.InvalidDecision) as error:
        decide(db, case_id, decisions.GRANTED, provider_id="p1")
    assert error.value.field == "start_date"
    decision = decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY + dt.timedelta(days=3))
    assert decisions.decision_for(db, case_id) == decision


def test_not_granted_needs_a_listed_reason(db):
    case_id = make_case(db)
    with pytest.raises(decisions.InvalidDecision) as error:
        decide(db, case_id, decisions.NOT_GRANTED, reason="because")
    assert error.value.field == "reason"
    decision = decide(db, case_id, decisions.NOT_GRANTED, reason="other_social_problems", provider_id="p1")
    assert decision.provider_id is None and decision.reason == "other_social_problems"


def test_unknown_outcome_is_refused(db):
    with pytest.raises(decisions.InvalidDecision):
        decide(db, make_case(db), "maybe")


@pytest.mark.parametrize("outcome, state", [(decisions.GRANTED, bookings.ATTENDED), (decisions.DID_NOT_ATTEND, bookings.NO_SHOW)])
def test_deciding_closes_the_confirmed_booking(db, outcome, state):
    case_id = make_case(db)
    booking = confirmed_booking(db, case_id)
    decide(db, case_id, outcome, provider_id="p1", start_date=CONVERSATION_DAY)
    assert bookings.get_booking(db, booking.id).state == state


def test_a_decision_can_be_corrected(db):
    case_id = make_case(db)
    decide(db, case_id, decisions.DID_NOT_ATTEND)
    decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY)
    assert decisions.decision_for(db, case_id).outcome == decisions.GRANTED


def test_deleting_the_case_deletes_its_decision(db):
    case_id = make_case(db)
    decide(db, case_id, decisions.DID_NOT_ATTEND)
    db.execute("delete from cases where id = ?", [case_id])
    assert decisions.decision_for(db, case_id) is None


def decision_counts(db) -> dict[str, int]:
    rows = db.query("select event, sum(delta) as n from statistics_events where event like 'decision_%' group by event")
    return {row["event"]: row["n"] for row in rows if row["n"]}


def test_deciding_again_counts_one_decision_per_case_with_its_current_outcome(db):
    # Given a case decided, changed, and decided again the same way
    case_id = make_case(db)
    decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY)
    decide(db, case_id, decisions.NOT_GRANTED, reason="other")
    decide(db, case_id, decisions.NOT_GRANTED, reason="needs_other_treatment")

    # Then the statistics hold one decision for it: the current one
    assert decision_counts(db) == {"decision_not_granted": 1}
    report = monthly.month_statistics(db, TODAY.year, TODAY.month, ["p1"])
    shown = {figure.key: figure for figure in report.overall}
    assert shown["decision_granted"].shown == "<5" and shown["decision_not_granted"].shown == "<5"


def test_a_change_is_taken_back_in_the_month_the_first_outcome_was_counted(db):
    case_id = make_case(db)
    decide(db, case_id, decisions.DID_NOT_ATTEND, today=dt.date(2026, 2, 27))
    decide(db, case_id, decisions.GRANTED, today=dt.date(2026, 3, 2), provider_id="p1", start_date=dt.date(2026, 3, 2))

    by_month = {(r["month"], r["event"]): r["n"] for r in db.query(
        "select month, event, sum(delta) as n from statistics_events group by month, event")}
    assert by_month[("2026-02", "decision_did_not_attend")] == 0
    assert by_month[("2026-03", "decision_granted")] == 1


def test_the_conversation_is_counted_once_however_often_it_is_decided(db):
    case_id = make_case(db)
    confirmed_booking(db, case_id)
    for outcome in (decisions.GRANTED, decisions.GRANTED, decisions.NOT_GRANTED):
        decide(db, case_id, outcome, provider_id="p1", start_date=CONVERSATION_DAY, reason="other")
    held = db.execute("select count(*) from statistics_events where event = 'conversation_held'").fetchone()[0]
    assert held == 1


def conversation_counts(db) -> dict[str, int]:
    """Net conversation events of each kind."""
    rows = db.query("select event, sum(delta) as n from statistics_events"
                    " where event in ('conversation_held', 'conversation_within_guarantee', 'no_show') group by event")
    return {row["event"]: row["n"] for row in rows}


@pytest.mark.parametrize("first, then, state, held, no_show", [
    (decisions.GRANTED, decisions.DID_NOT_ATTEND, bookings.NO_SHOW, 0, 1),
    (decisions.DID_NOT_ATTEND, decisions.NOT_GRANTED, bookings.ATTENDED, 1, 0),
])
def test_a_decision_changed_to_or_from_did_not_attend_corrects_the_conversation(db, first, then, state, held, no_show):
    # Given a conversation closed by a first decision
    case_id = make_case(db)
    booking = confirmed_booking(db, case_id)
    decide(db, case_id, first, provider_id="p1", start_date=CONVERSATION_DAY, reason="other")
    # When staff correct whether the person came
    decide(db, case_id, then, provider_id="p1", start_date=CONVERSATION_DAY, reason="other")
    # Then the booking says what happened, and the statistics count it once, as corrected
    assert bookings.get_booking(db, booking.id).state == state
    assert conversation_counts(db) == {"conversation_held": held, "conversation_within_guarantee": held,
                                       "no_show": no_show}


def test_two_staff_deciding_at_once_count_the_conversation_once(db, tmp_path):
    # Given a confirmed conversation, and two staff with their own connections
    case_id = make_case(db)
    confirmed_booking(db, case_id)
    path = db.execute("pragma database_list").fetchone()[2]
    barrier = threading.Barrier(2)

    def staff_decides():
        own = open_database(path)
        barrier.wait()
        decisions.decide(own, case_id, TODAY, decisions.GRANTED, provider_ids=["p1"], guarantee_days=14,
                         provider_id="p1", start_date=CONVERSATION_DAY, rules=RULES, today=TODAY,
                         now=AFTER_THE_CONVERSATION)
        own.close()

    threads = [threading.Thread(target=staff_decides) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one conversation and one decision are counted, and one course runs
    assert db.execute("select count(*) from statistics_events where event = 'conversation_held'").fetchone()[0] == 1
    assert decision_counts(db) == {"decision_granted": 1}
    assert courses.course_for(db, case_id).state == courses.ACTIVE


def test_a_failed_decision_leaves_nothing_behind(db):
    # Given a confirmed conversation, and a fault that makes counting the statistics fail, so
    # the decision fails after its other writes: they must all roll back with it
    case_id = make_case(db)
    booking = confirmed_booking(db, case_id)
    db.execute("create trigger fault before insert on statistics_events begin select raise(abort, 'injected fault'); end")
    with pytest.raises(sqlite3.IntegrityError, match="injected fault"):
        decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=CONVERSATION_DAY)
    assert decisions.decision_for(db, case_id) is None
    assert bookings.get_booking(db, booking.id).state == bookings.CONFIRMED
    assert db.execute("select count(*) from statistics_events").fetchone()[0] == 0
    assert courses.course_for(db, case_id) is None


def test_a_decision_waits_for_the_conversation_to_start(db):
    # Given a confirmed conversation, decided a minute before it starts
    case_id = make_case(db)
    booking = confirmed_booking(db, case_id)
    early = booking.starts_at - dt.timedelta(minutes=1)
    with pytest.raises(ConversationNotHeld) as error:
        decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY, now=early)

    # Then nothing is recorded, the booking still waits, and staff are told when they can decide
    assert error.value.starts_at == booking.starts_at
    assert decisions.decision_for(db, case_id) is None
    assert bookings.get_booking(db, booking.id).state == bookings.CONFIRMED
    assert decision_opens_at(db, case_id, early) == booking.starts_at

    # And from the start of the conversation it can be decided
    assert decision_opens_at(db, case_id, booking.starts_at) is None
    decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY, now=booking.starts_at)
    assert bookings.get_booking(db, booking.id).state == bookings.ATTENDED


def test_a_pending_time_still_to_come_also_holds_the_decision_back(db):
    case_id = make_case(db)
    bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, 2, 11), IN_PERSON, BOOKED_AT, HOLD_HOURS)
    with pytest.raises(ConversationNotHeld):
        decide(db, case_id, decisions.DID_NOT_ATTEND, now=BOOKED_AT + dt.timedelta(hours=1))  # still held


def test_a_case_without_a_booking_waiting_may_be_decided_at_once(db):
    # Given a caller who came without a booking, and one whose booking was cancelled
    walked_in = make_case(db)
    cancelled = make_case(db)
    confirmed_booking(db, cancelled)
    bookings.cancel(db, cancelled, NOW)

    # Then both may be decided now
    for case_id in (walked_in, cancelled):
        assert decision_opens_at(db, case_id, NOW) is None
        decide(db, case_id, decisions.NOT_GRANTED, reason="other", now=NOW)
        assert decisions.decision_for(db, case_id).outcome == decisions.NOT_GRANTED


def test_a_course_starts_no_earlier_than_the_clarifying_conversation(db):
    # Given a conversation held on Monday 2 March and decided the day after
    case_id = make_case(db)
    confirmed_booking(db, case_id)
    with pytest.raises(decisions.StartTooEarly) as error:
        decide(db, case_id, decisions.GRANTED, today=dt.date(2026, 3, 3), provider_id="p1", start_date=dt.date(2026, 3, 1))
    assert (error.value.field, error.value.earliest) == ("start_date", dt.date(2026, 3, 2))
    assert courses.course_for(db, case_id) is None
    decide(db, case_id, decisions.GRANTED, today=dt.date(2026, 3, 3), provider_id="p1", start_date=dt.date(2026, 3, 2))
    assert courses.course_for(db, case_id).start_date == dt.date(2026, 3, 2)


def test_without_a_conversation_a_course_starts_no_earlier_than_the_decision(db):
    case_id = make_case(db, first_contact_day=dt.date(2026, 2, 1))
    with pytest.raises(decisions.StartTooEarly) as error:
        decide(db, case_id, decisions.GRANTED, provider_id="p1", start_date=TODAY - dt.timedelta(days=1))
    assert error.value.earliest == TODAY
