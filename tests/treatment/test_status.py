"""What the citizen's status page says happened to the clarifying conversation: for every booking
state and decision, the words follow what happened."""

import datetime as dt

import pytest

from booking import bookings
from treatment import decisions, status
from treatment.courses import ACTIVE, MUNICIPALITY, PROVIDER, Course

#: The conversation is at 11:00 UTC on 5 March 2026.
STARTS = dt.datetime(2026, 3, 5, 11, tzinfo=dt.UTC)
BEFORE = STARTS - dt.timedelta(hours=1)
AFTER = STARTS + dt.timedelta(hours=2)


def booking(state, hold_until=STARTS):
    return bookings.Booking(id="b", case_id="c", provider_id="p1", starts_at=STARTS, ends_at=AFTER, mode="in_person",
                            state=state, hold_until=hold_until, moved_from=None, decline_reason=None)


def decision(outcome):
    return decisions.Decision(case_id="c", outcome=outcome, provider_id=None, start_date=None, reason=None,
                              decided_day=AFTER.date())


def course(granted_by):
    return Course(case_id="c", provider_id="p1", start_date=AFTER.date(), granted_by=granted_by, state=ACTIVE,
                  ended_on=None, closing_conversation_on=None, sessions=())


@pytest.mark.parametrize(
    "state, outcome, granted_by, now, told",
    [
        # nothing booked or decided
        (None, None, None, AFTER, None),
        # a time still to come speaks for itself (also when booked again after a decision)
        ("pending", None, None, BEFORE, "pending"),
        ("confirmed", None, None, BEFORE, "confirmed"),
        ("confirmed", "did_not_attend", None, BEFORE, "confirmed"),
        # its time has come: the municipality decides next, unless the provider already granted
        ("pending", None, None, AFTER, "expired"),
        ("confirmed", None, None, AFTER, status.AWAITING_DECISION),
        ("confirmed", "did_not_attend", None, AFTER, status.AWAITING_DECISION),
        ("confirmed", None, PROVIDER, AFTER, status.HELD),
        # decided: "you came" only for a booking attended after its start
        ("attended", "granted", MUNICIPALITY, AFTER, "attended"),
        ("attended", "not_granted", None, AFTER, "attended"),
        ("attended", "granted", MUNICIPALITY, BEFORE, status.HELD),
        ("no_show", "granted", MUNICIPALITY, AFTER, status.HELD),
        ("attended", "did_not_attend", None, AFTER, "no_show"),
        ("no_show", "did_not_attend", None, AFTER, "no_show"),
        # decided without a booking held: never "choose a new time" beside the decision
        (None, "granted", MUNICIPALITY, AFTER, status.HELD),
        (None, "not_granted", None, AFTER, status.HELD),
        (None, None, PROVIDER, AFTER, status.HELD),
        ("expired", "granted", MUNICIPALITY, AFTER, status.HELD),
        ("cancelled", "not_granted", None, AFTER, status.HELD),
        ("declined", "not_granted", None, AFTER, status.HELD),
        (None, "did_not_attend", None, AFTER, "no_show"),
        ("cancelled", "did_not_attend", None, AFTER, "cancelled"),
        # undecided, no booking active: the booking as it stands
        ("declined", None, None, AFTER, "declined"),
        ("cancelled", None, None, BEFORE, "cancelled"),
        ("expired", None, None, AFTER, "expired"),
    ],
)
def test_the_status_page_says_what_happened(state, outcome, granted_by, now, told):
    assert status.conversation_state(
        booking(state) if state else None,
        decision(outcome) if outcome else None,
        course(granted_by) if granted_by else None,
        now,
    ) == told
