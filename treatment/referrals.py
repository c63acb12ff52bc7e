"""A provider's referrals: the cases the municipality has sent it, by referral number only.

A case reaches the provider once staff have confirmed its clarifying conversation there, or once
it has a course there (granted by the municipality or by the provider itself, § 101a stk. 5).
A provider that held the conversation of a case whose course runs elsewhere sees its referral and
booking, never the other provider's course.
"""

import datetime as dt

from booking import bookings
from treatment import courses

VISIBLE_BOOKING_STATES = (bookings.CONFIRMED, bookings.ATTENDED, bookings.NO_SHOW)


def provider_referrals(db, provider_id: str) -> list[dict]:
    """[{"case_id", "referral_number"}] for the provider, newest first."""
    marks = ", ".join("?" for _ in VISIBLE_BOOKING_STATES)
    return list(
        db.query(
            "select cases.id as case_id, cases.referral_number from cases"
            " where exists (select 1 from bookings b where b.case_id = cases.id and b.provider_id = ?"
            f"   and b.state in ({marks}))"
            " or exists (select 1 from courses k where k.case_id = cases.id and k.provider_id = ?)"
            " order by cases.first_contact_day desc, cases.referral_number",
            [provider_id, *VISIBLE_BOOKING_STATES, provider_id],
        )
    )


def is_provider_referral(db, provider_id: str, case_id: str) -> bool:
    return any(row["case_id"] == case_id for row in provider_referrals(db, provider_id))


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
