"""Privacy rules as hard requirements: nothing readable at rest, no address, one opaque cookie."""

import json
import logging
import re
from pathlib import Path

import pytest

from app.citizen import intake_views
from app.context import get_db
from app.sessions import _digest
from intake import catalogue as catalogue_module
from intake.catalogue import load_catalogue

from builders import FITTING_ANSWERS
from citizen_client import Citizen

FREE_TEXT = "zebrafinkens hemmelige spørgsmål om pris"


def database_bytes(app) -> bytes:
    path = Path(app.config["DATABASE"])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def without_providers_age_bands(stored: bytes, app) -> bytes:
    """The file without the providers' own age bands (public settings, `booking.managed`), which
    name the same bands a person answers with."""
    for provider in app.extensions["indgang.settings"].providers:
        stored = stored.replace(json.dumps(provider.age_bands).encode(), b"")
    return stored


def test_database_and_wal_hold_no_answer_and_no_free_text(citizen, app):
    citizen.finish_screening(typed=FREE_TEXT)
    citizen.get_code()
    stored = database_bytes(app)
    catalogue = load_catalogue()
    names = {q.id for q in catalogue.questions} | catalogue.item_codes()
    for name in names:
        for form in (f'"{name}":', f"'{name}':"):  # a key of stored JSON or a Python dict
            assert form.encode() not in stored, form
    for value in ("25_plus", "Ishøj\"", "cannabis"):
        assert value.encode() not in without_providers_age_bands(stored, app), value
    assert FREE_TEXT.encode() not in stored and b"zebrafink" not in stored


def test_no_answer_stays_in_the_server_s_memory_after_the_request(citizen):
    """The catalogue remembers a thread's last answers while a page asks about them again and
    again; once the page is sent, that copy is gone, so the next request in the thread (another
    person's) never finds the last person's answers beside it."""
    question = citizen.current_question()
    citizen.answer(question, "25_plus")
    citizen.get(f"/chat/{citizen.current_question()}")
    assert vars(catalogue_module._LAST_WALK) == {}


def test_session_cookie_is_opaque_and_strict_and_set_only_when_the_person_acts(citizen):
    # Reading pages sets no cookie
    for path in ("/", "/chat", "/code"):
        assert citizen.get(path).headers.getlist("Set-Cookie") == [], path
    # The first answer starts the session: one cookie holding only a random id
    citizen.current_question()
    response = citizen.answer("age_band", "25_plus")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    cookie = cookies[0]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    value = re.match(r"indgang=([^;]+)", cookie).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)  # 32 random bytes, nothing else
    # Later answers change the stored session, not the cookie: it is not sent again
    assert citizen.answer("municipality", "Ishøj").headers.getlist("Set-Cookie") == []
    assert citizen.client.get("/chat").headers.getlist("Set-Cookie") == []
    assert citizen.client.get_cookie("indgang").value == value


def test_no_client_address_reaches_the_app_or_its_logs(app, citizen, caplog):
    seen = {}

    @app.get("/_address_probe")
    def probe():
        from flask import request

        seen["remote_addr"] = request.remote_addr
        seen["forwarded"] = request.headers.get("X-Forwarded-For")
        return "ok"

    caplog.set_level(logging.DEBUG)
    environ = {"REMOTE_ADDR": "198.51.100.23"}
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.10"}
    citizen.client.get("/_address_probe", environ_base=environ, headers=headers)
    citizen.client.get("/no-such-page", environ_base=environ, headers=headers)
    citizen.finish_screening()
    assert seen == {"remote_addr": None, "forwarded": None}
    for address in ("198.51.100.23", "203.0.113.9", "203.0.113.10"):
        assert address not in caplog.text


