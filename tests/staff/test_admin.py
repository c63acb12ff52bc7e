"""The administrator's pages: home and the audit log with its filters and pages."""

import datetime as dt
import re
from pathlib import Path

from accounts import audit
from app.context import get_db
from app.words import AUDIT_ACTIONS
from common.clock import COPENHAGEN

from staff_helpers import add_account, audit_rows, new_staff


def signed_in_admin(app):
    add_account(app, "root", "admin")
    staff = new_staff(app)
    staff.sign_in("root")
    return staff


def write(app, count, start, **fields):
    with app.app_context():
        for i in range(count):
            audit.write_audit(get_db(), at=start + dt.timedelta(minutes=i), **{
                "username": "anna", "role": "intake", "action": "case_viewed", **fields})


def shown_rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_admin_home_links_to_its_pages_and_the_accounts_page_lists_accounts(app):
    staff = signed_in_admin(app)
    add_account(app, "pia", "provider", provider_id="laenke-hvidovre")
    assert staff.get("/admin/").status_code == 200
    for page in ("audit", "stats", "providers", "settings", "accounts"):
        assert f'href="/admin/{page}"' in staff.page
    staff.get("/admin/accounts")
    assert "Lænke-ambulatoriet Hvidovre" in staff.page and "pia" in staff.page


def test_audit_log_is_newest_first_100_a_page(app):
    staff = signed_in_admin(app)
    start = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)
    write(app, 150, start)
    staff.get("/admin/audit")
    rows = shown_rows(staff.page)
    assert len(rows) == 100
    assert rows[0][4] == "Loggede ind"  # the admin's own sign-in is the newest, in words
    assert rows[1][0] == (start + dt.timedelta(minutes=149)).astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M:%S")
    assert 'href="/admin/audit?page=2"' in staff.page
    staff.get("/admin/audit?page=2")
    rows = shown_rows(staff.page)
    assert len(rows) == 52 and "side 2 af 2" in staff.page  # 150, a sign-in, the first view


def test_audit_details_that_are_codes_are_shown_in_words(app):
    staff = signed_in_admin(app)
    start = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)
    write(app, 1, start, action="decision_changed", referral_number="R-AAAA", detail="not_granted")
    write(app, 1, start, action="attendance_recorded", referral_number="R-AAAA", detail="no_show")
    write(app, 1, start, action="statistics_viewed", detail="2025-01")
    staff.get("/admin/audit")
    details = [row[5] for row in shown_rows(staff.page)]
    assert "Ikke bevilget" in details and "Udeblev" in details and "2025-01" in details
    assert "not_granted" not in details and "no_show" not in details


def test_audit_log_filters(app):
    staff = signed_in_admin(app)
    monday = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)
    write(app, 3, monday, referral_number="R-AAAA")
    write(app, 2, monday + dt.timedelta(days=1), username="bo", referral_number="R-BBBB", action="decision_recorded")
    write(app, 4, monday + dt.timedelta(days=2), referral_number="R-CCCC")
    assert len(shown_rows(staff.get("/admin/audit?username=BO") and staff.page)) == 2
    assert len(shown_rows(staff.get("/admin/audit?referral=r-aaaa") and staff.page)) == 3
    assert len(shown_rows(staff.get("/admin/audit?action=decision_recorded") and staff.page)) == 2
    staff.get("/admin/audit?since=2025-01-07&until=2025-01-07")
    assert {row[3] for row in shown_rows(staff.page)} == {"R-BBBB"}
    staff.get("/admin/audit?since=2025-01-08&username=anna&page=1")
    assert len(shown_rows(staff.page)) == 4
    assert 'value="2025-01-08"' in staff.page  # the filter stays filled in


def test_a_bad_filter_is_explained_and_ignored(app):
    staff = signed_in_admin(app)
    response = staff.get("/admin/audit?since=yesterday&page=x")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in staff.page
    assert len(shown_rows(staff.page)) == 1  # the admin's sign-in, unfiltered


