"""What the citizen's status page says happened to their clarifying conversation, worked out from
the latest booking, the decision and the course, so that the words always match what happened.
"""

import datetime as dt

from booking import bookings
from treatment import decisions
from treatment.courses import Course

#: The conversation is confirmed and its time has come; no decision on it yet.
AWAITING_DECISION = "awaiting_decision"
#: A decision (or the provider's own course) says the conversation was held, but no booking shows
#: the person attending it (they came without one, or a decision was corrected).
HELD = "held"


def conversation_state(
    booking: bookings.Booking | None, decision: decisions.Decision | None, course: Course | None, now: dt.datetime
) -> str | None:
    """A booking state, `AWAITING_DECISION`, `HELD`, or None (nothing booked or decided yet).

    `booking` is the case's latest booking. A booking still to come speaks for itself. Otherwise
    the decision has the last word, so the page never says "you came" beside "you did not come"
    (a corrected decision), nor "choose a new time" beside a granted course; and "you came" needs
    a booking attended after its start.
    """
    state = booking.state_at(now) if booking is not None else None
    if state in bookings.ACTIVE:
        if booking.starts_at > now:
            return state
        return HELD if course is not None and decision is None else AWAITING_DECISION
    outcome = decision.outcome if decision else (decisions.GRANTED if course else None)  # the provider's own
    if outcome in (decisions.GRANTED, decisions.NOT_GRANTED):
        came = state == bookings.ATTENDED and booking.starts_at <= now
        return bookings.ATTENDED if came else HELD
    if outcome == decisions.DID_NOT_ATTEND and state in (None, bookings.ATTENDED, bookings.NO_SHOW):
        return bookings.NO_SHOW
    return state