def test_security_headers_on_citizen_pages(client):
    for path in ("/", "/chat", "/code"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_pages_request_nothing_from_another_host(citizen):
    for path in ("/", "/chat", "/code"):
        citizen.get(path)
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', citizen.page):
            assert url.startswith(("/", "#", "tel:")) or url == "https://www.dmi.dk/" and "quick-exit" in citizen.page, url
        assert "style=" not in citizen.page and "<script>" not in citizen.page


def test_quick_exit_forgets_the_session_and_leaves(citizen, app):
    citizen.get("/chat")
    citizen.answer("age_band", "25_plus")
    response = citizen.client.get("/exit")
    assert response.status_code == 303 and response.headers["Location"] == "https://www.dmi.dk/"
    assert any("indgang=;" in c for c in response.headers.getlist("Set-Cookie"))
    assert citizen.current_question() == "age_band"


def test_a_quick_exit_while_an_answer_is_on_its_way_is_not_undone(app, citizen, monkeypatch):
    """Quick exit in one tab while an answer from another is being saved: that answer's request
    opened the session before it was forgotten, and must not write it back (the answers would
    stay on the server, under an id the browser no longer holds, until they expire)."""
    citizen.current_question()
    citizen.answer("age_band", "25_plus")
    cookie = citizen.client.get_cookie("indgang").value
    other_tab = citizen.another_tab(app.test_client())
    take_posted_answer = intake_views.take_posted_answer

    def quick_exit_meanwhile(flow):
        assert other_tab.client.get("/exit").status_code == 303
        return take_posted_answer(flow)

    monkeypatch.setattr(intake_views, "take_posted_answer", quick_exit_meanwhile)
    question = citizen.current_question()
    assert citizen.answer(question, FITTING_ANSWERS[question]).status_code == 303
    with app.app_context():
        assert get_db()["sessions"].count_where("id_digest = ?", [_digest(cookie)]) == 0
    assert citizen.current_question() == "age_band"


def test_answers_never_travel_in_a_cookie(citizen):
    citizen.get("/chat")
    response = citizen.answer("age_band", "25_plus")
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "25_plus" not in cookie and "age_band" not in cookie


def test_keys_and_database_are_readable_by_their_owner_only(app, citizen):
    citizen.finish_screening()
    instance = Path(app.instance_path)
    files = [instance / name for name in ("data.key", "code.key", "secret.key", "indgang.sqlite3")]
    files += list(instance.glob("indgang.sqlite3-*"))  # -wal and -shm while a connection is open
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path.name


@pytest.mark.parametrize("how", ["new code", "code typed"])
def test_a_planted_session_id_never_reaches_the_case(app, how):
    # Given an attacker who starts a session and plants its id in the person's browser
    attacker = Citizen(app.test_client())
    attacker.current_question()
    attacker.answer("age_band", "25_plus")
    planted = attacker.client.get_cookie("indgang").value
    person = Citizen(app.test_client())
    person.client.set_cookie("indgang", planted)
    # When the person gets a case in that browser (a new code, or typing an existing one)
    person.finish_screening()
    code = person.get_code()
    if how == "code typed":
        person.client.delete_cookie("indgang")
        person.client.set_cookie("indgang", planted)
        person.get("/code")
        person.post("/code", {"code": code})
    # Then the browser holds a new id, and the planted one opens no case
    assert person.client.get_cookie("indgang").value != planted
    assert person.get("/status").status_code == 200
    assert attacker.get("/status").status_code == 302


def test_security_headers_on_every_kind_of_response(client, citizen):
    question = citizen.current_question()
    responses = {
        "a redirect": citizen.answer(question, "25_plus"),
        "a missing page": client.get("/wp-admin"),
        "a style sheet": client.get("/static/style.css"),
        "a staff page": client.get("/staff/login"),
    }
    for kind, response in responses.items():
        response.close()  # the style sheet's file
        assert response.headers["X-Frame-Options"] == "DENY", kind
        assert len(response.headers.getlist("Content-Security-Policy")) == 1, kind
    assert responses["a style sheet"].headers.getlist("Cache-Control") != ["no-store"]  # a file may be cached
    assert responses["a staff page"].headers.getlist("Cache-Control") == ["no-store"]
