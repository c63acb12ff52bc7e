"""The intake queue: what needs doing today, the holds by when they must be confirmed, the cases
at risk, and the open cases by state, each list bounded."""

import datetime as dt

from booking import bookings, queue
from booking.guarantee import mark_at_risk
from booking.providers import IN_PERSON
from treatment import courses, decisions

from builders_booking import HOLD_HOURS, NOW, local, make_case, make_provider, slot_at

PROVIDER = make_provider()
#: Monday 2 March 2026 in Copenhagen.
TODAY = NOW.date()
OPEN_DAYS = 90


def the_queue(db, now=NOW, today=TODAY, page_size=queue.PAGE_SIZE):
    return queue.intake_queue(db, today, now, guarantee_days=14, open_days=OPEN_DAYS, page_size=page_size)


def book(db, case_id, day, hour=9, now=NOW):
    return bookings.book(db, case_id, slot_at(PROVIDER, 2026, 3, day, hour), IN_PERSON, now, HOLD_HOURS)


def confirmed(db, case_id, day, hour=9):
    return bookings.change_state(db, book(db, case_id, day, hour).id, bookings.CONFIRMED, NOW)


def referrals(listing) -> list[str]:
    return [entry.case_id for entry in listing.entries]


def test_holds_ending_today_and_conversations_today_make_the_today_group(db):
    # Given a hold that ends at midnight tonight (its conversation is tomorrow), one that ends
    # on Wednesday, and a conversation confirmed earlier for today at 11
    tonight = make_case(db)
    book(db, tonight, day=3)
    wednesday = make_case(db)
    book(db, wednesday, day=5)
    talk_today = make_case(db)
    bookings.change_state(db, bookings.book(db, talk_today, slot_at(PROVIDER, 2026, 3, 2, 11), IN_PERSON,
                                            NOW - dt.timedelta(days=3), HOLD_HOURS).id, bookings.CONFIRMED,
                          NOW - dt.timedelta(days=3))
    # When staff open the queue
    shown = the_queue(db)
    # Then today holds the hold ending tonight and today's conversation, and counts both
    assert referrals(shown.confirm_today) == [tonight]
    assert shown.confirm_today.entries[0].confirm_by == local(2026, 3, 3)
    assert referrals(shown.conversations_today) == [talk_today]
    assert shown.today_count == 2
    # and the later holds hold the rest
    assert referrals(shown.confirm_later) == [wednesday]


def test_holds_are_sorted_by_when_they_must_be_confirmed_soonest_first(db):
    # Given three holds made at different times (so they end at different times)
    cases = [make_case(db) for _ in range(3)]
    book(db, cases[0], day=10, now=NOW + dt.timedelta(hours=5))
    book(db, cases[1], day=11, now=NOW + dt.timedelta(hours=1))
    book(db, cases[2], day=12, now=NOW + dt.timedelta(hours=3))
    # Then the list of cases awaiting confirmation goes by the hold's end
    listing = queue.open_cases(db, queue.AWAITING_CONFIRMATION, NOW + dt.timedelta(hours=6), TODAY,
                               guarantee_days=14, open_days=OPEN_DAYS)
    assert referrals(listing) == [cases[1], cases[2], cases[0]]


def test_at_risk_cases_leave_the_group_once_booked_held_or_decided(db):
    # Given four cases flagged at risk a month ago
    old = TODAY - dt.timedelta(days=30)
    waiting, booked, decided, own_course = (make_case(db, first_contact_day=old) for _ in range(4))
    for case_id in (waiting, booked, decided, own_course):
        mark_at_risk(db, case_id, True)
    # When one gets a booking, one a decision, one a provider's own course
    book(db, booked, day=5)
    decisions.decide(db, decided, old, decisions.NOT_GRANTED, provider_ids=["p1"], guarantee_days=14,
                     reason="other", rules=courses.CourseRules(), today=TODAY, now=NOW)
    db["courses"].insert({"case_id": own_course, "provider_id": "p1", "start_date": "2026-03-01",
                          "granted_by": courses.PROVIDER, "state": courses.ACTIVE})
    # Then only the one still waiting is in the at-risk group, with its guarantee's last day
    shown = the_queue(db)
    assert referrals(shown.at_risk) == [waiting]
    assert shown.at_risk.entries[0].last_day == old + dt.timedelta(days=14)
    # and the booked one carries the at-risk tag in its list
    assert [e.guarantee_at_risk for e in shown.confirm_later.entries] == [True]


def test_a_case_that_has_ended_unheard_leaves_the_at_risk_group(db):
    # Given a flagged case whose first contact is longer ago than a case stays open without a decision
    ended = make_case(db, first_contact_day=TODAY - dt.timedelta(days=OPEN_DAYS + 1))
    mark_at_risk(db, ended, True)
    assert referrals(the_queue(db).at_risk) == []


def test_open_cases_by_state(db):
    # Given a pending, a confirmed future, a confirmed past and a case in a course
    pending, upcoming, past, in_course = (make_case(db) for _ in range(4))
    book(db, pending, day=6)
    confirmed(db, upcoming, day=5)
    confirmed(db, past, day=3)
    db["courses"].insert({"case_id": in_course, "provider_id": "p1", "start_date": "2026-03-01",
                          "granted_by": courses.MUNICIPALITY, "state": courses.ACTIVE})
    later = NOW + dt.timedelta(days=1, hours=12)  # Tuesday evening: that morning's conversation has been

    def listed(state):
        return referrals(queue.open_cases(db, state, later, later.date(), guarantee_days=14, open_days=OPEN_DAYS))

    assert listed(queue.AWAITING_CONVERSATION) == [upcoming]
    assert listed(queue.AWAITING_DECISION) == [past]
    assert listed(queue.IN_COURSE) == [in_course]
    assert the_queue(db, now=later, today=later.date()).counts == {
        queue.AWAITING_CONFIRMATION: 1, queue.AWAITING_CONVERSATION: 1, queue.AWAITING_DECISION: 1,
        queue.IN_COURSE: 1, queue.AT_RISK: 0,
    }


def test_every_list_is_bounded_and_says_there_is_more(db):
    for hour in (9, 10, 11):
        book(db, make_case(db), day=10, hour=hour)
    first = queue.open_cases(db, queue.AWAITING_CONFIRMATION, NOW, TODAY, guarantee_days=14, open_days=OPEN_DAYS,
                             page_size=2)
    second = queue.open_cases(db, queue.AWAITING_CONFIRMATION, NOW, TODAY, guarantee_days=14, open_days=OPEN_DAYS,
                              page_size=2, page=2)
    assert (len(first.entries), first.more) == (2, True)
    assert (len(second.entries), second.more) == (1, False)
    assert the_queue(db, page_size=2).confirm_later.more


def test_expired_holds_leave_the_queue(db):
    book(db, make_case(db), day=5)
    assert len(the_queue(db).confirm_later.entries) == 1
    assert the_queue(db, now=NOW + dt.timedelta(hours=HOLD_HOURS + 1)).confirm_later.entries == []
