"""The intake queue: what staff must do today, and the open cases by state.

*Today* is the pending bookings whose hold ends before the day is out (they must be confirmed
today or the slot is released) and the conversations held today. Pending bookings are listed by
when their hold ends ("confirm by"), soonest first. A case is *at risk* while it is flagged
(`booking.guarantee`) and nothing has happened to it yet: no active or held booking, no decision,
no course; a case that has got any of these leaves the group however long ago its deadline was,
and so does one that has ended unheard (`open_days` after first contact, `retention.schedule`).

Every list is one page of `page_size` rows (one more is read to know whether there are more), and
every query starts from an index range, so the page stays as quick with years of cases:

- pending: `bookings` where state = 'pending' and hold_until in a range, ordered by hold_until
  (index `bookings (state, hold_until)`);
- confirmed: `bookings` where state = 'confirmed' and starts_at in a range, ordered by starts_at
  (wants an index `bookings (state, starts_at)`);
- in a course: `courses` where state = 'active', ordered by start_date (wants
  `courses (state, start_date)`);
- at risk: `cases` with first_contact_day from `open_days` ago, ordered by it (wants
  `cases (first_contact_day)`), joined to `guarantee_at_risk` by its key, with `not exists`
  probes of `bookings (case_id)`, `decisions` and `courses` by their keys.

Reading `decisions` and `courses` here is reading only: their owners are in `treatment`.
"""

import datetime as dt
from dataclasses import dataclass

from booking import bookings
from booking.guarantee import Guarantee
from common.clock import day_start
from store.times import parse_day, parse_stamp, stamp

PAGE_SIZE = 50

AWAITING_CONFIRMATION = "awaiting_confirmation"
AWAITING_CONVERSATION = "awaiting_conversation"
AWAITING_DECISION = "awaiting_decision"
IN_COURSE = "in_course"
AT_RISK = "at_risk"
#: The lists staff can open, in the order a case moves through them (at risk: waiting for a time).
OPEN_STATES = (AT_RISK, AWAITING_CONFIRMATION, AWAITING_CONVERSATION, AWAITING_DECISION, IN_COURSE)


@dataclass(frozen=True)
class QueueEntry:
    """One case in a list, with what the list is about: its booking or its course."""

    case_id: str
    referral_number: str
    guarantee_at_risk: bool
    last_day: dt.date  # the last day within the treatment guarantee
    booking_id: str | None = None
    provider_id: str | None = None
    mode: str | None = None
    starts_at: dt.datetime | None = None  # the conversation
    confirm_by: dt.datetime | None = None  # a pending booking's hold end
    course_start: dt.date | None = None


@dataclass(frozen=True)
class Listing:
    entries: list[QueueEntry]
    page: int
    more: bool  # a next page exists


@dataclass(frozen=True)
class Queue:
    confirm_today: Listing
    conversations_today: Listing
    confirm_later: Listing
    at_risk: Listing
    counts: dict[str, int]  # open cases by state (OPEN_STATES)
    holds_today: int
    talks_today: int

    @property
    def today_count(self) -> int:
        return self.holds_today + self.talks_today


@dataclass(frozen=True)
class _Window:
    """The instants a queue is worked out for: now, and today's start and end in Copenhagen."""

    now: dt.datetime
    day_start: dt.datetime
    day_end: dt.datetime  # tomorrow's start
    open_since: dt.date
    guarantee_days: int

    @property
    def starting_today(self) -> tuple[dt.datetime, dt.datetime]:
        """Today as the range (after, until] of a start: stamps are whole seconds, so a start at
        midnight is after the second before it, and one at the next midnight is not in it."""
        second = dt.timedelta(seconds=1)
        return self.day_start - second, self.day_end - second


def intake_queue(db, today: dt.date, now: dt.datetime, *, guarantee_days: int, open_days: int,
                 page_size: int = PAGE_SIZE) -> Queue:
    """The queue's front page: today, the later holds, the cases at risk, and every state's count."""
    window = _window(today, now, guarantee_days, open_days)
    return Queue(
        confirm_today=_pending(db, window, window.now, window.day_end, page_size, 1),
        conversations_today=_confirmed(db, window, *window.starting_today, page_size, 1),
        confirm_later=_pending(db, window, max(window.now, window.day_end), None, page_size, 1),
        at_risk=_at_risk(db, window, page_size, 1),
        counts={state: _count(db, state, window) for state in OPEN_STATES},
        holds_today=_count_bookings(db, bookings.PENDING, "hold_until", window.now, window.day_end),
        talks_today=_count_bookings(db, bookings.CONFIRMED, "starts_at", *window.starting_today),
    )


def open_cases(db, state: str, now: dt.datetime, today: dt.date, *, guarantee_days: int, open_days: int,
               page_size: int = PAGE_SIZE, page: int = 1) -> Listing:
    """One page of the open cases in `state` (one of OPEN_STATES), soonest first."""
    window = _window(today, now, guarantee_days, open_days)
    if state == AWAITING_CONFIRMATION:
        return _pending(db, window, window.now, None, page_size, page)
    if state == AWAITING_CONVERSATION:
        return _confirmed(db, window, window.now, None, page_size, page)
    if state == AWAITING_DECISION:
        return _confirmed(db, window, None, window.now, page_size, page)
    if state == IN_COURSE:
        return _in_course(db, window, page_size, page)
    if state == AT_RISK:
        return _at_risk(db, window, page_size, page)
    raise ValueError(state)


