"""The provider's own visitation (leverandørvisitation), § 101a stk. 5.

Seed 000: Lænke-ambulatorierne "kan selv visitere til max. 5 behandlingsforløb om året, hvor
scoren er under eller lig med 0.3. Forløb derudover aftales med kommunen."

The yearly count comes from the `statistics_events` table (one `self_visitation` event per
course granted this way), not from `courses`: a case deleted on schedule or by the citizen still
used one of the year's courses, so deletion must not give it back.
"""

import datetime as dt

from stats import monthly
from store.transaction import transaction
from treatment import conversation, courses, decisions

ABOVE_LIMIT = "above_limit"
YEARLY_CAP_REACHED = "yearly_cap_reached"
#: § 101a stk. 5 lets the municipality hand visitation to the provider, not be overruled by it:
#: once the municipality has decided (any outcome), the case is no longer the provider's to decide.
MUNICIPALITY_DECIDED = "municipality_decided"


class MunicipalityMustDecide(Exception):
    """The provider may not decide this one itself; `reason` is above_limit, yearly_cap_reached
    or municipality_decided."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def self_visit(
    db,
    case_id: str,
    provider_id: str,
    combined_score: float,
    burden_limit: float,
    year_cap: int,
    today: dt.date,
    *,
    now: dt.datetime,
) -> courses.Course:
    """Grant a course starting `today` (a Copenhagen date) with granted_by "provider", when the
    combined ASI score is at most `burden_limit` and the provider has self-visited fewer than
    `year_cap` courses in today's calendar year, the municipality has not decided on the case, and
    its booked conversation has started by `now`. Check and write happen in one transaction, so two
    staff cannot both take the last place. Raises `courses.CourseExists`, `MunicipalityMustDecide`
    or `conversation.ConversationNotHeld`."""
    with transaction(db):
        refusal = _closed_to_provider(db, case_id, now)
        if refusal is not None:
            raise refusal
        if not combined_score <= burden_limit:  # NaN is above too
            raise MunicipalityMustDecide(ABOVE_LIMIT)
        if self_visited_in_year(db, provider_id, today.year) >= year_cap:
            raise MunicipalityMustDecide(YEARLY_CAP_REACHED)
        course = courses.start_course(db, case_id, provider_id, today, courses.PROVIDER)
        monthly.count_event(db, monthly.SELF_VISITATION, today, provider_id)
        return course


def open_to_provider(db, case_id: str, now: dt.datetime) -> bool:
    """Whether the provider's page offers its own visitation for the case (the score and the
    yearly cap are checked when it is asked for)."""
    return _closed_to_provider(db, case_id, now) is None


def _closed_to_provider(db, case_id: str, now: dt.datetime) -> Exception | None:
    """Why the case is not the provider's to decide, whatever its score: already decided by the
    municipality, already given a course, or its conversation has not started."""
    if decisions.decision_for(db, case_id) is not None:
        return MunicipalityMustDecide(MUNICIPALITY_DECIDED)
    if courses.course_for(db, case_id) is not None:
        return courses.CourseExists(case_id)
    opens_at = conversation.decision_opens_at(db, case_id, now)
    return conversation.ConversationNotHeld(opens_at) if opens_at is not None else None


def self_visited_in_year(db, provider_id: str, year: int) -> int:
    """How many courses the provider has granted itself in `year` (what the cap is checked against)."""
    return monthly.events_in_year(db, monthly.SELF_VISITATION, year, provider_id)
