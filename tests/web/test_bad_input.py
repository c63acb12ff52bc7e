"""Bad input never gives a 500: a clear message in the person's language, nothing lost."""

import time

import pytest
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.http import parse_cookie
from wtforms.validators import ValidationError

from app import security
from app.multidicts import first
from app.sessions import cookie_value

from citizen_client import Citizen
from test_staff_intake import sign_in

SETUP = {"age_band": "25_plus", "municipality": "Ishøj", "other_support": "0", "language": "da"}


@pytest.fixture
def midway(citizen):
    """A citizen who has answered the first four questions and now sees the substances."""
    citizen.get("/chat")
    for question_id, value in SETUP.items():
        citizen.answer(question_id, value)
    citizen.answer("substances", ["D10"])
    assert citizen.current_question() == "D10"
    return citizen


@pytest.mark.parametrize(
    "data, danish",
    [
        ({"question": "D10", "answer": "45"}, "fra 0 til 30"),
        ({"question": "D10", "answer": "fem"}, "tal"),
        ({"question": "D10", "answer": ""}, "tal"),
        ({"question": "D10"}, "tal"),
        ({"question": "D10", "answer": "9" * 400}, "tal"),
        ({"question": "D10", "text": "x" * 600}, "500"),
        ({"question": "nonsense", "answer": "1"}, "screening"),
        ({"question": "D8", "answer": "3"}, "screening"),
        ({"question": "other_support", "answer": "7"}, "svar"),
        ({"question": "substances", "answer": ["D10", "X1"]}, "svar"),
        ({}, "screening"),
    ],
)
def test_bad_answer_rerenders_with_a_danish_message(midway, data, danish):
    response = midway.post("/chat", data)
    assert response.status_code == 400
    assert 'role="alert"' in midway.page and danish in midway.page
    assert "Traceback" not in midway.page
    assert midway.current_question() == "D10"
    midway.back()
    assert midway.shown_question() == "substances"
    assert 'value="D10" checked' in midway.page


def test_message_in_english_when_english_is_chosen(midway):
    midway.choose_language("en")
    midway.post("/chat", {"question": "D10", "answer": "45"})
    assert "Please write a number from 0 to 30." in midway.page
    assert '<html lang="en" dir="ltr">' in midway.page


