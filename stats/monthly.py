"""Monthly statistics, built to survive deletion and to hide small counts.

Cases are deleted on schedule, so statistics are never counted from them: the domain calls
`count_event` at the moment something happens, and an append-only `statistics_events` row keeps
only the month ("YYYY-MM"), the provider (or none) and the event's name, plus the days from first
contact for a held conversation. No case id, referral number or day is stored, so nothing leads
back to a person, and deleting a case deletes no event. An event counted in error (a decision
that was changed) is taken back by `withdraw_event`, an appended row that counts -1, so every
case counts once with its current outcome. This module owns the table.

What is shown (DESIGN.md, "Statistics never show a count below 5"):

- every count from 0 to 4 is shown as "<5", zero included, so a zero cannot be told apart from
  one or two people; every category is always listed, zero or not;
- a total is withheld ("–") when any of its parts is shown as "<5", so a hidden count cannot be
  worked out by subtracting the others from the total;
- a figure derived from counts (a median, a share) is withheld ("–") unless every count it rests
  on is 5 or more: for a share its part and the rest of its whole too (100 % shows a zero).

The conversation figures (median days, share within the guarantee, no-show rate), for each
provider and for all, rest on the same counts: the month's decisions (granted, not granted, did
not attend) and, at every provider, the conversations held within and after the guarantee and
the no-shows. The decisions are the conversations' outcomes (`treatment.decisions.decide` counts
both), so they are totals across providers: one provider's shares beside the decision counts
would let a small count at another provider, or a small decision count, be worked out. So the
conversation figures are shown all together or not at all. tests/stats/
test_no_hidden_count_solvable.py tries to solve every hidden count from what is shown.
"""

import datetime as dt
import statistics as stats
from collections import Counter
from dataclasses import dataclass

from common.spreadsheet import SpreadsheetCsv
from common.text import N_

CHAT_STARTED = "chat_started"
SCREENING_EVENTS = {"fits": "screening_fits", "ordinary": "screening_ordinary", "under_18": "screening_under_18"}
DECISION_EVENTS = {"granted": "decision_granted", "not_granted": "decision_not_granted", "did_not_attend": "decision_did_not_attend"}
BOOKING_MADE = "booking_made"
CONVERSATION_HELD = "conversation_held"
CONVERSATION_WITHIN_GUARANTEE = "conversation_within_guarantee"
NO_SHOW = "no_show"
COURSE_COMPLETED = "course_completed"
SELF_VISITATION = "self_visitation"
#: Events of the municipality as a whole (no provider yet, or the municipality's own decision).
MUNICIPALITY_EVENTS = (CHAT_STARTED, *SCREENING_EVENTS.values(), *DECISION_EVENTS.values())
#: Events that happen at one provider.
PROVIDER_EVENTS = (BOOKING_MADE, CONVERSATION_HELD, CONVERSATION_WITHIN_GUARANTEE, NO_SHOW, COURSE_COMPLETED, SELF_VISITATION)
#: Figures derived from the conversations, shown all together or not at all.
CONVERSATION_FIGURES = ("median_days_to_conversation", "share_within_guarantee", "no_show_rate")
THRESHOLD = 5
SUPPRESSED = "<5"
WITHHELD = "–"

LABELS = {
    CHAT_STARTED: N_("Chats started"),
    "screenings_completed": N_("Screenings completed"),
    "screening_fits": N_("Result: the anonymous course fits"),
    "screening_ordinary": N_("Result: ordinary treatment"),
    "screening_under_18": N_("Result: under 18"),
    BOOKING_MADE: N_("Bookings made"),
    "median_days_to_conversation": N_("Median days from first contact to conversation"),
    "share_within_guarantee": N_("Conversations within the treatment guarantee"),
    "no_show_rate": N_("Conversations not attended"),
    "decision_granted": N_("Decisions: granted"),
    "decision_not_granted": N_("Decisions: not granted"),
    "decision_did_not_attend": N_("Decisions: did not attend"),
    COURSE_COMPLETED: N_("Courses completed"),
    SELF_VISITATION: N_("Courses granted by the provider"),
}


class InvalidEvent(ValueError):
    """An event name, provider or value that the statistics do not keep."""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # an English msgid for the web layer to translate
    value: int | float | None  # None when shown as "<5" or "–"
    shown: str


