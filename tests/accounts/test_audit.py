"""The audit log without Flask: what a row holds, never a code; filters and pages."""

import datetime as dt

from accounts import audit

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)



def test_audit_never_stores_anything_shaped_like_a_code(db):
    audit.write_audit(db, at=T0, username="anna", role="intake", action="case_viewed",
                         referral_number="R-4KQ7", detail="typed K7QF-M2XD-9TRA-B3HN, k7qfm2xd9trab3hn, K7QFH-M2XDD-9TRAD-B3HNC and k7qfhm2xdd9tradb3hnc")
    row = next(db.query("select * from audit"))
    assert row["detail"] == "typed [removed], [removed], [removed] and [removed]"
    assert row["referral_number"] == "R-4KQ7" and row["at"] == "2025-03-03T09:00:00Z"


def test_audit_page_filters_and_pages_newest_first(db):
    for minute in range(250):
        audit.write_audit(db, at=T0 + dt.timedelta(minutes=minute), username="anna" if minute % 2 else "bo",
                             role="intake", action="case_viewed", referral_number=f"R-{minute:04d}")
    first = audit.audit_page(db, audit.AuditFilter())
    assert (first.total, first.pages, len(first.entries)) == (250, 3, 100)
    assert first.entries[0].referral_number == "R-0249"
    last = audit.audit_page(db, audit.AuditFilter(), page=3)
    assert len(last.entries) == 50 and last.entries[-1].referral_number == "R-0000"
    assert audit.audit_page(db, audit.AuditFilter(username="bo")).total == 125
    assert audit.audit_page(db, audit.AuditFilter(referral_number="R-0007")).entries[0].username == "anna"
    window = audit.AuditFilter(since=T0 + dt.timedelta(minutes=10), before=T0 + dt.timedelta(minutes=20))
    assert audit.audit_page(db, window).total == 10
    assert audit.audit_page(db, audit.AuditFilter(), page=99).page == 3


def test_forgetting_a_deleted_case_keeps_who_did_what_kind_of_action_and_the_day(db):
    # Given two rows about one case (the first at 00:30 in Copenhagen, still the previous day in
    # UTC) and one row about another case
    after_midnight = dt.datetime(2026, 3, 2, 23, 30, 12, tzinfo=dt.UTC)
    audit.write_audit(db, at=after_midnight, username="anna", role="intake", action="case_viewed",
                      referral_number="R-AAAA-AAAA")
    audit.write_audit(db, at=T0, username="pia", role="provider", action="attendance_recorded",
                      referral_number="R-AAAA-AAAA", detail="no_show")
    audit.write_audit(db, at=T0, username="bo", role="intake", action="case_viewed",
                      referral_number="R-BBBB-BBBB", detail="kept")

    # When the first case is deleted
    assert audit.forget_referral(db, "R-AAAA-AAAA") == 2

    # Then its rows say who did what kind of action on which Copenhagen day, and nothing more
    rows = list(db.query("select username, role, action, referral_number, detail, at, case_deleted from audit order by id"))
    assert rows[:2] == [
        {"username": "anna", "role": "intake", "action": "case_viewed", "referral_number": None, "detail": None,
         "at": "2026-03-02T23:00:00Z", "case_deleted": 1},  # 3 March in Copenhagen
        {"username": "pia", "role": "provider", "action": "attendance_recorded", "referral_number": None,
         "detail": None, "at": "2025-03-02T23:00:00Z", "case_deleted": 1},  # 3 March 2025
    ]
    assert "R-AAAA" not in repr(list(db.query("select * from audit")))
    # and the other case's row is untouched
    assert rows[2] == {"username": "bo", "role": "intake", "action": "case_viewed", "referral_number": "R-BBBB-BBBB",
                       "detail": "kept", "at": "2025-03-03T09:00:00Z", "case_deleted": 0}
    entry = audit.audit_page(db, audit.AuditFilter(username="anna")).entries[0]
    assert entry.case_deleted and entry.at == dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC)


def test_the_actions_to_filter_by_are_each_action_once_in_order(db):
    assert audit.audit_actions(db) == []
    for action in ("sign_in", "case_viewed", "sign_in", "audit_viewed", "case_viewed"):
        audit.write_audit(db, at=T0, username="anna", role="admin", action=action)
    assert audit.audit_actions(db) == ["audit_viewed", "case_viewed", "sign_in"]


def test_a_long_log_is_counted_only_so_far(db, monkeypatch):
    # Given more entries than the page counts
    monkeypatch.setattr(audit, "MOST_COUNTED", 200)
    for minute in range(250):
        audit.write_audit(db, at=T0 + dt.timedelta(minutes=minute), username="anna", role="intake", action="case_viewed")
    # Then the page says "more than" the counted entries and offers their pages
    page = audit.audit_page(db, audit.AuditFilter())
    assert (page.total, page.more, page.pages) == (200, True, 2)
    assert audit.audit_page(db, audit.AuditFilter(username="bo")).more is False
