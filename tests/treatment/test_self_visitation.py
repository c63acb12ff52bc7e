"""The provider's own visitation (§ 101a stk. 5): score at most the limit, at most 5 a year."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from booking import bookings
from booking.providers import IN_PERSON
from store.connection import open_database
from treatment import courses, decisions
from treatment.conversation import ConversationNotHeld
from treatment.self_visitation import MunicipalityMustDecide, self_visit, self_visited_in_year

from builders_booking import HOLD_HOURS, NOW, make_provider, slot_at
from builders_course import OTHER_PROVIDER, PROVIDER, RULES, granted_course, make_case

LIMIT = 0.30
CAP = 5
TODAY = dt.date(2026, 3, 2)


def visit(db, score=0.2, today=TODAY, provider_id=PROVIDER, case_id=None, now=NOW):
    return self_visit(db, case_id or make_case(db), provider_id, score, LIMIT, CAP, today, now=now)


def test_a_score_at_the_limit_starts_a_course_today_granted_by_the_provider(db):
    course = visit(db, score=0.30)
    assert (course.state, course.start_date, course.granted_by, course.provider_id) == (
        courses.ACTIVE, TODAY, courses.PROVIDER, PROVIDER)


def test_a_score_above_the_limit_is_for_the_municipality(db):
    case_id = make_case(db)
    with pytest.raises(MunicipalityMustDecide) as error:
        visit(db, score=0.31, case_id=case_id)
    assert error.value.reason == "above_limit"
    assert courses.course_for(db, case_id) is None


def test_the_fifth_is_allowed_and_the_sixth_refused(db):
    for month in range(1, 6):
        visit(db, today=dt.date(2026, month, 10))
    assert self_visited_in_year(db, PROVIDER, 2026) == 5
    case_id = make_case(db)
    with pytest.raises(MunicipalityMustDecide) as error:
        visit(db, today=dt.date(2026, 12, 31), case_id=case_id)
    assert error.value.reason == "yearly_cap_reached"
    assert courses.course_for(db, case_id) is None


def test_a_new_calendar_year_starts_the_count_again(db):
    for _ in range(5):
        visit(db, today=dt.date(2026, 12, 31))
    assert visit(db, today=dt.date(2027, 1, 1)).start_date == dt.date(2027, 1, 1)


def test_each_provider_has_its_own_cap_and_municipality_grants_do_not_count(db):
    for _ in range(5):
        visit(db)
        granted_course(db, TODAY)
    assert visit(db, provider_id=OTHER_PROVIDER).provider_id == OTHER_PROVIDER


def test_deleting_a_self_visited_case_does_not_give_its_place_back(db):
    for _ in range(5):
        course = visit(db)
    db.execute("delete from cases where id = ?", [course.case_id])
    with pytest.raises(MunicipalityMustDecide):
        visit(db)


def test_a_case_with_a_course_is_refused(db):
    case_id = visit(db).case_id
    with pytest.raises(courses.CourseExists):
        visit(db, case_id=case_id)
    assert self_visited_in_year(db, PROVIDER, 2026) == 1


def test_two_staff_at_once_cannot_both_take_the_last_place(db, tmp_path):
    for _ in range(4):
        visit(db)
    case_ids = [make_case(db) for _ in range(8)]
    barrier = threading.Barrier(len(case_ids))

    def attempt(case_id):
        own = open_database(tmp_path / "indgang.db")
        barrier.wait()
        try:
            self_visit(own, case_id, PROVIDER, 0.1, LIMIT, CAP, TODAY, now=NOW)
            return "granted"
        except MunicipalityMustDecide as error:
            return error.reason
        finally:
            own.close()

    with ThreadPoolExecutor(len(case_ids)) as pool:
        results = list(pool.map(attempt, case_ids))
    assert sorted(results) == ["granted"] + ["yearly_cap_reached"] * 7
    assert self_visited_in_year(db, PROVIDER, 2026) == 5


@pytest.mark.parametrize("outcome", decisions.OUTCOMES)
def test_a_case_the_municipality_has_decided_is_not_the_providers_to_decide(db, outcome):
    # Given the municipality has decided on the case (§ 101a stk. 5 hands visitation over, it
    # does not let the provider overrule the municipality)
    case_id = make_case(db)
    decisions.decide(db, case_id, TODAY, outcome, provider_ids=[OTHER_PROVIDER], guarantee_days=14,
                     provider_id=OTHER_PROVIDER, start_date=TODAY, reason="other", rules=RULES, today=TODAY, now=NOW)

    # When the provider tries to grant a course itself, then it is refused and nothing is counted
    with pytest.raises(MunicipalityMustDecide) as error:
        visit(db, case_id=case_id)
    assert error.value.reason == "municipality_decided"
    assert self_visited_in_year(db, PROVIDER, 2026) == 0


def test_the_provider_decides_only_once_the_conversation_has_started(db):
    # Given a conversation at 11:00 (it is 09:15), booked and confirmed two days before
    case_id = make_case(db)
    booked_at = NOW - dt.timedelta(days=2)
    booking = bookings.book(db, case_id, slot_at(make_provider(), 2026, 3, 2, 11), IN_PERSON, booked_at, HOLD_HOURS)
    bookings.change_state(db, booking.id, bookings.CONFIRMED, booked_at)

    # Then its own visitation is refused before the start, and allowed from it
    with pytest.raises(ConversationNotHeld):
        visit(db, case_id=case_id)
    assert courses.course_for(db, case_id) is None
    assert visit(db, case_id=case_id, now=booking.starts_at).provider_id == PROVIDER