def test_viewing_the_audit_log_is_itself_audited(app):
    staff = signed_in_admin(app)
    staff.get("/admin/audit?referral=R-4KQ7&action=case_viewed")
    last = audit_rows(app)[-1]
    assert (last["username"], last["role"], last["action"]) == ("root", "admin", "audit_viewed")
    assert last["referral_number"] == "R-4KQ7" and last["detail"] == "action=case_viewed"


def test_unknown_usernames_show_as_unknown(app):
    staff = signed_in_admin(app)
    new_staff(app).sign_in("nobody", "whatever")
    staff.get("/admin/audit?action=sign_in_failed_unknown")
    assert shown_rows(staff.page)[0][1] == "(ukendt brugernavn)"


def test_filter_dates_at_the_edges_of_the_calendar_are_explained_not_a_500(app):
    staff = signed_in_admin(app)
    for query in ("since=0001-01-01", "until=9999-12-31", "since=9999-12-31&until=0001-01-01", "page=99999999999999999999"):
        response = staff.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
        assert len(shown_rows(staff.page)) >= 1, query


def test_a_deleted_cases_audit_rows_show_the_day_and_no_referral_number(app):
    # Given a row about a case that was then deleted, and one about a live case
    staff = signed_in_admin(app)
    write(app, 1, dt.datetime(2025, 1, 6, 8, 17, 45, tzinfo=dt.UTC), referral_number="R-GONE-0001", detail="x")
    write(app, 1, dt.datetime(2025, 1, 6, 8, 18, 0, tzinfo=dt.UTC), referral_number="R-KEPT-0001")
    with app.app_context():
        audit.forget_referral(get_db(), "R-GONE-0001")

    # When the administrator reads the log
    staff.get("/admin/audit?username=anna")

    # Then the deleted case's row shows its day and says the case was deleted, nothing more
    rows = shown_rows(staff.page)
    assert rows[0][0] == "2025-01-06 09:18:00" and rows[0][3] == "R-KEPT-0001"
    assert rows[1][0] == "2025-01-06" and rows[1][3] == "(slettet sag)" and rows[1][5] == ""
    assert "R-GONE" not in staff.page


#: How the code names an audit action: record("x", record_for(who, "x", _audit("x", and the
#: staff's booking transitions, f"booking_{target}" and f"booking_{target}_refused".
RECORDED = re.compile(r'\b(?:record|_audit)\(\s*f?"([a-z_{}]+)"|\brecord_for\([^,]+,\s*"([a-z_]+)"')
STAFF_TARGETS = ("confirmed", "declined")


def recorded_actions() -> set[str]:
    root = Path(__file__).parents[2]
    found = set()
    for path in [*root.glob("app/**/*.py"), *root.glob("accounts/**/*.py")]:
        for plain, early in RECORDED.findall(path.read_text()):
            found.add(plain or early)
    templated = {action for action in found if "{" in action}
    assert templated <= {"booking_{target}", "booking_{target}_refused"}, templated
    return (found - templated) | {pattern.format(target=target) for pattern in templated for target in STAFF_TARGETS}


def test_every_audited_action_has_words():
    actions = recorded_actions()
    assert {"sign_in", "case_viewed", "booking_confirmed", "account_created"} <= actions
    assert sorted(actions - set(AUDIT_ACTIONS)) == []


def test_the_audit_log_shows_actions_in_words_and_an_unknown_code_as_it_is(app):
    staff = signed_in_admin(app)
    write(app, 1, dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC), action="decision_recorded")
    write(app, 1, dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC), action="something_new")
    staff.get("/admin/audit?lang=en")
    actions = [row[4] for row in shown_rows(staff.page)]
    assert "Recorded a decision" in actions and "something_new" in actions
    assert '<option value="decision_recorded">Recorded a decision</option>' in staff.page


def test_a_bad_date_in_the_filter_is_explained_in_danish(app):
    staff = signed_in_admin(app)
    staff.get("/admin/audit?since=31.12.2025")
    assert "Det er ikke en dato" in staff.page and "Not a valid date value" not in staff.page