@dataclass(frozen=True)
class MonthStatistics:
    year: int
    month: int
    overall: tuple[Figure, ...]
    providers: tuple[tuple[str, tuple[Figure, ...]], ...]  # (provider id, figures)


def count_event(db, event: str, month: dt.date, provider_id: str | None = None, value: int | None = None) -> None:
    """Keep one event. `month` is any day of it; only its year and month are stored. Provider
    events need `provider_id`, municipality events take none; only a held conversation takes a
    value (whole days from first contact)."""
    if event not in MUNICIPALITY_EVENTS + PROVIDER_EVENTS:
        raise InvalidEvent(event)
    if (provider_id is None) != (event in MUNICIPALITY_EVENTS):
        raise InvalidEvent(f"{event}: provider_id")
    if (value is None) == (event == CONVERSATION_HELD) or value is not None and (type(value) is not int or value < 0):
        raise InvalidEvent(f"{event}: value")
    db["statistics_events"].insert(
        {"month": _month(month), "provider_id": provider_id, "event": event, "value": value, "delta": 1}
    )


def withdraw_event(db, event: str, month: dt.date, provider_id: str | None = None) -> None:
    """Take back one `event` counted in `month` (a changed decision); only for events without a
    value (a held conversation is taken back by `withdraw_conversation`, with its delay)."""
    if event not in MUNICIPALITY_EVENTS + PROVIDER_EVENTS or event == CONVERSATION_HELD:
        raise InvalidEvent(event)
    db["statistics_events"].insert(
        {"month": _month(month), "provider_id": provider_id, "event": event, "value": None, "delta": -1}
    )


def events_in_year(db, event: str, year: int, provider_id: str | None = None) -> int:
    """How many `event`s were counted in `year` (with `provider_id`, if given)."""
    row = next(db.query(
        "select coalesce(sum(delta), 0) as n from statistics_events where event = ? and month between ? and ?"
        " and (? is null or provider_id = ?)",
        [event, f"{year:04d}-01", f"{year:04d}-12", provider_id, provider_id],
    ))
    return row["n"]


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def count_conversation(db, day: dt.date, provider_id: str, days_from_first_contact: int, within_guarantee: bool) -> None:
    """A clarifying conversation was held: its delay, and whether it kept the guarantee (§ 101 stk. 2)."""
    count_event(db, CONVERSATION_HELD, day, provider_id, days_from_first_contact)
    if within_guarantee:
        count_event(db, CONVERSATION_WITHIN_GUARANTEE, day, provider_id)


def withdraw_conversation(db, day: dt.date, provider_id: str, days_from_first_contact: int,
                          within_guarantee: bool) -> None:
    """Take back a conversation counted by `count_conversation` with the same figures (staff
    corrected that the person did not come): its delay leaves the median too."""
    db["statistics_events"].insert({"month": _month(day), "provider_id": provider_id, "event": CONVERSATION_HELD,
                                    "value": days_from_first_contact, "delta": -1})
    if within_guarantee:
        withdraw_event(db, CONVERSATION_WITHIN_GUARANTEE, day, provider_id)


def suppressed(count: int) -> str:
    """A count as shown: "<5" for 0 to 4 (zero too), else the number."""
    return SUPPRESSED if count < THRESHOLD else str(count)


def month_statistics(db, year: int, month: int, provider_ids) -> MonthStatistics:
    """The month's figures for the whole municipality and for each provider in `provider_ids`
    (plus any other provider that has events that month), every category listed."""
    rows = list(db.query(
        "select provider_id, event, value, delta from statistics_events where month = ?", [f"{year:04d}-{month:02d}"]
    ))
    return statistics_of_events(year, month, rows, provider_ids)


def statistics_of_events(year: int, month: int, rows: list[dict], provider_ids) -> MonthStatistics:
    """The figures of one month's event rows (`provider_id`, `event`, `value`, `delta`)."""
    providers = list(dict.fromkeys([*provider_ids, *(r["provider_id"] for r in rows if r["provider_id"])]))
    shown = _conversations_shown(rows, providers)
    by_provider = tuple((p, _provider_figures([r for r in rows if r["provider_id"] == p], shown)) for p in providers)
    return MonthStatistics(year, month, _overall_figures(rows, providers, shown), by_provider)


