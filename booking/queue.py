"""The intake queue: what staff must act on, most urgent first.

Pending bookings, and cases whose treatment guarantee is at risk without a confirmed booking,
ordered with the at-risk cases on top and then by guarantee deadline.
"""

import datetime as dt
from dataclasses import dataclass

from booking import bookings
from booking.guarantee import Guarantee
from store.times import parse_day, stamp

URGENT_DAYS = 2


@dataclass(frozen=True)
class QueueEntry:
    case_id: str
    referral_number: str
    booking: bookings.Booking | None
    guarantee_at_risk: bool
    last_day: dt.date  # the last day within the treatment guarantee
    days_left: int

    @property
    def urgent(self) -> bool:
        return self.days_left <= URGENT_DAYS


def intake_queue(db, today: dt.date, now: dt.datetime, guarantee_days: int) -> list[QueueEntry]:
    rows = db.query(
        "select cases.id as case_id, cases.referral_number, cases.first_contact_day,"
        " risk.case_id is not null as guarantee_at_risk, bookings.id as booking_id"
        " from cases left join bookings on bookings.case_id = cases.id"
        "   and bookings.state = ? and bookings.hold_until > ?"
        " left join guarantee_at_risk risk on risk.case_id = cases.id"
        " where bookings.id is not null"
        "   or (risk.case_id is not null and not exists (select 1 from bookings b"
        "       where b.case_id = cases.id and b.state = ?))",
        [bookings.PENDING, stamp(now), bookings.CONFIRMED],
    )
    entries = [_entry(db, row, today, guarantee_days) for row in rows]
    return sorted(entries, key=lambda e: (not e.guarantee_at_risk, e.last_day, _start(e)))


def _entry(db, row, today, guarantee_days) -> QueueEntry:
    case_guarantee = Guarantee(parse_day(row["first_contact_day"]), guarantee_days)
    return QueueEntry(
        case_id=row["case_id"],
        referral_number=row["referral_number"],
        booking=bookings.get_booking(db, row["booking_id"]) if row["booking_id"] else None,
        guarantee_at_risk=bool(row["guarantee_at_risk"]),
        last_day=case_guarantee.last_day,
        days_left=case_guarantee.days_left(today),
    )


def _start(entry: QueueEntry):
    return entry.booking.starts_at if entry.booking else dt.datetime.max.replace(tzinfo=dt.UTC)
