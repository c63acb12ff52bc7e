"""ASI-5 composite scores (McGahan et al. 1986), as tabled in DESIGN.md.

Each composite summarises the last 30 days of one problem area and lies in [0, 1]. Every item is
required; an item that is missing or out of range raises ``ValueError`` naming the item, so a
score is never computed from a guess.
"""

import math
from numbers import Real

COMPOSITES = (
    "medical",
    "employment",
    "alcohol",
    "drug",
    "legal",
    "family_social",
    "psychiatric",
)

DAY_ITEMS = (
    "M6", "E11", "D1", "D2", "D26", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11",
    "D13", "D27", "L27", "F30", "P12",
)
RATING_ITEMS = ("M7", "M8", "D28", "D30", "D29", "D31", "L28", "L29", "F32", "F34", "P13", "P14")
FLAG_ITEMS = ("E4", "E5", "L24", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11")
MONEY_ITEMS = ("E12", "D23", "E17")
RELATIONSHIP_ITEMS = ("F18", "F19", "F20", "F21", "F22", "F23", "F24", "F25", "F26")
SATISFACTION_ITEM = "F3"

DRUG_DAY_ITEMS = ("D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D13", "D27")
PSYCHIATRIC_FLAGS = ("P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11")
SATISFACTION_SCORE = {"yes": 0, "indifferent": 1, "no": 2}
NO_CONTACT = "N"

#: Caps on ln(amount) so that the money term never exceeds its equal share of the composite.
LOG_CAPS = {"E12": 9.0, "D23": 44 / 6, "E17": 9.2}

SCORED_ITEMS = (
    DAY_ITEMS + RATING_ITEMS + FLAG_ITEMS + MONEY_ITEMS + RELATIONSHIP_ITEMS + (SATISFACTION_ITEM,)
)


def composite_scores(items: dict) -> dict[str, float]:
    """Return the seven composites for a mapping of ASI-5 item codes to answers."""
    v = _validated(items)
    return {
        "medical": v["M6"] / 90 + v["M7"] / 12 + v["M8"] / 12,
        "employment": 1 - (v["E4"] / 4 + v["E5"] / 4 + v["E11"] / 120 + _log(v, "E12") / 36),
        "alcohol": (v["D1"] + v["D2"] + v["D26"]) / 180
        + (v["D28"] + v["D30"]) / 24
        + _log(v, "D23") / 44,
        "drug": sum(v[item] for item in DRUG_DAY_ITEMS) / 390 + (v["D29"] + v["D31"]) / 52,
        "legal": v["L24"] / 5
        + v["L27"] / 150
        + (v["L28"] + v["L29"]) / 20
        + _log(v, "E17") / 46,
        "family_social": SATISFACTION_SCORE[v["F3"]] / 10
        + v["F30"] / 150
        + (v["F32"] + v["F34"]) / 20
        + _relationship_share(v) / 5,
        "psychiatric": sum(v[item] for item in PSYCHIATRIC_FLAGS) / 11
        + v["P12"] / 330
        + (v["P13"] + v["P14"]) / 44,
    }


def combined_score(scores: dict[str, float]) -> float:
    """The combined ASI score: the mean of the seven composites (DESIGN.md)."""
    return sum(scores[name] for name in COMPOSITES) / len(COMPOSITES)


def _log(v: dict, item: str) -> float:
    """ln(amount), capped; 0 for amounts below one unit, which ASI counts in whole dollars, so
    a few kroner converted to cents cannot push a composite below 0 or above 1."""
    amount = v[item]
    return min(math.log(amount), LOG_CAPS[item]) if amount >= 1 else 0.0


def _relationship_share(v: dict) -> float:
    """Share of "yes" among F18–F26, ignoring "no contact"; 0 when all are "no contact"."""
    answered = [v[item] for item in RELATIONSHIP_ITEMS if v[item] != NO_CONTACT]
    return sum(answered) / len(answered) if answered else 0.0


def _validated(items: dict) -> dict:
    for item, check in _CHECKS:
        if item not in items:
            raise ValueError(f"ASI item {item} is missing")
        if not check(items[item]):
            raise ValueError(f"ASI item {item} is out of range: {items[item]!r}")
    return items


def _check_int(low: int, high: int):
    def check(value) -> bool:
        return type(value) is int and low <= value <= high  # not a bool (a subclass of int), nor any other

    return check


def _check_money(value) -> bool:
    return (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


_is_flag = _check_int(0, 1)


def _check_relationship(value) -> bool:
    return value == NO_CONTACT or _is_flag(value)


def _check_satisfaction(value) -> bool:
    return isinstance(value, str) and value in SATISFACTION_SCORE


#: Each scored item and the check of its value, in the order they are reported.
_CHECKS = (
    tuple((item, _check_int(0, 30)) for item in DAY_ITEMS)
    + tuple((item, _check_int(0, 4)) for item in RATING_ITEMS)
    + tuple((item, _is_flag) for item in FLAG_ITEMS)
    + tuple((item, _check_money) for item in MONEY_ITEMS)
    + tuple((item, _check_relationship) for item in RELATIONSHIP_ITEMS)
    + ((SATISFACTION_ITEM, _check_satisfaction),)
)
