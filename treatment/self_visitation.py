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
from treatment import courses

ABOVE_LIMIT = "above_limit"
YEARLY_CAP_REACHED = "yearly_cap_reached"


class MunicipalityMustDecide(Exception):
    """The provider may not decide this one itself; `reason` is above_limit or yearly_cap_reached."""

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
) -> courses.Course:
    """Grant a course starting `today` (a Copenhagen date) with granted_by "provider", when the
    combined ASI score is at most `burden_limit` and the provider has self-visited fewer than
    `year_cap` courses in today's calendar year. Check and write happen in one transaction, so two
    staff cannot both take the last place. Raises `courses.CourseExists` or
    `MunicipalityMustDecide`."""
    with transaction(db):
        if courses.course_for(db, case_id) is not None:
            raise courses.CourseExists(case_id)
        if not combined_score <= burden_limit:  # NaN is above too
            raise MunicipalityMustDecide(ABOVE_LIMIT)
        if self_visited_in_year(db, provider_id, today.year) >= year_cap:
            raise MunicipalityMustDecide(YEARLY_CAP_REACHED)
        course = courses.start_course(db, case_id, provider_id, today, courses.PROVIDER)
        monthly.count_event(db, monthly.SELF_VISITATION, today, provider_id)
        return course


def self_visited_in_year(db, provider_id: str, year: int) -> int:
    """How many courses the provider has granted itself in `year` (what the cap is checked against)."""
    return monthly.events_in_year(db, monthly.SELF_VISITATION, year, provider_id)
