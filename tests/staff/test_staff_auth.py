"""Staff sign-in through the web: landing per role, lockout, idle timeout, sign-out, TOTP,
demo accounts, role boundaries, citizens kept out, the audit trail and CSRF."""

import datetime as dt
import re

import pyotp
import pytest

from accounts import accounts
from app.auth import login_required
from app.auth.guard import LANDING
from app.context import code_key, get_db, vault
from app.sessions import _digest
from intake.cases import create_case
from intake.catalogue import load_catalogue
from intake.eligibility import screen
from store.times import stamp

from builders import FITTING_ANSWERS, visible_text
from staff_helpers import PASSWORD, Staff, account_row, add_account, audit_rows, new_staff, now_utc, set_account


def english(staff: Staff) -> None:
    staff.choose_language("en")
    staff.get("/staff/login")


def error_text(staff: Staff) -> str:
    return visible_text(re.search(r'<p class="error"[^>]*>(.*?)</p>', staff.page, re.S).group(1))


# --- signing in and where it lands ----------------------------------------------------------


@pytest.mark.parametrize("role, provider_id", [("intake", None), ("provider", "laenke-hvidovre"), ("admin", None)])
def test_sign_in_lands_on_the_role_start_page(app, staff, role, provider_id):
    add_account(app, "anna", role, provider_id=provider_id)
    response = staff.sign_in("anna")
    assert response.status_code == 302
    assert response.headers["Location"] == LANDING[role] == {"intake": "/staff/", "provider": "/provider/", "admin": "/admin/"}[role]


