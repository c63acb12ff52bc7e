"""A provider's referrals: a page at a time, newest first, and the check for one case."""

import datetime as dt

from treatment import referrals

from builders_course import OTHER_PROVIDER, PROVIDER, TODAY, granted_course, make_case


def test_referrals_come_a_page_at_a_time_newest_first(db):
    # Given 30 cases with a course at the provider, one first contacted each day, and one elsewhere
    newest_first = [granted_course(db, TODAY, first_contact_day=TODAY - dt.timedelta(days=n)) for n in range(30)]
    granted_course(db, TODAY, OTHER_PROVIDER)

    # When the provider reads its list a page of 25 at a time
    first = referrals.provider_referrals(db, PROVIDER, page=1, per_page=25)
    second = referrals.provider_referrals(db, PROVIDER, page=2, per_page=25)

    # Then the pages hold its own referrals, newest first, and say whether older ones follow
    assert [row["case_id"] for row in first.rows + second.rows] == newest_first
    assert (len(first.rows), first.has_older) == (25, True)
    assert (len(second.rows), second.has_older) == (5, False)


def test_a_case_is_a_referral_only_to_the_provider_that_holds_it(db):
    ours = granted_course(db, TODAY)
    theirs = granted_course(db, TODAY, OTHER_PROVIDER)
    nobodys = make_case(db)
    assert referrals.is_provider_referral(db, PROVIDER, ours)
    assert not referrals.is_provider_referral(db, PROVIDER, theirs)
    assert not referrals.is_provider_referral(db, PROVIDER, nobodys)
