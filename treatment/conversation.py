"""The clarifying conversation as what follows it sees it (§ 101a stk. 3-5): a decision, the
municipality's or the provider's own, is made at or after the conversation, never before.

A booking still to come (pending or confirmed) holds the decision back until it starts. A case
with no booking waiting (a caller who came without one, or whose booking was cancelled, declined
or ran out) may be decided at once.
"""

import datetime as dt

from booking import bookings


class ConversationNotHeld(Exception):
    """The case's clarifying conversation has not started yet; `starts_at` is when it does."""

    def __init__(self, starts_at: dt.datetime):
        super().__init__(starts_at.isoformat())
        self.starts_at = starts_at


def decision_opens_at(db, case_id: str, now: dt.datetime) -> dt.datetime | None:
    """When a decision on the case may first be recorded: the start of its pending or confirmed
    booking still to come, or None when it may be recorded now."""
    booking = bookings.active_booking(db, case_id, now)
    if booking is not None and booking.starts_at > now:
        return booking.starts_at
    return None


def require_started(db, case_id: str, now: dt.datetime) -> None:
    """Raise `ConversationNotHeld` while the case's booked conversation is still to come."""
    opens_at = decision_opens_at(db, case_id, now)
    if opens_at is not None:
        raise ConversationNotHeld(opens_at)

