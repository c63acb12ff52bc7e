"""Monthly statistics from events that outlive cases, with small counts hidden."""

import csv
import datetime as dt
import io

import pytest

from stats import monthly as statistics
from stats.monthly import (
    BOOKING_MADE,
    CHAT_STARTED,
    COURSE_COMPLETED,
    NO_SHOW,
    SCREENING_EVENTS,
    InvalidEvent,
    count_conversation,
    count_event,
    month_statistics,
    statistics_csv,
    suppressed,
)

MARCH = dt.date(2026, 3, 17)
PROVIDERS = ["p1", "p2"]


def times(db, n, event, provider_id=None, day=MARCH):
    for _ in range(n):
        count_event(db, event, day, provider_id)


def shown(figures) -> dict[str, str]:
    return {figure.key: figure.shown for figure in figures}


def march(db):
    return month_statistics(db, 2026, 3, PROVIDERS)


@pytest.mark.parametrize("count, text", [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (123, "123")])
def test_counts_below_five_zero_included_are_shown_as_under_five(count, text):
    assert suppressed(count) == text


def test_an_empty_month_lists_every_category_all_hidden(db):
    result = march(db)
    overall = shown(result.overall)
    assert list(overall) == [
        "chat_started", "screenings_completed", "screening_fits", "screening_ordinary", "screening_under_18",
        "booking_made", "median_days_to_conversation", "share_within_guarantee", "no_show_rate",
        "decision_granted", "decision_not_granted", "decision_did_not_attend", "course_completed",
        "self_visitation"]
    assert overall["chat_started"] == "<5" and overall["decision_granted"] == "<5"
    assert [provider for provider, _figures in result.providers] == PROVIDERS
    assert all(figure.value is None for _p, figures in result.providers for figure in figures)
    assert all(figure.label for figure in result.overall)


def test_four_is_hidden_and_five_is_shown(db):
    times(db, 4, CHAT_STARTED)
    assert shown(march(db).overall)["chat_started"] == "<5"
    times(db, 1, CHAT_STARTED)
    figure = march(db).overall[0]
    assert (figure.key, figure.value, figure.shown) == ("chat_started", 5, "5")


def test_only_the_asked_month_counts(db):
    times(db, 5, CHAT_STARTED, day=dt.date(2026, 2, 28))
    times(db, 5, CHAT_STARTED, day=dt.date(2026, 4, 1))
    assert shown(march(db).overall)["chat_started"] == "<5"


def test_a_total_is_withheld_when_a_part_is_hidden(db):
    times(db, 6, SCREENING_EVENTS["fits"])
    times(db, 5, SCREENING_EVENTS["ordinary"])
    assert shown(march(db).overall)["screenings_completed"] == statistics.WITHHELD
    times(db, 5, SCREENING_EVENTS["under_18"])
    assert shown(march(db).overall)["screenings_completed"] == "16"


def test_provider_totals_hide_a_small_provider(db):
    times(db, 7, BOOKING_MADE, "p1")
    times(db, 2, BOOKING_MADE, "p2")
    result = march(db)
    assert shown(result.overall)["booking_made"] == statistics.WITHHELD
    assert [shown(figures)["booking_made"] for _p, figures in result.providers] == ["7", "<5"]


def test_a_provider_outside_the_list_is_still_shown(db):
    times(db, 5, COURSE_COMPLETED, "old-provider")
    assert [provider for provider, _f in march(db).providers] == ["p1", "p2", "old-provider"]


def test_median_and_shares_need_five_to_be_shown(db):
    for days in (2, 5, 9, 12):
        count_conversation(db, MARCH, "p1", days, within_guarantee=days <= 14)
    times(db, 1, NO_SHOW, "p1")
    overall = shown(march(db).overall)
    assert overall["median_days_to_conversation"] == overall["share_within_guarantee"] == statistics.WITHHELD
    assert overall["no_show_rate"] == "20 %"
    count_conversation(db, MARCH, "p1", 20, within_guarantee=False)
    overall = shown(march(db).overall)
    assert (overall["median_days_to_conversation"], overall["share_within_guarantee"]) == ("9", "80 %")
    count_conversation(db, MARCH, "p1", 10, within_guarantee=True)
    assert shown(march(db).overall)["median_days_to_conversation"] == "9,5"


@pytest.mark.parametrize(
    "event, provider_id, value",
    [("made_up", None, None), (CHAT_STARTED, "p1", None), (BOOKING_MADE, None, None),
     ("conversation_held", "p1", None), ("conversation_held", "p1", -1), (BOOKING_MADE, "p1", 3)],
)
def test_events_outside_the_vocabulary_are_refused(db, event, provider_id, value):
    with pytest.raises(InvalidEvent):
        count_event(db, event, MARCH, provider_id, value)


def test_an_event_keeps_only_the_month_and_no_case(db):
    count_conversation(db, MARCH, "p1", 6, within_guarantee=True)
    assert db["statistics_events"].columns_dict == {
        "id": int, "month": str, "provider_id": str, "event": str, "value": int, "delta": int}
    assert [(r["month"], r["provider_id"], r["event"], r["value"]) for r in db["statistics_events"].rows] == [
        ("2026-03", "p1", "conversation_held", 6), ("2026-03", "p1", "conversation_within_guarantee", None)]


def test_the_csv_parses_back(db):
    times(db, 12, CHAT_STARTED)
    rows = list(csv.reader(io.StringIO(statistics_csv(march(db))), delimiter=";"))
    assert rows[0] == ["month", "scope", "figure", "value"]
    assert rows[1] == ["2026-03", "all", "chat_started", "12"]
    assert {row[1] for row in rows[1:]} == {"all", "p1", "p2"}
    assert ["2026-03", "p2", "booking_made", "<5"] in rows
