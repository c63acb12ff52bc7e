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
    DECISION_EVENTS,
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


def conversations(db, provider_id, within, late, no_shows):
    for _ in range(within):
        count_conversation(db, MARCH, provider_id, 9, within_guarantee=True)
    for _ in range(late):
        count_conversation(db, MARCH, provider_id, 20, within_guarantee=False)
    times(db, no_shows, NO_SHOW, provider_id)


def decisions(db, granted, not_granted, did_not_attend):
    for event, n in zip(DECISION_EVENTS.values(), (granted, not_granted, did_not_attend), strict=True):
        times(db, n, event)


def conversation_figures(figures) -> tuple[str, str, str]:
    return tuple(shown(figures)[key] for key in statistics.CONVERSATION_FIGURES)


def test_conversation_figures_are_shown_when_every_count_they_rest_on_is_five_or_more(db):
    # Given 6 conversations within the guarantee, 5 after it and 5 no-shows at each provider,
    # and the decisions they led to
    for provider_id in PROVIDERS:
        conversations(db, provider_id, within=6, late=5, no_shows=5)
    decisions(db, granted=17, not_granted=5, did_not_attend=10)

    # Then the median, the share within the guarantee and the no-show rate are shown
    result = march(db)
    assert conversation_figures(result.overall) == ("9", "55 %", "31 %")
    assert [conversation_figures(figures) for _p, figures in result.providers] == [("9", "55 %", "31 %")] * 2


def test_a_withdrawn_conversation_leaves_the_median_and_shares(db):
    # Given the figures above, and one more conversation after 40 days, then taken back (the
    # person had not come after all)
    for provider_id in PROVIDERS:
        conversations(db, provider_id, within=6, late=5, no_shows=5)
    decisions(db, granted=17, not_granted=5, did_not_attend=10)
    for _ in range(3):
        count_conversation(db, MARCH, "p1", 40, within_guarantee=False)
    for _ in range(3):
        statistics.withdraw_conversation(db, MARCH, "p1", 40, within_guarantee=False)
    # Then the figures are as if it had never been counted
    assert conversation_figures(march(db).overall) == ("9", "55 %", "31 %")


@pytest.mark.parametrize(
    "p2, decided",
    [
        ((6, 4, 5), (16, 5, 10)),  # 4 after the guarantee at p2: a share of 100 % would show a zero
        ((4, 5, 5), (16, 5, 10)),  # 4 within the guarantee
        ((6, 5, 4), (17, 5, 9)),  # 4 no-shows: the overall rate would give them away
        ((6, 5, 5), (18, 4, 10)),  # 4 not granted: the conversations held are granted + not granted
        ((0, 0, 0), (6, 5, 5)),  # a provider without conversations
    ],
)
def test_one_count_below_five_withholds_every_conversation_figure(db, p2, decided):
    conversations(db, "p1", within=6, late=5, no_shows=5)
    conversations(db, "p2", *p2)
    decisions(db, *decided)

    result = march(db)
    withheld = (statistics.WITHHELD,) * 3
    assert conversation_figures(result.overall) == withheld
    assert [conversation_figures(figures) for _p, figures in result.providers] == [withheld] * 2


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
