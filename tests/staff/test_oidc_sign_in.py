"""Staff sign in through the municipality's OpenID Connect provider: end to end against a real one
(oidc-provider, tests/oidc_served.py), with Flask's client in our app and a plain HTTP client at
the provider. Tokens the provider would never issue (expired, signed with another key) are
made here and given to the same validation (`app.auth.oidc.validate_id_token`), with the
provider's real discovery document and keys."""

import datetime as dt
import html
import re
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from accounts import accounts
from app.auth import oidc
from app.config import settings_from_dict
from app.context import get_db

from oidc_served import BREAK_GLASS, CLIENT_ID, CLIENT_SECRET, SECRET_VARIABLE, config_with_oidc, sign_in_at_provider
from staff_helpers import account_row, audit_rows, new_staff

CONTINUE = re.compile(r'<meta http-equiv="refresh" content="0;url=([^"]+)">')


@pytest.fixture
def oidc_app(make_app, oidc_provider, monkeypatch):
    """`oidc_app(**changes)`: the app with [staff.oidc] at the test provider (`changes` replace
    its fields); every app of one test shares the database."""
    monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)

    def make(**changes):
        return make_app(settings=settings_from_dict(config_with_oidc(oidc_provider.issuer, **changes)))

    return make


def start(staff, next_path: str = "") -> str:
    """Press "Sign in with your municipal account"; returns the provider's address it leads to."""
    response = staff.post("/staff/login/oidc", {"next": next_path})
    assert response.status_code == 302, staff.page
    return response.headers["Location"]


def come_back(staff, provider_answer: str):
    """The browser returns from the provider: the hand-over page, then its target."""
    parts = urlsplit(provider_answer)
    hand_over = staff.get(f"{parts.path}?{parts.query}")
    assert hand_over.status_code == 200
    return staff.get(html.unescape(CONTINUE.search(staff.page).group(1)))


def sign_in(staff, username: str, next_path: str = ""):
    return come_back(staff, sign_in_at_provider(start(staff, next_path), username))


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**dict(parse_qsl(parts.query)), **changes})))


def audit_actions(app) -> list[tuple[str, str, str | None]]:
    return [(row["action"], row["username"], row["detail"]) for row in audit_rows(app)]


# --- signing in -------------------------------------------------------------------------------


def test_intake_staff_sign_in_get_an_account_by_subject_and_a_new_session_id(oidc_app):
    app = oidc_app()
    staff = new_staff(app)
    provider_address = start(staff, "/staff/find")
    assert urlsplit(provider_address).path == "/auth"
    request = dict(parse_qsl(urlsplit(provider_address).query))
    assert request["code_challenge_method"] == "S256" and request["code_challenge"] and request["nonce"] and request["state"]
    before = staff.cookie()
    response = come_back(staff, sign_in_at_provider(provider_address, "anna"))
    assert response.status_code == 302 and response.headers["Location"] == "/staff/find", staff.page
    assert staff.cookie() != before  # the session id is new at sign-in
    assert staff.get("/staff/").status_code == 200
    row = account_row(app, "anna")
    assert (row["role"], row["oidc_subject"], row["password_hash"]) == ("intake", "anna", "")
    assert ("account_created", "anna", "intake") in audit_actions(app) and ("sign_in", "anna", "oidc") in audit_actions(app)


@pytest.mark.parametrize("username, landing, role, provider_id", [
    ("pia", "/provider/", "provider", "laenke-hvidovre"),
    ("ida", "/admin/", "admin", None),  # in the admin and intake groups: admin is listed first
])
def test_each_mapped_group_gives_its_role(oidc_app, username, landing, role, provider_id):
    app = oidc_app()
    staff = new_staff(app)
    assert sign_in(staff, username).headers["Location"] == landing
    assert staff.get(landing).status_code == 200
    row = account_row(app, username)
    assert (row["role"], row["provider_id"]) == (role, provider_id)


def test_the_role_follows_the_groups_at_the_next_sign_in(oidc_app):
    sign_in(new_staff(oidc_app()), "anna")
    app = oidc_app(groups={"indgang-intake": {"role": "admin"}})
    assert sign_in(new_staff(app), "anna").headers["Location"] == "/admin/"
    assert ("account_role_changed", "anna", "intake → admin") in audit_actions(app)


