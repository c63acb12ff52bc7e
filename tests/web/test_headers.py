"""Caches are told what a response depends on (`Vary`), each reason once."""

from flask import Response

from app.headers import add_vary


def vary(response) -> list[str]:
    return [part.strip() for part in response.headers.get("Vary", "").split(",") if part.strip()]


def test_a_page_varies_by_the_browser_language(client):
    assert vary(client.get("/")) == ["Accept-Language"]


def test_the_response_that_starts_a_session_varies_by_cookie_as_well(citizen, client):
    question = citizen.current_question()
    started = client.post("/chat", data={"question": question, "answer": "25_plus"})
    assert started.headers.get("Set-Cookie") and sorted(vary(started)) == ["Accept-Language", "Cookie"]


def test_a_name_is_added_once_whatever_its_case():
    response = Response()
    for name in ("Cookie", "Accept-Language", "cookie", "Accept-Language"):
        add_vary(response, name)
    assert response.headers["Vary"] == "Cookie, Accept-Language"
