"""A provider's referrals: the cases the municipality has sent it, by referral number only.

A case reaches the provider once staff have confirmed its clarifying conversation there, or once
it has a course there (granted by the municipality or by the provider itself, § 101a stk. 5).
A provider that held the conversation of a case whose course runs elsewhere sees its referral and
booking, never the other provider's course.
"""

import datetime as dt
from dataclasses import dataclass

from booking import bookings
from treatment import courses

VISIBLE_BOOKING_STATES = (bookings.CONFIRMED, bookings.ATTENDED, bookings.NO_SHOW)
#: Referrals on one page of the provider's list, newest first.
PAGE_SIZE = 25

#: Whether the row of `cases` is a referral to the provider; its parameters are `_referral_values`.
_IS_REFERRAL = (
    "(exists (select 1 from bookings b where b.case_id = cases.id and b.provider_id = ?"
    f"   and b.state in ({', '.join('?' for _ in VISIBLE_BOOKING_STATES)}))"
    " or exists (select 1 from courses k where k.case_id = cases.id and k.provider_id = ?))"
)


@dataclass(frozen=True)
class ReferralsPage:
    rows: list[dict]  # [{"case_id", "referral_number"}], newest first
    page: int
    has_older: bool


def provider_referrals(db, provider_id: str, page: int = 1, per_page: int = PAGE_SIZE) -> ReferralsPage:
    """One page of the provider's referrals, newest first. The cases are read newest first by
    their index and stop when the page is full, so a page costs the same however many cases
    there are; whether an older page exists is told by reading one row more, not by counting."""
    page = max(1, page)
    rows = list(db.query(
        f"select cases.id as case_id, cases.referral_number from cases where {_IS_REFERRAL}"
        " order by cases.first_contact_day desc, cases.referral_number limit ? offset ?",
        [*_referral_values(provider_id), per_page + 1, (page - 1) * per_page],
    ))
    return ReferralsPage(rows[:per_page], page, len(rows) > per_page)


def is_provider_referral(db, provider_id: str, case_id: str) -> bool:
    return db.execute(
        f"select 1 from cases where cases.id = ? and {_IS_REFERRAL}", [case_id, *_referral_values(provider_id)]
    ).fetchone() is not None


def _referral_values(provider_id: str) -> list:
    return [provider_id, *VISIBLE_BOOKING_STATES, provider_id]


def provider_booking(db, provider_id: str, case_id: str) -> bookings.Booking | None:
    """The case's latest booking at this provider in a state the provider may see."""
    marks = ", ".join("?" for _ in VISIBLE_BOOKING_STATES)
    row = next(
        db.query(
            f"select id from bookings where case_id = ? and provider_id = ? and state in ({marks})"
            " order by starts_at desc limit 1",
            [case_id, provider_id, *VISIBLE_BOOKING_STATES],
        ),
        None,
    )
    return bookings.get_booking(db, row["id"]) if row else None


def provider_course(db, provider_id: str, case_id: str, today: dt.date, rules: courses.CourseRules) -> courses.Course | None:
    """The case's course as of `today` (`courses.current_course`), if this provider holds it."""
    course = courses.current_course(db, case_id, today, rules)
    return course if course is not None and course.provider_id == provider_id else None