def test_a_removed_group_refuses_the_next_sign_in_and_ends_open_sessions(oidc_app):
    earlier = new_staff(oidc_app())
    sign_in(earlier, "anna")
    app = oidc_app(groups={"indgang-admin": {"role": "admin"}})
    response = sign_in(new_staff(app), "anna")
    assert response.status_code == 403 and "har ikke adgang til Indgang" in response.get_data(as_text=True)
    assert earlier.get("/staff/").status_code == 302  # the session begun before ended
    assert ("oidc_refused", "anna", "no_group") in audit_actions(app)


def test_a_person_without_a_mapped_group_is_refused_with_a_clear_page_and_gets_no_account(oidc_app):
    app = oidc_app()
    staff = new_staff(app)
    staff.language = "en"
    response = sign_in(staff, "otto")
    assert response.status_code == 403
    assert "your account has no access to Indgang" in staff.page
    assert staff.get("/staff/").status_code == 302
    with app.app_context():
        assert get_db()["accounts"].count_where("oidc_subject is not null") == 0
    assert ("oidc_refused", "", "1") in audit_actions(app)


def test_a_sign_in_without_a_second_factor_is_refused_when_mfa_is_required(oidc_app):
    response = sign_in(new_staff(oidc_app()), "nils")
    assert response.status_code == 403 and "to-faktor-godkendelse" in response.get_data(as_text=True)
    assert sign_in(new_staff(oidc_app(required_amr=[])), "nils").headers["Location"] == "/staff/"


def test_a_locally_disabled_account_is_refused_whatever_the_provider_says(oidc_app):
    app = oidc_app()
    sign_in(new_staff(app), "anna")
    with app.app_context():
        accounts.disable_account(get_db(), "anna", now=dt.datetime.now(dt.UTC))
    response = sign_in(new_staff(app), "anna")
    assert response.status_code == 403 and "deaktiveret" in response.get_data(as_text=True)


# --- answers that must not sign anyone in -------------------------------------------------------


def test_a_forged_state_is_refused(oidc_app):
    app = oidc_app()
    staff = new_staff(app)
    answer = sign_in_at_provider(start(staff), "anna")
    response = come_back(staff, with_query(answer, state="forged"))
    assert response.status_code == 400 and "kunne ikke kontrolleres" in response.get_data(as_text=True)
    assert staff.get("/staff/").status_code == 302
    assert ("oidc_failed", "", "1") in audit_actions(app)


def test_an_answer_meant_for_another_browser_is_refused(oidc_app):
    # Login CSRF: someone else's code and state, opened in a browser that did not start the sign-in
    app = oidc_app()
    answer = sign_in_at_provider(start(new_staff(app)), "anna")
    stranger = new_staff(app)
    assert come_back(stranger, answer).status_code == 400
    assert stranger.get("/staff/").status_code == 302


def test_an_answer_works_once(oidc_app):
    staff = new_staff(oidc_app())
    answer = sign_in_at_provider(start(staff), "anna")
    assert come_back(staff, answer).status_code == 302
    staff.post("/staff/logout")
    assert come_back(staff, answer).status_code == 400


def test_an_id_token_with_another_nonce_is_refused(oidc_app):
    # The provider itself signs a token with the nonce it was given: here not the one we sent
    app = oidc_app()
    staff = new_staff(app)
    answer = sign_in_at_provider(with_query(start(staff), nonce="not-the-one-we-sent"), "anna")
    response = come_back(staff, answer)
    assert response.status_code == 400 and "kunne ikke kontrolleres" in response.get_data(as_text=True)
    with app.app_context():
        assert accounts.get_account(get_db(), "anna") is None


def test_an_error_from_the_provider_gives_a_page_not_a_crash(oidc_app):
    staff = new_staff(oidc_app())
    start(staff)
    response = come_back(staff, "http://localhost/staff/login/oidc/callback?error=access_denied&state=x")
    assert response.status_code == 400


def test_an_unreachable_provider_gives_a_page_not_a_crash(oidc_app):
    staff = new_staff(oidc_app(issuer="http://127.0.0.1:9"))
    staff.get("/staff/login")
    response = staff.post("/staff/login/oidc", {"next": ""})
    assert response.status_code == 503 and "svarede ikke" in staff.page


# --- tokens the provider would not issue (unit level, with its real discovery and keys) --------


