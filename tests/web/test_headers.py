"""Caches are told what a response depends on (`Vary`), each reason once."""

from app.context import this_request
from app.headers import vary_by
from app.security import SecurityHeaders


def vary(response) -> list[str]:
    return [part.strip() for part in response.headers.get("Vary", "").split(",") if part.strip()]


def test_a_page_varies_by_the_browser_language(client):
    assert vary(client.get("/")) == ["Accept-Language"]


def test_the_response_that_starts_a_session_varies_by_cookie_as_well(citizen, client):
    question = citizen.current_question()
    started = client.post("/chat", data={"question": question, "answer": "25_plus"})
    assert started.headers.get("Set-Cookie") and sorted(vary(started)) == ["Accept-Language", "Cookie"]


def test_a_name_is_sent_once_whatever_its_case_after_the_response_s_own(app):
    with app.test_request_context("/"):
        for name in ("Cookie", "Accept-Language", "cookie", "Accept-Language"):
            vary_by(name)
        environ = this_request().environ
        started = _started_headers([("Vary", "Origin, cookie"), ("vary", "Origin")], environ)
    assert [value for name, value in started if name.lower() == "vary"] == ["Origin, cookie, Accept-Language"]
    assert [value for name, value in _started_headers([("Vary", "Origin")]) if name == "Vary"] == ["Origin"]


def _started_headers(headers: list[tuple[str, str]], environ: dict | None = None) -> list[tuple[str, str]]:
    """The headers `SecurityHeaders` starts a response with, given the app's own."""
    def wsgi_app(_environ, start_response):
        start_response("200 OK", list(headers))
        return [b""]
    started = []
    SecurityHeaders(wsgi_app, [("X-Frame-Options", "DENY")])(environ or {}, lambda status, sent, exc_info=None: started.extend(sent))
    return started


def test_a_page_is_never_stored_and_a_file_keeps_its_own_caching():
    page_with_own = _started_headers([("Content-Type", "text/html; charset=utf-8"), ("cache-control", "max-age=60")])
    assert [value for name, value in page_with_own if name.lower() == "cache-control"] == ["no-store"]
    file_with_own = _started_headers([("Content-Type", "text/css"), ("Cache-Control", "max-age=60")])
    assert [value for name, value in file_with_own if name.lower() == "cache-control"] == ["max-age=60"]
    without = _started_headers([("Content-Type", "text/calendar")])
    assert ("Cache-Control", "no-store") in without and ("X-Frame-Options", "DENY") in without


def test_every_page_a_redirect_and_an_error_are_html_in_utf_8_and_a_file_keeps_its_type(citizen, client):
    # (`app.flask_app.IndgangResponse` gives a page its type up front; werkzeug found it itself)
    page_type = "text/html; charset=utf-8"
    assert client.get("/").headers["Content-Type"] == page_type
    question = citizen.current_question()
    assert citizen.get(f"/chat/{question}").headers["Content-Type"] == page_type
    answered = citizen.answer(question, "25_plus")
    assert answered.status_code == 303 and answered.headers["Content-Type"] == page_type
    citizen.finish_screening()
    assert citizen.get("/result").headers["Content-Type"] == page_type
    citizen.get_code()
    assert citizen.get("/status").headers["Content-Type"] == page_type
    assert client.get("/wp-admin").headers["Content-Type"] == page_type
    with client.get("/static/indgang.js") as script:
        assert script.mimetype == "text/javascript"