def statistics_csv(report: MonthStatistics) -> str:
    """Semicolon-separated with decimal commas (what Danish spreadsheets open as they are):
    month; scope ("all" or a provider id); figure key; the value as shown."""
    writer = SpreadsheetCsv()
    writer.writerow(["month", "scope", "figure", "value"])
    month = f"{report.year:04d}-{report.month:02d}"
    for scope, figures in (("all", report.overall), *report.providers):
        writer.writerows([month, scope, figure.key, figure.shown] for figure in figures)
    return writer.text()


def _conversations_shown(rows, providers) -> bool:
    """Whether every count the conversation figures rest on is 5 or more (see the module's doc)."""
    decisions = [_tally(rows, event) for event in DECISION_EVENTS.values()]
    at_providers = [count for p in providers for count in _conversation_counts([r for r in rows if r["provider_id"] == p])]
    return all(count >= THRESHOLD for count in decisions + at_providers)


def _conversation_counts(rows) -> tuple[int, int, int]:
    """(held within the guarantee, held after it, not attended)."""
    within = _tally(rows, CONVERSATION_WITHIN_GUARANTEE)
    return within, _tally(rows, CONVERSATION_HELD) - within, _tally(rows, NO_SHOW)


def _overall_figures(rows, providers, conversations_shown: bool) -> tuple[Figure, ...]:
    def per_provider(event):
        return [_tally([r for r in rows if r["provider_id"] == p], event) for p in providers]

    return (
        _count(rows, CHAT_STARTED),
        _total("screenings_completed", [_tally(rows, event) for event in SCREENING_EVENTS.values()]),
        *(_count(rows, event) for event in SCREENING_EVENTS.values()),
        _total(BOOKING_MADE, per_provider(BOOKING_MADE)),
        *_conversation_figures(rows, conversations_shown),
        *(_count(rows, event) for event in DECISION_EVENTS.values()),
        _total(COURSE_COMPLETED, per_provider(COURSE_COMPLETED)),
        _total(SELF_VISITATION, per_provider(SELF_VISITATION)),
    )


def _provider_figures(rows, conversations_shown: bool) -> tuple[Figure, ...]:
    return (
        _count(rows, BOOKING_MADE),
        *_conversation_figures(rows, conversations_shown),
        _count(rows, COURSE_COMPLETED),
        _count(rows, SELF_VISITATION),
    )


def _conversation_figures(rows, shown: bool) -> tuple[Figure, ...]:
    if not shown:
        return tuple(_figure(key, None, WITHHELD) for key in CONVERSATION_FIGURES)
    within, late, no_shows = _conversation_counts(rows)
    median = stats.median(_held_delays(rows))
    return (
        _figure("median_days_to_conversation", median, f"{median:g}".replace(".", ",")),
        _share("share_within_guarantee", within, within + late),
        _share("no_show_rate", no_shows, within + late + no_shows),
    )


def _held_delays(rows) -> list[int]:
    """The delays of the conversations held, a withdrawn one taking its counted twin away."""
    delays = Counter()
    for row in rows:
        if row["event"] == CONVERSATION_HELD:
            delays[row["value"]] += row["delta"]
    return sorted(delays.elements())


def _tally(rows, event: str) -> int:
    return sum(r["delta"] for r in rows if r["event"] == event)


def _count(rows, event: str) -> Figure:
    count = _tally(rows, event)
    return _figure(event, count if count >= THRESHOLD else None, suppressed(count))


def _total(key: str, parts: list[int]) -> Figure:
    """The sum of `parts`, withheld when a part is below 5: it could be worked out otherwise."""
    total = sum(parts)
    if total >= THRESHOLD and any(part < THRESHOLD for part in parts):
        return _figure(key, None, WITHHELD)
    return _figure(key, total if total >= THRESHOLD else None, suppressed(total))


def _share(key: str, part: int, whole: int) -> Figure:
    share = part / whole
    return _figure(key, share, f"{round(share * 100)} %")


def _figure(key: str, value, shown: str) -> Figure:
    return Figure(key, LABELS[key], value, shown)