def id_token(key: RSAKey, issuer: str, nonce="n-1", exp_in=dt.timedelta(minutes=5), kid="provider-key") -> str:
    moment = int(time.time())
    claims = {"iss": issuer, "sub": "anna", "aud": CLIENT_ID, "nonce": nonce, "iat": moment,
              "exp": moment + int(exp_in.total_seconds()), "groups": ["indgang-intake"], "amr": ["mfa"]}
    return jwt.encode({"alg": "RS256", "kid": kid}, claims, key)


def test_a_token_signed_with_the_provider_s_key_passes(oidc_app, oidc_provider):
    with oidc_app().test_request_context():
        assert oidc.validate_id_token(id_token(oidc_provider.signing_key, oidc_provider.issuer), "n-1")["sub"] == "anna"


def test_an_expired_token_is_refused(oidc_app, oidc_provider):
    expired = id_token(oidc_provider.signing_key, oidc_provider.issuer, exp_in=-dt.timedelta(minutes=10))
    with oidc_app().test_request_context(), pytest.raises(JoseError, match="expired"):
        oidc.validate_id_token(expired, "n-1")


@pytest.mark.parametrize("kid", ["provider-key", "another-key"])
def test_a_token_signed_with_another_key_is_refused(oidc_app, oidc_provider, kid):
    other = RSAKey.generate_key(2048, private=True)
    with oidc_app().test_request_context(), pytest.raises(JoseError):
        oidc.validate_id_token(id_token(other, oidc_provider.issuer, kid=kid), "n-1")


def test_a_token_of_another_issuer_or_nonce_is_refused(oidc_app, oidc_provider):
    with oidc_app().test_request_context():
        for token, nonce in ((id_token(oidc_provider.signing_key, "http://127.0.0.1:1"), "n-1"),
                             (id_token(oidc_provider.signing_key, oidc_provider.issuer), "n-2")):
            with pytest.raises(JoseError):
                oidc.validate_id_token(token, nonce)


# --- passwords, the page, signing out -------------------------------------------------------------


def test_with_oidc_on_a_password_opens_only_the_break_glass_account(oidc_app):
    app = oidc_app()
    staff = new_staff(app)
    assert staff.sign_in("intake", "demo").status_code == 401
    assert staff.sign_in(BREAK_GLASS, "demo").headers["Location"] == "/admin/"


def test_the_sign_in_page_offers_the_provider_and_lets_forms_go_there(oidc_app, oidc_provider):
    staff = new_staff(oidc_app())
    response = staff.get("/staff/login")
    assert 'action="/staff/login/oidc"' in staff.page and "Log ind med din kommunale konto" in staff.page
    assert f"form-action 'self' {oidc_provider.issuer};" in response.headers["Content-Security-Policy"]


def test_signing_out_ends_the_session_here_and_at_the_provider(oidc_app, oidc_provider):
    app = oidc_app()
    staff = new_staff(app)
    sign_in(staff, "anna")
    response = staff.post("/staff/logout")
    end_session = urlsplit(response.headers["Location"])
    query = dict(parse_qsl(end_session.query))
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == oidc_provider.discovery()["end_session_endpoint"]
    assert query["post_logout_redirect_uri"] == "http://localhost/staff/signed-out" and query["id_token_hint"]
    assert staff.get("/staff/").status_code == 302
    assert ("sign_out", "anna", None) in audit_actions(app)
    assert new_staff(app).get("/staff/signed-out").status_code == 200


def test_an_idle_session_of_the_provider_ends_as_a_password_session_does(oidc_app):
    app = oidc_app()
    staff = new_staff(app)
    sign_in(staff, "anna")
    staff.set_seen_at(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))
    assert staff.get("/staff/").status_code == 302
    assert ("signed_out_idle", "anna", None) in audit_actions(app)


def test_without_oidc_the_provider_s_pages_do_not_exist(app):
    client = app.test_client()
    assert client.post("/staff/login/oidc").status_code == 404
    assert client.get("/staff/login/oidc/callback?code=x&state=y").status_code == 404


def test_the_hand_over_page_passes_on_only_the_answer_and_writes_nothing(oidc_app):
    client = oidc_app().test_client()
    response = client.get("/staff/login/oidc/callback?code=c-1&state=s-1&iss=x&_external=1&next=//evil.example")
    assert response.status_code == 200 and response.headers.getlist("Set-Cookie") == []
    target = html.unescape(CONTINUE.search(response.get_data(as_text=True)).group(1))
    assert target == "/staff/login/oidc/finish?code=c-1&state=s-1&iss=x"
