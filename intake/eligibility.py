"""What the screening result means (DESIGN.md, "What the result means").

The result is advice, not a gate: booking stays open for everyone, and the clarifying
conversation decides (§ 101a stk. 3–4).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from common.text import N_
from intake import asi, catalogue
from intake.asi import COMPOSITES, DRUG_DAY_ITEMS, combined_score, composite_scores
from intake.catalogue import Catalogue

FITS = "fits"
ORDINARY = "ordinary"
UNDER_18 = "under_18"

#: Reasons the anonymous track may not fit, as msgids for the web layer.
REASONS = {
    "other_support": N_(
        "You receive support from the municipality for social problems. The anonymous offer is "
        "for people whose only problem the municipality helps with is drugs."
    ),
    "not_served": N_(
        "You live in a municipality this service does not cover. Your own municipality must "
        "offer anonymous treatment too."
    ),
    "no_recent_drug_use": N_(
        "You have not used drugs or had drug problems in the last 30 days."
    ),
    "combined_above_limit": N_(
        "Your combined score is above %(limit)s, the limit for the group course."
    ),
}


def scoring_version(files) -> str:
    """A digest of the files that decide a screening's assessment from its answers: an
    assessment kept from earlier (`app.screening_flow`) holds only under the same version."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


#: The version of the questions, the ASI scoring and this module, as they are running.
SCORING_VERSION = scoring_version((catalogue.CATALOGUE_PATH, catalogue.__file__, asi.__file__, __file__))

#: Employment is high for students and people without a car, who are squarely in the target
#: group: it is shown among the areas above the limit but never named as a concern alone.
NOT_A_CONCERN_ALONE = ("employment",)


@dataclass(frozen=True)
class Assessment:
    outcome: str
    reasons: tuple[str, ...]
    combined: float | None
    areas_above_limit: tuple[str, ...]
    scores: dict | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "Assessment":
        """Rebuild from `dataclasses.asdict` output that went through JSON (lists for tuples)."""
        return cls(**{key: tuple(v) if isinstance(v, list) else v for key, v in data.items()})

    @property
    def concerns(self) -> tuple[str, ...]:
        """Areas above the limit that are topics for the clarifying conversation."""
        if set(self.areas_above_limit) <= set(NOT_A_CONCERN_ALONE):
            return ()
        return self.areas_above_limit


def screen(
    catalogue: Catalogue,
    answers: dict,
    served_municipalities: list[str],
    burden_limit: float,
    money_factor: float,
) -> Assessment:
    """Score a finished screening and say what it means; under 18 is not scored."""
    if catalogue.stopped_early(answers):
        return Assessment(UNDER_18, (), None, ())
    items = catalogue.asi_items(answers, money_factor)
    scores = {name: round(value, 4) for name, value in composite_scores(items).items()}
    return assess(answers, items, scores, served_municipalities, burden_limit)


def assess(
    answers: dict,
    items: dict,
    scores: dict,
    served_municipalities: list[str],
    burden_limit: float,
) -> Assessment:
    """Turn answers, ASI items and composites into the screening outcome and its reasons."""
    combined = round(combined_score(scores), 4)
    reasons = []
    if answers.get("other_support") == 1:
        reasons.append("other_support")
    if answers.get("municipality") not in served_municipalities:
        reasons.append("not_served")
    if not _recent_drug_use(items):
        reasons.append("no_recent_drug_use")
    if combined > burden_limit:
        reasons.append("combined_above_limit")
    above = tuple(name for name in COMPOSITES if scores[name] > burden_limit)
    return Assessment(ORDINARY if reasons else FITS, tuple(reasons), combined, above, scores)


def _recent_drug_use(items: dict) -> bool:
    return sum(items[item] for item in DRUG_DAY_ITEMS) > 0 or items.get("D12", 0) > 0
