"""The citizen's way through, with Flask's client: landing, chat, result, code, status, deletion."""

import datetime as dt
import re

from accounts import audit
from app.context import get_db

from builders import visible_text
from citizen_client import Citizen


def test_landing_page_in_danish_by_default(citizen):
    response = citizen.get("/")
    assert response.status_code == 200
    assert '<html lang="da">' in citizen.page
    assert 'href="/chat"' in citizen.page and 'href="/code"' in citizen.page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_whole_flow_to_status(citizen, app):
    response = citizen.finish_screening()
    assert response.status_code == 200
    text = visible_text(citizen.page)
    for score in re.findall(r'<span class="area-score">([^<]+)</span>', citizen.page):
        assert re.fullmatch(r"\d,\d\d", score)  # two decimals, Danish decimal comma
    assert text.count("<svg") == 0 and citizen.page.count('class="bar"') == 7
    code = citizen.get_code()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    response = citizen.get("/status")
    assert response.status_code == 200
    assert citizen.page.count('class="bar"') == 7
    with app.app_context():
        rows = list(get_db().query("select outcome, first_contact_day, created_via from cases"))
    assert rows and rows[0]["outcome"] == "fits" and rows[0]["created_via"] == "web"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[0]["first_contact_day"])


def test_code_shown_once_needs_its_last_four(citizen):
    citizen.finish_screening()
    citizen.post("/code/new")
    citizen.get("/code/new")
    code = re.search(r'<span aria-hidden="true">([^<]+)</span>', citizen.page).group(1)
    wrong = "0000" if not code.endswith("0000") else "1111"
    response = citizen.post("/code/confirm", {"last_four": wrong})
    assert response.status_code == 400
    assert 'role="alert"' in citizen.page and code in citizen.page
    assert citizen.get("/status").status_code == 302  # not on until the code is typed back
    response = citizen.post("/code/confirm", {"last_four": code[-4:].lower()})
    assert response.headers["Location"].endswith("/book")
    assert citizen.get("/code/new").headers["Location"].endswith("/code")  # never shown again


def test_code_opens_the_case_from_another_phone(citizen, client, app):
    citizen.finish_screening()
    code = citizen.get_code()
    other = Citizen(app.test_client())
    other.get("/code")
    typed = code.lower().replace("-", " ").replace("0", "o")
    response = other.post("/code", {"code": typed})
    assert response.headers["Location"].endswith("/status")
    assert other.get("/status").status_code == 200


def test_unknown_and_malformed_codes(citizen):
    citizen.get("/code")
    response = citizen.post("/code", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 400 and 'role="alert"' in citizen.page
    response = citizen.post("/code", {"code": "too short"})
    assert response.status_code == 400 and "K7QF-M2XD-9TRA-B3HN" in citizen.page
    response = citizen.post("/code", {"code": "x" * 5000})
    assert response.status_code == 400


def test_status_without_a_code_asks_for_one(client):
    response = client.get("/status")
    assert response.status_code == 302 and response.headers["Location"].endswith("/code")


def test_delete_my_data_after_confirmation(citizen, app):
    citizen.finish_screening()
    code = citizen.get_code()
    assert citizen.get("/status/delete").status_code == 200
    response = citizen.post("/status/delete")
    assert response.status_code == 200
    with app.app_context():
        assert get_db()["cases"].count == 0
        vault = app.extensions["indgang.vault"]
        for row in get_db()["sessions"].rows:
            assert set(vault.open(row["data"])) <= {"csrf_token"}
    citizen.get("/code")
    assert citizen.post("/code", {"code": code}).status_code == 400


def test_deleting_my_data_leaves_nothing_in_the_audit_log_that_leads_to_the_case(citizen, app):
    # Given staff viewed the person's case and recorded a decision
    citizen.finish_screening()
    citizen.get_code()
    with app.app_context():
        referral = next(get_db().query("select referral_number from cases"))["referral_number"]
        for action, detail in (("case_viewed", None), ("decision_recorded", "not_granted")):
            audit.write_audit(get_db(), at=dt.datetime(2026, 3, 2, 9, 15, 31, tzinfo=dt.UTC), username="anna",
                              role="intake", action=action, referral_number=referral, detail=detail)

    # When the person deletes their data
    assert citizen.post("/status/delete").status_code == 200

    # Then the log says who did which kind of action on that day, and no more
    with app.app_context():
        rows = list(get_db().query("select username, action, referral_number, detail, at from audit order by id"))
    assert rows == [
        {"username": "anna", "action": action, "referral_number": None, "detail": None, "at": "2026-03-01T23:00:00Z"}
        for action in ("case_viewed", "decision_recorded")]


def test_back_lets_the_person_change_an_answer(citizen):
    citizen.get("/chat")
    citizen.answer("age_band", "25_plus")
    citizen.answer("municipality", "Ishøj")
    assert citizen.current_question() == "other_support"
    citizen.post("/chat/back", {"question": "other_support"})
    assert citizen.current_question() == "municipality"
    assert 'value="Ishøj" class="chosen" aria-pressed="true"' in citizen.page
    citizen.answer("municipality", "Vallensbæk")
    assert citizen.current_question() == "other_support"


def test_progress_indicator(citizen):
    citizen.get("/chat")
    assert re.search(r'<progress max="\d+" value="0"', citizen.page)
    citizen.answer("age_band", "25_plus")
    citizen.get("/chat")
    assert re.search(r'<progress max="\d+" value="1"', citizen.page)


def test_under_18_gets_the_youth_offer(citizen):
    citizen.get("/chat")
    citizen.answer("age_band", "under_18")
    response = citizen.get("/result")
    assert response.status_code == 200
    assert "20 69 28 33" in citizen.page and 'class="bar"' not in citizen.page


def test_ordinary_outcome_shows_contact_and_still_allows_booking(citizen):
    citizen.finish_screening({"other_support": 1})
    assert "20 69 28 33" in citizen.page
    assert 'action="/code/new"' in citizen.page


def test_result_before_finishing_returns_to_the_chat(citizen):
    assert citizen.get("/result").headers["Location"].endswith("/chat")
    citizen.get("/")
    assert citizen.post("/code/new").headers["Location"].endswith("/chat")


def test_crisis_answer_shows_emergency_help_then_continues(citizen):
    citizen.get("/chat")
    for question_id in ("age_band", "municipality"):
        citizen.answer(question_id, {"age_band": "25_plus", "municipality": "Ishøj"}[question_id])
    citizen.get("/chat")
    response = citizen.post("/chat", {"question": "other_support", "text": "jeg har lyst til at tage mit eget liv"})
    assert response.status_code == 200
    assert 'class="crisis"' in citizen.page and "112" in citizen.page and "70 201 201" in citizen.page
    assert 'name="question" value="other_support"' in citizen.page