def test_a_staff_page_sends_to_sign_in_and_back(app, staff):
    add_account(app, "anna", "provider", provider_id="stofraadgivningen")
    response = staff.get("/test-only/provider?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/test-only/provider?x%3D1"
    response = staff.sign_in("anna", next_path="/test-only/provider?x=1")
    assert response.headers["Location"] == "/test-only/provider?x=1"
    assert staff.get("/test-only/provider").get_data(as_text=True) == \
        "provider page for anna (provider, stofraadgivningen)"


@pytest.mark.parametrize("next_path", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(app, staff, next_path):
    add_account(app, "anna", "admin")
    assert staff.sign_in("anna", next_path=next_path).headers["Location"] == "/admin/"


def test_signing_in_starts_a_new_session(app, staff):
    add_account(app, "anna", "admin")
    staff.get("/staff/login")
    before = staff.cookie()
    staff.sign_in("anna")
    assert staff.cookie() != before


def test_staff_pages_have_no_quick_exit_and_no_script(app, staff):
    add_account(app, "anna", "admin")
    staff.get("/staff/login")
    assert "quick-exit" not in staff.page and "<script" not in staff.page
    staff.sign_in("anna")
    staff.get("/admin/")
    assert "quick-exit" not in staff.page and "<script" not in staff.page
    assert "Log ud" in staff.page  # Danish by default


# --- failures and lockout -------------------------------------------------------------------


FAILED = ("Wrong username or password, or too many attempts: wait a minute and try again. "
          "If you use two-step sign-in, type the code from your app too, and you get in at once.")


def test_unknown_username_gets_the_same_answer_as_a_wrong_password(app, staff):
    add_account(app, "anna", "intake")
    english(staff)
    wrong = staff.sign_in("anna", "not the password")
    wrong_text = error_text(staff)
    unknown = staff.sign_in("nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert error_text(staff) == wrong_text == FAILED


def test_third_failure_makes_the_account_wait(app, staff):
    add_account(app, "anna", "intake")
    english(staff)
    for _ in range(3):
        assert staff.sign_in("anna", "not the password").status_code == 401
    wait = dt.datetime.fromisoformat(account_row(app, "anna")["locked_until"]) - now_utc()
    assert dt.timedelta(0) < wait <= dt.timedelta(seconds=2)  # 1 s, rounded up to a whole second
    # (stretched, so that a slow machine still tries within the wait)
    set_account(app, "anna", locked_until=stamp(now_utc() + dt.timedelta(seconds=30)))
    response = staff.sign_in("anna")  # the right password, too soon: the same answer as any failure
    assert response.status_code == 401
    assert error_text(staff) == FAILED


def test_tenth_failure_locks_for_a_quarter_of_an_hour_in_the_persons_language(app, staff):
    add_account(app, "anna", "intake")
    set_account(app, "anna", failed_attempts=9)
    # Danish is the default
    assert staff.sign_in("anna", "not the password").status_code == 401
    locked_until = dt.datetime.fromisoformat(account_row(app, "anna")["locked_until"])
    assert locked_until - now_utc() > dt.timedelta(minutes=14)
    assert error_text(staff).startswith("Forkert brugernavn eller adgangskode, eller for mange forsøg")
    # The right password is refused while locked
    assert staff.sign_in("anna").status_code == 401
    # The lock ends
    set_account(app, "anna", locked_until=stamp(now_utc() - dt.timedelta(seconds=1)))
    assert staff.sign_in("anna").headers["Location"] == "/staff/"
    assert account_row(app, "anna")["failed_attempts"] == 0


def test_one_account_locked_leaves_another_alone(app, staff):
    add_account(app, "anna", "intake")
    add_account(app, "bo", "intake")
    set_account(app, "anna", failed_attempts=9)
    staff.sign_in("anna", "not the password")
    assert staff.sign_in("anna").status_code == 401
    assert new_staff(app).sign_in("bo").headers["Location"] == "/staff/"


def test_no_client_address_is_stored(app, staff):
    add_account(app, "anna", "intake")
    addresses = {"REMOTE_ADDR": "203.0.113.77", "HTTP_X_FORWARDED_FOR": "198.51.100.23"}
    staff.get("/staff/login", environ_base=addresses)
    staff.post("/staff/login", {"username": "anna", "password": "wrong one"}, environ_base=addresses)
    staff.post("/staff/login", {"username": "anna", "password": PASSWORD}, environ_base=addresses)
    with app.app_context():
        dump = "\n".join(get_db().iterdump())
    assert "203.0.113" not in dump and "198.51.100" not in dump


# --- the end of a staff session -------------------------------------------------------------


def test_idle_for_thirty_minutes_ends_the_session(app, staff):
    add_account(app, "anna", "admin")
    staff.sign_in("anna")
    staff.set_seen_at(now_utc() - dt.timedelta(minutes=29))
    assert staff.get("/admin/").status_code == 200  # and this request counts as activity
    staff.set_seen_at(now_utc() - dt.timedelta(minutes=30, seconds=1))
    response = staff.get("/admin/")
    assert response.headers["Location"] == "/staff/login?next=/admin/"
    assert staff.get("/admin/").status_code == 302
    assert "signed_out_idle" in [row["action"] for row in audit_rows(app)]


def test_idle_minutes_come_from_the_configuration(make_staff_app):
    app = make_staff_app(idle_minutes=5)
    add_account(app, "anna", "admin")
    staff = new_staff(app)
    staff.sign_in("anna")
    staff.set_seen_at(now_utc() - dt.timedelta(minutes=6))
    assert staff.get("/admin/").status_code == 302


def test_sign_out_ends_the_session_and_the_old_cookie(app, staff):
    add_account(app, "anna", "admin")
    staff.sign_in("anna")
    old_cookie = staff.cookie()
    assert staff.get("/admin/").status_code == 200
    response = staff.sign_out()
    assert response.headers["Location"] == "/staff/login"
    assert staff.get("/admin/").status_code == 302
    with app.app_context():
        assert get_db()["sessions"].count_where("id_digest = ?", [_digest(old_cookie)]) == 0
    staff.client.set_cookie("indgang", old_cookie)
    assert staff.get("/admin/").headers["Location"] == "/staff/login?next=/admin/"


def test_a_sign_out_while_a_page_is_on_its_way_is_not_undone(make_staff_app):
    """A page that was being made when another tab signed out (its request keeps the session's
    last activity, so it writes the session) must not bring the signed-out session back: the old
    cookie would open the staff pages again."""
    app = make_staff_app()

    def signed_out_meanwhile():
        get_db().execute("delete from sessions where id_digest = ?", [_digest(old_cookie)])  # the other tab's sign-out
        return "made"

    app.add_url_rule("/test-only/slow", view_func=login_required("admin")(signed_out_meanwhile))
    add_account(app, "anna", "admin")
    staff = new_staff(app)
    staff.sign_in("anna")
    old_cookie = staff.cookie()
    staff.set_seen_at(now_utc() - dt.timedelta(minutes=1))  # so that this page writes the session
    assert staff.get("/test-only/slow").status_code == 200
    with app.app_context():
        assert get_db()["sessions"].count_where("id_digest = ?", [_digest(old_cookie)]) == 0
    assert staff.get("/admin/").headers["Location"] == "/staff/login?next=/admin/"


def test_disabling_or_resetting_an_account_ends_its_open_sessions(app):
    add_account(app, "anna", "admin")
    add_account(app, "bo", "admin")
    anna, bo = new_staff(app), new_staff(app)
    anna.sign_in("anna")
    bo.sign_in("bo")
    with app.app_context():
        accounts.disable_account(get_db(), "anna", now=now_utc())
        accounts.reset_password(get_db(), app.extensions["indgang.passwords"], "bo", "another long password",
                                now=now_utc())
    assert anna.get("/admin/").status_code == 302
    assert bo.get("/admin/").status_code == 302
    assert bo.sign_in("bo", "another long password").headers["Location"] == "/admin/"


def test_logout_needs_a_post(app, staff):
    assert staff.get("/staff/logout").status_code == 405


# --- two-step sign-in -----------------------------------------------------------------------


def turn_on_totp(staff: Staff) -> pyotp.TOTP:
    staff.get("/staff/totp")
    secret = re.search(r'id="totp-secret">([^<]+)<', staff.page).group(1).replace(" ", "")
    assert "otpauth://totp/Indgang:" in staff.page and f"secret={secret}" in staff.page
    totp = pyotp.TOTP(secret)
    assert staff.post("/staff/totp", {"code": "000000" if totp.now() != "000000" else "111111"}).status_code == 400
    response = staff.post("/staff/totp", {"code": totp.now()})
    assert response.status_code == 302
    return totp


def test_totp_set_up_then_sign_in_asks_for_a_code(app, staff):
    add_account(app, "anna", "admin")
    staff.sign_in("anna")
    totp = turn_on_totp(staff)
    stored = account_row(app, "anna")["totp_secret"]
    assert stored and totp.secret not in stored  # sealed at rest
    staff.sign_out()
    # The password alone opens nothing
    response = staff.sign_in("anna", next_path="/admin/audit")
    assert response.headers["Location"] == "/staff/login/code"
    assert staff.get("/admin/").status_code == 302
    # A wrong code is refused and counted
    staff.get("/staff/login/code")
    assert staff.post("/staff/login/code", {"code": "12345"}).status_code == 401
    wrong = "000000" if totp.now() != "000000" else "111111"
    assert staff.post("/staff/login/code", {"code": wrong}).status_code == 401
    assert account_row(app, "anna")["code_failed_attempts"] == 2
    # The next code (the one used at set-up cannot be used twice) signs in
    response = staff.post("/staff/login/code", {"code": totp.at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))})
    assert response.headers["Location"] == "/admin/audit"
    assert staff.get("/admin/").status_code == 200
    assert account_row(app, "anna")["code_failed_attempts"] == 0


def test_the_code_step_needs_a_right_password_first(app, staff):
    assert staff.get("/staff/login/code").headers["Location"] == "/staff/login"


def test_require_totp_forces_set_up_before_any_other_page(make_staff_app):
    app = make_staff_app(require_totp=True)
    add_account(app, "anna", "admin")
    staff = new_staff(app)
    response = staff.sign_in("anna", next_path="/admin/audit")
    assert response.headers["Location"] == "/staff/totp?next=/admin/audit"
    assert staff.get("/admin/").headers["Location"].startswith("/staff/totp")
    assert staff.get("/test-only/intake").headers["Location"].startswith("/staff/totp")
    staff.get("/staff/totp?next=/admin/audit")
    assert "Alle konti skal bruge totrinslogin" in staff.page or "Every account must use" in staff.page
    secret = re.search(r'id="totp-secret">([^<]+)<', staff.page).group(1).replace(" ", "")
    response = staff.post("/staff/totp", {"code": pyotp.TOTP(secret).now(), "next": "/admin/audit"})
    assert response.headers["Location"] == "/admin/audit"
    assert staff.get("/admin/").status_code == 200


# --- demo accounts --------------------------------------------------------------------------


DEMO_NAMES = ["intake", "admin", "provider-stofraadgivningen", "provider-laenke-hvidovre", "provider-laenke-lyngby"]


def test_demo_config_creates_demo_accounts_once(make_staff_app, capsys):
    app = make_staff_app(demo=True)
    assert capsys.readouterr().out == f"Demo accounts (password: demo): {', '.join(DEMO_NAMES)}\n"
    make_staff_app(demo=True)
    assert capsys.readouterr().out == ""
    with app.app_context():
        demo = [a for a in accounts.list_accounts(get_db()) if a.demo]
    assert sorted(a.username for a in demo) == sorted(DEMO_NAMES)
    assert new_staff(app).sign_in("provider-laenke-lyngby", "demo").headers["Location"] == "/provider/"


def test_without_demo_no_demo_accounts_are_created(make_staff_app, capsys):
    app = make_staff_app(demo=False)
    assert "Demo accounts" not in capsys.readouterr().out
    with app.app_context():
        assert accounts.list_accounts(get_db()) == []


def test_a_demo_account_is_refused_when_demo_is_off(make_staff_app):
    demo_app = make_staff_app(demo=True)
    signed_in = new_staff(demo_app)
    signed_in.sign_in("admin", "demo")
    assert signed_in.get("/admin/").status_code == 200
    app = make_staff_app(demo=False)  # the same instance folder, now without demo
    staff = new_staff(app)
    assert staff.sign_in("admin", "demo").status_code == 401
    still_open = Staff(app.test_client())
    still_open.client.set_cookie("indgang", signed_in.cookie())
    assert still_open.get("/admin/").status_code == 302


# --- who sees what --------------------------------------------------------------------------


PAGES = ["/admin/", "/admin/audit", "/test-only/intake", "/test-only/provider", "/test-only/admin", "/test-only/intake-or-admin"]
ALLOWED = {
    "intake": {"/test-only/intake", "/test-only/intake-or-admin"},
    "provider": {"/test-only/provider"},
    "admin": {"/admin/", "/admin/audit", "/test-only/admin", "/test-only/intake-or-admin"},
}


@pytest.mark.parametrize("role", ["intake", "provider", "admin"])
def test_each_role_sees_only_its_own_pages(app, staff, role):
    add_account(app, "anna", role, provider_id="laenke-lyngby" if role == "provider" else None)
    staff.sign_in("anna")
    for path in PAGES:
        response = staff.get(path)
        expected = 200 if path in ALLOWED[role] else 403
        assert response.status_code == expected, (role, path)
        if expected == 403:
            assert "<h1>Ingen adgang</h1>" in staff.page and LANDING[role] in staff.page


def test_nobody_signed_in_is_sent_to_sign_in(app, staff):
    for path in PAGES:
        assert staff.get(path).headers["Location"].startswith("/staff/login?next=")


def test_a_citizen_with_a_case_never_opens_a_staff_page(app, staff):
    with app.test_request_context():
        assessment = screen(load_catalogue(), FITTING_ANSWERS, ["Ishøj", "Vallensbæk"], 0.30, 0.15)
        _, code = create_case(get_db(), vault(), code_key(), answers=FITTING_ANSWERS, assessment=assessment,
                              first_contact_day=dt.date.today())
    staff.get("/code")
    assert staff.post("/code", {"code": code}).headers["Location"] == "/status"
    assert staff.get("/status").status_code == 200
    for path in PAGES + ["/staff/totp"]:
        assert staff.get(path).headers["Location"].startswith("/staff/login"), path


def test_login_required_needs_known_roles():
    from app.auth import login_required

    with pytest.raises(ValueError):
        login_required()
    with pytest.raises(ValueError):
        login_required("intake", "superuser")


# --- the audit trail ------------------------------------------------------------------------


def test_every_sign_in_event_is_audited_and_no_row_holds_a_code(app, staff):
    add_account(app, "anna", "intake")
    add_account(app, "root", "admin")
    with app.test_request_context():
        assessment = screen(load_catalogue(), FITTING_ANSWERS, ["Ishøj", "Vallensbæk"], 0.30, 0.15)
        case_id, code = create_case(get_db(), vault(), code_key(), answers=FITTING_ANSWERS,
                                    assessment=assessment, first_contact_day=dt.date.today())
        referral = next(get_db().query("select referral_number from cases where id = ?", [case_id]))["referral_number"]
    staff.sign_in("nobody", "whatever it is")
    staff.sign_in("anna", "not the password")
    set_account(app, "anna", failed_attempts=9)
    staff.sign_in("anna", "not the password")
    staff.sign_in("anna")
    set_account(app, "anna", failed_attempts=0, locked_until=None)
    staff.sign_in("anna")
    staff.post("/test-only/record", {"action": "case_viewed", "referral": referral, "detail": f"code {code}"})
    turn_on_totp(staff)
    staff.sign_out()
    admin = new_staff(app)
    admin.sign_in("root")
    admin.get(f"/admin/audit?referral={referral}")
    rows = [row for row in audit_rows(app) if row["action"] != "queue_viewed"]  # intake's landing page
    events = [(row["username"], row["role"], row["action"], row["detail"]) for row in rows]
    assert events[:9] == [
        ("", None, "sign_in_failed_unknown", "1"),
        ("anna", "intake", "sign_in_failed", None),
        ("anna", "intake", "sign_in_failed", None),
        ("anna", "intake", "account_locked", events[2 + 1][3]),
        ("anna", "intake", "sign_in_refused", "1"),
        ("anna", "intake", "sign_in", None),
        ("anna", "intake", "case_viewed", "code [removed]"),
        ("anna", "intake", "totp_enabled", None),
        ("anna", "intake", "sign_out", None),
    ]
    assert events[3][3].startswith("until ")
    assert events[9:] == [("root", "admin", "sign_in", None), ("root", "admin", "audit_viewed", None)]
    assert rows[6]["referral_number"] == referral and rows[10]["referral_number"] == referral
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["at"]) for row in rows)
    dump = repr(rows).upper()
    assert code not in dump and code[:4] + "-" + code[4:8] not in dump


# --- CSRF -----------------------------------------------------------------------------------


def test_sign_in_posted_from_another_site_gets_a_friendly_400(app, staff):
    add_account(app, "anna", "admin")
    for header in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        response = staff.client.post("/staff/login", data={"username": "anna", "password": PASSWORD}, headers=header)
        assert response.status_code == 400
        assert "Siden var åben for længe" in response.get_data(as_text=True)
    assert staff.get("/admin/").status_code == 302


def test_a_post_in_a_session_without_its_csrf_token_gets_a_friendly_400(app, staff):
    add_account(app, "anna", "admin")
    staff.sign_in("anna")
    response = staff.client.post("/staff/logout", data={})
    assert response.status_code == 400
    assert "Siden var åben for længe" in response.get_data(as_text=True)
    assert staff.get("/admin/").status_code == 200  # still signed in