def test_missing_csrf_token_gives_a_friendly_page_and_keeps_answers(midway):
    response = midway.client.post("/chat", data={"question": "D10", "answer": "3"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "<h1>" in page
    assert midway.current_question() == "D10"


def test_stale_csrf_token_gives_a_friendly_page(midway):
    response = midway.client.post("/chat", data={"csrf_token": "stale.token", "question": "D10", "answer": "3"})
    assert response.status_code == 400 and "<h1>" in response.get_data(as_text=True)


def test_the_language_picker_links_to_this_page_in_the_other_language(citizen):
    citizen.get("/code")
    assert 'href="/code?lang=en"' in citizen.page
    citizen.get("/code?lang=en")
    assert '<html lang="en" dir="ltr">' in citizen.page and 'href="/code?lang=da"' in citizen.page
    assert 'action="/code?lang=en"' in citizen.page  # the form carries the choice on


def test_a_language_chosen_in_the_address_is_kept_from_the_first_act(citizen):
    citizen.choose_language("en")
    citizen.current_question()
    citizen.answer("age_band", "25_plus")
    citizen.choose_language(None)
    citizen.get("/chat", follow_redirects=True)
    assert '<html lang="en" dir="ltr">' in citizen.page


def test_unknown_language_keeps_danish(citizen):
    citizen.get("/?lang=xx")
    assert '<html lang="da" dir="ltr">' in citizen.page


def test_unknown_page_is_a_plain_404(client):
    response = client.get("/wp-admin")
    assert response.status_code == 404 and "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("username, path", [("admin", "/admin/audit"), ("intake", "/staff/open/awaiting_confirmation")])
def test_a_page_number_too_large_for_a_float_shows_the_first_page(app, username, path):
    # Found by the fuzzer (tests/fuzz): WTForms' NumberRange overflowed on it (a 500)
    response = sign_in(app, username).get(path, query_string={"page": "9" * 400})
    assert response.status_code == 200


@pytest.mark.parametrize("header", [
    "indgang=" + "æø".encode().decode("latin-1"),  # a value beyond ASCII, as WSGI hands it over
    "indgang=" + "a" * 65,
    "indgang=",
    'indgang="quoted\\"value"',
    "garbage;;==; indgang",
])
def test_a_cookie_that_is_no_session_of_ours_starts_afresh(app, header):
    response = app.test_client(use_cookies=False).get("/chat/age_band", headers={"Cookie": header})
    assert response.status_code == 200 and "<form" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers  # reading started no session


#: An id as `secrets.token_urlsafe(32)` makes one (fixed: test ids must be the same in every worker).
PLAIN_ID = "Tq3hV9-_" * 5 + "a1Z"


@pytest.mark.parametrize("header", [
    f"indgang={PLAIN_ID}",  # as a browser sends it here: read without werkzeug's parser
    f"indgang={PLAIN_ID}; theme=dark",
    f"theme=dark; indgang={PLAIN_ID}",
    f"indgangx={PLAIN_ID}",
    f"Indgang={PLAIN_ID}",
    f"indgang ={PLAIN_ID}",
    f"indgang={PLAIN_ID} ",
    f'indgang="{PLAIN_ID}"',
    "indgang=a%20b",
    "indgang=" + "a" * 65,
    "indgang=",
    "indgang",
    "",
])
def test_the_session_cookie_is_read_as_werkzeug_reads_it(header):
    environ = {"HTTP_COOKIE": header} if header else {}
    assert cookie_value(environ, "indgang") == first(parse_cookie(environ), "indgang")


def test_the_session_is_found_among_other_cookies_and_by_its_first_value(app, midway):
    ours = midway.client.get_cookie("indgang").value
    response = app.test_client(use_cookies=False).get("/chat", headers={"Cookie": f"theme=dark; indgang={ours}; indgang=another"})
    assert response.status_code in (302, 303) and response.location.endswith("/chat/D10")


def test_another_sessions_csrf_token_is_refused(app, midway):
    # Given another person's page, with the token of their session
    other = Citizen(app.test_client())
    other.get("/chat")
    other.answer("age_band", "25_plus")
    their_token = other.csrf_token()
    assert their_token and their_token != midway.csrf_token()
    # Then it does not carry a post in this session
    response = midway.client.post("/chat", data={"csrf_token": their_token, "question": "D10", "answer": "3"})
    assert response.status_code == 400
    assert midway.current_question() == "D10"


def test_a_token_from_an_earlier_page_of_the_session_still_works(midway):
    midway.get("/chat/D10")
    earlier = midway.csrf_token()
    midway.get("/chat/D10")
    response = midway.client.post("/chat", data={"csrf_token": earlier, "question": "D10", "answer": "3"})
    assert response.status_code == 303


def test_a_token_is_the_same_in_every_worker_and_passes_flask_wtfs_own_check(app, make_app, midway, monkeypatch):
    # Given a second worker of the same instance (same keys), signing later: it shows this
    # session the same token
    token = midway.csrf_token()
    security._signed.cache_clear()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    second = make_app().test_client()
    second.set_cookie("indgang", midway.client.get_cookie("indgang").value)
    assert f'value="{token}"' in second.get("/chat/D10").get_data(as_text=True)
    # And Flask-WTF's full check accepts it, for this session only
    with app.test_request_context("/chat", method="POST", headers={"Cookie": f"indgang={midway.client.get_cookie('indgang').value}"}):
        validate_csrf(token)
    with app.test_request_context("/chat", method="POST"), pytest.raises(ValidationError):
        validate_csrf(token)


def test_a_token_signed_at_another_time_still_carries_a_post(app, midway):
    # A token made as Flask-WTF makes it (signed now), e.g. by an earlier version of the app
    with app.test_request_context("/chat", headers={"Cookie": f"indgang={midway.client.get_cookie('indgang').value}"}):
        app.preprocess_request()
        flask_wtf_token = generate_csrf()
    assert flask_wtf_token != midway.csrf_token()
    response = midway.client.post("/chat", data={"csrf_token": flask_wtf_token, "question": "D10", "answer": "3"})
    assert response.status_code == 303


def test_an_altered_token_is_refused(midway):
    token = midway.csrf_token()
    # the signature's first character: all six of its bits count (the last one's lowest two are
    # base64 padding, so some changes there leave the signature as it was)
    head, _, signature = token.rpartition(".")
    altered = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    response = midway.client.post("/chat", data={"csrf_token": altered, "question": "D10", "answer": "3"})
    assert response.status_code == 400 and midway.current_question() == "D10"


def test_a_body_over_the_limit_is_refused_in_danish_and_the_answers_are_kept(midway, app):
    response = midway.post("/chat", {"question": "D10", "text": "x" * app.config["MAX_CONTENT_LENGTH"]})
    assert response.status_code == 413
    assert "var for meget på én gang" in midway.page and "Traceback" not in midway.page
    assert midway.current_question() == "D10"


@pytest.mark.parametrize("limit, value, data", [
    ("MAX_CONTENT_LENGTH", 200, {"question": "D10", "text": "x" * 300}),
    ("MAX_FORM_PARTS", 3, {"question": "D10", "text": "x", "extra": "y", "more": "z"}),
    ("MAX_FORM_MEMORY_SIZE", 50, {"question": "D10", "text": "x" * 100}),
])
def test_the_form_limits_are_the_configured_ones_for_every_request(midway, app, limit, value, data):
    """Each request reads the limits from the app's config (set on it when it starts), so a
    limit changed after start-up holds from the next request on; multipart forms are counted
    and measured too."""
    assert midway.post("/chat", data, content_type="multipart/form-data").status_code != 413
    app.config[limit] = value
    assert midway.post("/chat", data, content_type="multipart/form-data").status_code == 413
    assert midway.current_question() == "D10"
