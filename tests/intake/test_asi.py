"""Composite scores: each formula checked on worked examples computed by hand."""

import math
import random

import pytest

from intake.asi import COMPOSITES, RELATIONSHIP_ITEMS, SCORED_ITEMS, combined_score, composite_scores


def no_problems(**overrides):
    """A person with no problems in any area: every item at its lowest, no contact with anyone."""
    items = dict.fromkeys(SCORED_ITEMS, 0)
    items.update(dict.fromkeys(RELATIONSHIP_ITEMS, "N"), F3="yes")
    items.update(overrides)
    return items


def worked_example():
    return no_problems(
        M6=9, M7=2, M8=1,
        E4=1, E5=0, E11=12, E12=math.exp(4),
        D1=18, D2=9, D26=9, D28=2, D30=1, D23=math.exp(2.2),
        D10=20, D8=4, D13=3, D27=12, D29=2, D31=1,
        L24=1, L27=15, L28=1, L29=1, E17=0,
        F3="no", F30=15, F32=2, F34=0, F18=1, F19=0, F20="N", F21=0, F22=0, F23=0, F24=0, F25=0, F26=0,
        P4=1, P5=1, P12=11, P13=2, P14=0,
    )


def test_returns_exactly_the_seven_composites():
    assert set(composite_scores(no_problems())) == set(COMPOSITES)


def test_no_problems_scores_zero_except_employment_without_work_or_car():
    scores = composite_scores(no_problems())
    assert scores["employment"] == 1.0
    assert all(scores[name] == 0 for name in COMPOSITES if name != "employment")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("medical", 9 / 90 + 2 / 12 + 1 / 12),  # 0.35
        ("employment", 1 - (1 / 4 + 0 / 4 + 12 / 120 + 4 / 36)),  # 0.5389
        ("alcohol", (18 + 9 + 9) / 180 + (2 + 1) / 24 + 2.2 / 44),  # 0.375
        ("drug", (20 + 4 + 3 + 12) / 390 + (2 + 1) / 52),  # 0.1577
        ("legal", 1 / 5 + 15 / 150 + (1 + 1) / 20 + 0),  # 0.4
        ("family_social", 2 / 10 + 15 / 150 + (2 + 0) / 20 + (1 / 8) / 5),  # 0.425
        ("psychiatric", 2 / 11 + 11 / 330 + (2 + 0) / 44),  # 0.2606
    ],
)
def test_worked_example(name, expected):
    assert composite_scores(worked_example())[name] == pytest.approx(expected)


def test_worked_example_rounded_values():
    scores = composite_scores(worked_example())
    assert round(scores["medical"], 4) == 0.35
    assert round(scores["employment"], 4) == 0.5389
    assert round(scores["drug"], 4) == 0.1577
    assert round(scores["psychiatric"], 4) == 0.2606


def test_combined_score_is_the_mean():
    scores = composite_scores(worked_example())
    assert combined_score(scores) == pytest.approx(sum(scores.values()) / 7)


@pytest.mark.parametrize(
    "overrides, name, expected",
    [
        ({"E4": 1, "E5": 1, "E11": 30, "E12": 1e12}, "employment", 0.0),  # ln capped at 9
        ({"D23": 1e12}, "alcohol", (44 / 6) / 44),
        ({"E17": 1e12}, "legal", 9.2 / 46),
        ({"E12": 1}, "employment", 1.0),  # ln(1) = 0
        ({"E12": 0.5}, "employment", 1.0),  # under one unit: no money term, never above 1
        ({"E12": 2.5}, "employment", 1 - math.log(2.5) / 36),
    ],
)
def test_money_terms(overrides, name, expected):
    assert composite_scores(no_problems(**overrides))[name] == pytest.approx(expected)


def test_every_composite_reaches_exactly_one_at_the_maximum():
    worst = dict.fromkeys(("M6", "E11", "D1", "D2", "D26", "D27", "L27", "F30", "P12"), 30)
    worst.update(dict.fromkeys(("D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D13"), 30))
    worst.update(dict.fromkeys(("M7", "M8", "D28", "D30", "D29", "D31", "L28", "L29", "F32", "F34", "P13", "P14"), 4))
    worst.update(dict.fromkeys(("L24", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"), 1))
    worst.update(dict.fromkeys(RELATIONSHIP_ITEMS, 1))
    worst.update(E4=0, E5=0, E11=0, E12=0, D23=1e9, E17=1e9, F3="no")
    scores = composite_scores(no_problems(**worst))
    assert all(scores[name] == pytest.approx(1.0) for name in COMPOSITES)
    assert all(0 <= value <= 1 for value in scores.values())


def test_relationships_ignore_no_contact():
    mixed = no_problems(F18=1, F19="N", F20=0, F21="N")
    assert composite_scores(mixed)["family_social"] == pytest.approx((1 / 2) / 5)


def test_satisfaction_indifferent_counts_one():
    assert composite_scores(no_problems(F3="indifferent"))["family_social"] == pytest.approx(0.1)


@pytest.mark.parametrize("item", ["M6", "E12", "F3", "F26", "P11", "D13"])
def test_missing_item_is_named(item):
    items = no_problems()
    del items[item]
    with pytest.raises(ValueError, match=rf"\b{item}\b"):
        composite_scores(items)


@pytest.mark.parametrize(
    "item, value",
    [
        ("D1", 31), ("M6", -1), ("M7", 5), ("E4", 2), ("P9", True), ("D10", 1.5), ("E11", "3"),
        ("E12", -1), ("D23", float("nan")), ("F3", "maybe"), ("F18", 2), ("F19", "n"), ("L28", None),
    ],
)
def test_out_of_range_item_is_named(item, value):
    with pytest.raises(ValueError, match=rf"\b{item}\b"):
        composite_scores(no_problems(**{item: value}))


def test_any_valid_answers_stay_within_zero_and_one():
    from intake.asi import DAY_ITEMS, FLAG_ITEMS, MONEY_ITEMS, RATING_ITEMS

    rng = random.Random(2026)
    for _ in range(3000):
        items = {item: rng.randint(0, 30) for item in DAY_ITEMS}
        items.update({item: rng.randint(0, 4) for item in RATING_ITEMS})
        items.update({item: rng.randint(0, 1) for item in FLAG_ITEMS})
        items.update({item: rng.choice([0, 0.3, 1, 55.5, 1e4, 1e9]) for item in MONEY_ITEMS})
        items.update({item: rng.choice([0, 1, "N"]) for item in RELATIONSHIP_ITEMS})
        items["F3"] = rng.choice(["yes", "no", "indifferent"])
        assert all(0 <= value <= 1 + 1e-12 for value in composite_scores(items).values()), items
