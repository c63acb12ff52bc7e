"""The rules of the course (forløb) after a granted decision, as pure functions.

Seed 000: "et 16 ugers gruppeforløb samt en afsluttende samtale"; a person who fails to show
without reason "udskrives efter to udeblivelser i træk", and is "automatisk passiveret ...
efter maksimalt 3 uger". § 101a stk. 7–8: a bounded short course, apart from § 101 treatment.

A course's state is worked out afresh from its start, its recorded sessions and today's date, so
correcting a mistaken record corrects the state:

- *discharged* when the latest sessions that count are `discharge_after_no_shows` no-shows in a
  row. A cancellation in good time does not count either way: it neither breaks nor extends a
  run (the person let the provider know), but an attendance does break it.
- *passive* from day `passive_after_days` after the last attendance (or after the start, if
  none): with 21, on day 21 and not on day 20. A cancellation is not an attendance.
- *completed* from the day after the last day of week `weeks`.
- otherwise *active* (also before the start date).

`ended_on` is always the last day of treatment, the last day the invoice counts: the day of the
no-show that discharges; the day before passivation (last attendance + 20, so at most three weeks
are paid for); start + weeks × 7 − 1 for a completed course (16 weeks are 112 days). When two
ends fall due, the earliest wins; on the same day completion wins over discharge and passivation.
"""

import datetime as dt
from dataclasses import dataclass

ACTIVE = "active"
PASSIVE = "passive"
DISCHARGED = "discharged"
COMPLETED = "completed"
ATTENDED = "attended"
NO_SHOW = "no_show"
CANCELLED_IN_TIME = "cancelled_in_time"
OUTCOMES = (ATTENDED, NO_SHOW, CANCELLED_IN_TIME)


@dataclass(frozen=True)
class CourseRules:
    """The numbers of seed 000; `Settings.course` has the same fields and can be passed as is."""

    weeks: int = 16
    discharge_after_no_shows: int = 2
    passive_after_days: int = 21


@dataclass(frozen=True)
class Session:
    day: dt.date
    outcome: str


def derive_state(start: dt.date, sessions, today: dt.date, rules: CourseRules) -> tuple[str, dt.date | None]:
    """(state, ended_on) of a course from its sessions in date order, as of `today`."""
    last_day = start + dt.timedelta(days=rules.weeks * 7 - 1)
    counting = [s for s in sessions if s.outcome != CANCELLED_IN_TIME]
    run = []
    for session in reversed(counting):
        if session.outcome == ATTENDED:
            break
        run.insert(0, session.day)
    anchor = max((s.day for s in counting if s.outcome == ATTENDED), default=start)
    passive_from = anchor + dt.timedelta(days=rules.passive_after_days)
    ends = []  # (last day of treatment, rank on the same day, state)
    if today > last_day:
        ends.append((last_day, 0, COMPLETED))
    if len(run) >= rules.discharge_after_no_shows:
        ends.append((run[rules.discharge_after_no_shows - 1], 1, DISCHARGED))
    if today >= passive_from:
        ends.append((passive_from - dt.timedelta(days=1), 2, PASSIVE))
    if not ends:
        return ACTIVE, None
    ended_on, _priority, state = min(ends)
    return state, ended_on