def _window(today, now, guarantee_days, open_days) -> _Window:
    return _Window(now=now, day_start=day_start(today), day_end=day_start(today + dt.timedelta(days=1)),
                   open_since=today - dt.timedelta(days=open_days), guarantee_days=guarantee_days)


_CASE_COLUMNS = (
    "c.id as case_id, c.referral_number, c.first_contact_day,"
    " exists (select 1 from guarantee_at_risk r where r.case_id = c.id) as at_risk"
)
_BOOKING_COLUMNS = (
    "b.id as booking_id, b.provider_id, b.mode, b.starts_at,"
    " case when b.state = 'pending' then b.hold_until end as confirm_by"
)


def _pending(db, window, after, until, page_size, page) -> Listing:
    """Pending bookings whose hold ends in (after, until], by hold end."""
    return _bookings(db, window, bookings.PENDING, "b.hold_until", after, until, page_size, page,
                     order="b.hold_until, b.starts_at")


def _confirmed(db, window, after, until, page_size, page) -> Listing:
    """Confirmed bookings starting in (after, until], by start."""
    return _bookings(db, window, bookings.CONFIRMED, "b.starts_at", after, until, page_size, page, order="b.starts_at")


def _bookings(db, window, state, column, after, until, page_size, page, order) -> Listing:
    """Bookings in `state` whose `column` lies in (after, until], ordered by `order`."""
    where, params = _range(column, after, until)
    return _listing(db, window, page_size, page,
                    f"select {_CASE_COLUMNS}, {_BOOKING_COLUMNS} from bookings b join cases c on c.id = b.case_id"
                    f" where b.state = ? and {where} order by {order}",
                    [state, *params])


def _in_course(db, window, page_size, page) -> Listing:
    return _listing(db, window, page_size, page,
                    f"select {_CASE_COLUMNS}, k.provider_id, k.start_date as course_start"
                    " from courses k join cases c on c.id = k.case_id where k.state = 'active'"
                    " order by k.start_date",
                    [])


_UNHEARD = (
    " and not exists (select 1 from bookings b where b.case_id = c.id"
    "   and (b.state in ('confirmed', 'attended', 'no_show') or (b.state = 'pending' and b.hold_until > ?)))"
    " and not exists (select 1 from decisions d where d.case_id = c.id)"
    " and not exists (select 1 from courses k where k.case_id = c.id)"
)


def _at_risk(db, window, page_size, page) -> Listing:
    return _listing(db, window, page_size, page,
                    f"select {_CASE_COLUMNS} from cases c join guarantee_at_risk r on r.case_id = c.id"
                    f" where c.first_contact_day >= ?{_UNHEARD} order by c.first_contact_day",
                    [window.open_since.isoformat(), stamp(window.now)])


def _count(db, state, window) -> int:
    if state == AWAITING_CONFIRMATION:
        return _count_bookings(db, bookings.PENDING, "hold_until", window.now, None)
    if state == AWAITING_CONVERSATION:
        return _count_bookings(db, bookings.CONFIRMED, "starts_at", window.now, None)
    if state == AWAITING_DECISION:
        return _count_bookings(db, bookings.CONFIRMED, "starts_at", None, window.now)
    if state == IN_COURSE:
        return _scalar(db, "select count(*) from courses where state = 'active'", [])
    return _scalar(db, "select count(*) from cases c join guarantee_at_risk r on r.case_id = c.id"
                       f" where c.first_contact_day >= ?{_UNHEARD}", [window.open_since.isoformat(), stamp(window.now)])


def _count_bookings(db, state, column, after, until) -> int:
    where, params = _range(column, after, until)
    return _scalar(db, f"select count(*) from bookings b where b.state = ? and {where}", [state, *params])


def _range(column, after, until) -> tuple[str, list]:
    """`column` in (after, until]; either end may be open."""
    clauses, params = ["1"], []
    if after is not None:
        clauses.append(f"{column} > ?")
        params.append(stamp(after))
    if until is not None:
        clauses.append(f"{column} <= ?")
        params.append(stamp(until))
    return " and ".join(clauses), params


def _scalar(db, sql, params) -> int:
    return db.execute(sql, params).fetchone()[0]


def _listing(db, window, page_size, page, sql, params) -> Listing:
    rows = list(db.query(f"{sql} limit ? offset ?", [*params, page_size + 1, (page - 1) * page_size]))
    return Listing(entries=[_entry(row, window) for row in rows[:page_size]], page=page, more=len(rows) > page_size)


def _entry(row, window) -> QueueEntry:
    return QueueEntry(
        case_id=row["case_id"],
        referral_number=row["referral_number"],
        guarantee_at_risk=bool(row["at_risk"]),
        last_day=Guarantee(parse_day(row["first_contact_day"]), window.guarantee_days).last_day,
        booking_id=row.get("booking_id"),
        provider_id=row.get("provider_id"),
        mode=row.get("mode"),
        starts_at=parse_stamp(row.get("starts_at")),
        confirm_by=parse_stamp(row.get("confirm_by")),
        course_start=parse_day(row["course_start"]) if row.get("course_start") else None,
    )
