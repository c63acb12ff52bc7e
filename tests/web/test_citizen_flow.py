"""The citizen's way through, with Flask's client: landing, chat, result, code, status, deletion."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

from accounts import audit
from app.citizen import intake_views
from app.context import get_db
from intake import codes

from builders import visible_text
from citizen_client import Citizen, shown_code_groups


def test_landing_page_in_danish_by_default(citizen):
    response = citizen.get("/")
    assert response.status_code == 200
    assert '<html lang="da" dir="ltr">' in citizen.page
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
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}", code)
    response = citizen.get("/status")
    assert response.status_code == 200
    assert citizen.page.count('class="bar"') == 7
    with app.app_context():
        rows = list(get_db().query("select outcome, first_contact_day, created_via from cases"))
    assert rows and rows[0]["outcome"] == "fits" and rows[0]["created_via"] == "web"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[0]["first_contact_day"])


def test_code_is_confirmed_on_the_next_screen_by_typing_it_whole(citizen):
    # Given a person shown their new code
    citizen.finish_screening()
    citizen.post("/code/new")
    citizen.get("/code/new")
    groups = shown_code_groups(citizen.page)
    code = "".join(groups)
    assert len(groups) == 4 and citizen.page.count('class="code-row"') == 2  # two rows of two groups
    # When they go on, the code is not on the page where they type it
    citizen.get("/code/check")
    assert citizen.get("/code/check").status_code == 200
    assert all(group not in citizen.page for group in groups)
    # And only its last four is not enough
    response = citizen.post("/code/confirm", {"code": code[-4:]})
    assert response.status_code == 400 and 'role="alert"' in citizen.page
    assert f'value="{code[-4:]}"' in citizen.page  # what was typed stays in the field
    assert citizen.get("/status").status_code == 302  # not on until the code is typed back
    # When one character is wrong, the message names its group and keeps what was typed
    wrong = code[:7] + ("0" if code[7] != "0" else "1") + code[8:]
    response = citizen.post("/code/confirm", {"code": wrong})
    assert response.status_code == 400
    assert "gruppe 2" in visible_text(citizen.page) and f'value="{wrong}"' in citizen.page
    assert "<title>Fejl:" in citizen.page
    # And the whole code, in any case and spacing, opens the case
    response = citizen.post("/code/confirm", {"code": " ".join(groups).lower()})
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


def test_a_mistyped_code_names_the_group_to_check(citizen, app):
    citizen.finish_screening()
    code = citizen.get_code()
    other = Citizen(app.test_client())
    other.get("/code")
    swapped = code[:12] + code[13] + code[12] + code[14:]  # two neighbours in group 3 swapped
    if swapped == code:
        return
    response = other.post("/code", {"code": swapped})
    assert response.status_code == 400
    assert "Der er en fejl i gruppe 3" in visible_text(other.page) and f'value="{swapped}"' in other.page


def test_unknown_and_malformed_codes(citizen):
    citizen.get("/code")
    response = citizen.post("/code", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 400 and 'role="alert"' in citizen.page
    response = citizen.post("/code", {"code": "too short"})
    assert response.status_code == 400 and codes.example() in citizen.page
    assert 'value="too short"' in citizen.page
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
    assert response.status_code == 303
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
    assert citizen.post("/status/delete").status_code == 303

    # Then the log says who did which kind of action on that day, and no more
    with app.app_context():
        rows = list(get_db().query("select username, action, referral_number, detail, at from audit order by id"))
    assert rows == [
        {"username": "anna", "action": action, "referral_number": None, "detail": None, "at": "2026-03-01T23:00:00Z"}
        for action in ("case_viewed", "decision_recorded")]


def test_the_deleted_page_keeps_the_persons_language(citizen):
    # Given an English reader whose session knows the language (the address no longer says it)
    citizen.choose_language("en")
    citizen.finish_screening()
    citizen.get_code()
    citizen.choose_language(None)
    # When they delete their data
    citizen.get("/status/delete")
    response = citizen.post("/status/delete")
    # Then the page that says so is in English, and its links stay in English
    assert response.status_code == 303 and response.headers["Location"].endswith("/status/deleted?lang=en")
    citizen.get(response.headers["Location"])
    assert '<html lang="en" dir="ltr">' in citizen.page and "Your data is deleted" in citizen.page
    assert 'href="/?lang=en"' in citizen.page


def test_back_lets_the_person_change_an_answer(citizen):
    citizen.get("/chat")
    citizen.answer("age_band", "25_plus")
    citizen.answer("municipality", "Ishøj")
    assert citizen.current_question() == "other_support"
    citizen.back()
    assert citizen.shown_question() == "municipality"
    assert 'value="Ishøj" class="chosen" aria-pressed="true"' in citizen.page
    citizen.answer("municipality", "Vallensbæk")
    assert citizen.current_question() == "other_support"


def test_progress_is_honest_from_the_first_question(citizen):
    # Given the first question, the count is the most questions there can be, never "about"
    citizen.get("/chat", follow_redirects=True)
    first = int(re.search(r'<progress max="(\d+)" value="0"', citizen.page).group(1))
    assert "Spørgsmål 1 af højst" in citizen.page
    # When the person answers the way a typical person does, the count never grows
    maxima = [first]
    for question_id, value in (("age_band", "25_plus"), ("municipality", "Ishøj"), ("other_support", "0"),
                               ("language", "da"), ("substances", ["D10"])):
        citizen.answer(question_id, value)
        citizen.get("/chat", follow_redirects=True)
        maxima.append(int(re.search(r'<progress max="(\d+)"', citizen.page).group(1)))
    assert maxima == sorted(maxima, reverse=True) and maxima[-1] < first
    assert 'value="5"' in citizen.page and "Spørgsmål 6 af højst" in citizen.page


def test_each_question_has_its_own_address_and_back_is_a_link(citizen):
    # Given two answers
    citizen.get("/chat")
    citizen.answer("age_band", "25_plus")
    response = citizen.answer("municipality", "Ishøj")
    # Then the next question is at its own address, with a Back link to the one before
    assert response.status_code == 303 and response.headers["Location"].endswith("/chat/other_support")
    citizen.get("/chat/other_support")
    assert 'class="back-link" href="/chat/municipality"' in citizen.page
    assert citizen.page.index('class="back-link"') < citizen.page.index('<form method="post"')
    assert re.search(r'<legend[^>]*>\s*<h1 class="question"', citizen.page)
    # And an earlier question's address shows it with its answer; a later one is not reachable yet
    citizen.get("/chat/age_band")
    assert 'value="25_plus" class="chosen"' in citizen.page
    assert citizen.get("/chat/P14").headers["Location"].endswith("/chat/other_support")
    assert citizen.get("/chat/nonsense").headers["Location"].endswith("/chat/other_support")


def test_a_refused_number_stays_in_the_field_with_an_error_summary(citizen):
    citizen.finish_screening()  # reach the end, then go back to a number question
    citizen.get("/chat/D10")
    response = citizen.post("/chat", {"question": "D10", "answer": "45"})
    assert response.status_code == 400
    assert 'value="45"' in citizen.page and 'aria-invalid="true"' in citizen.page
    assert "<title>Fejl:" in citizen.page and 'class="error-summary"' in citizen.page
    assert 'href="#answer-number"' in citizen.page
    assert citizen.page.count(">Send<") == 1  # free text is its own control: "Ask a question"


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


def test_result_puts_the_verdict_and_next_step_first_and_scores_on_request(citizen):
    citizen.finish_screening()
    page = citizen.page
    assert re.search(r"<h1[^>]*>Det anonyme forløb passer sandsynligvis til dig</h1>", page)
    assert page.index('action="/code/new"') < page.index('class="area"')
    assert page.index("<details") < page.index('class="area"') and "<summary>" in page
    assert "§" not in visible_text(page.split("<footer")[0])


def test_result_for_ordinary_treatment_names_no_paragraph(citizen):
    citizen.finish_screening({"other_support": "1"})
    text = visible_text(citizen.page.split("<footer")[0])
    assert "Almindelig behandling passer måske bedre til dig" in text and "§" not in text


def test_each_scored_area_is_a_compact_item_whose_bar_follows_its_score(citizen):
    """The seven scored areas were half of the result page, each drawing its bar with SVG's
    default attributes and the template's indentation spelled out: every character of a page is
    encoded on every view and sent to a phone."""
    citizen.finish_screening()
    items = re.findall(r'<li class="area">.*?</li>', citizen.page, re.S)
    assert len(items) == 7
    for item in items:
        area = ET.fromstring(item)  # well-formed: the bar's rects are closed
        words = "".join(area.itertext())
        assert len(item) - len(words) <= 360, item  # the markup around what is read (it was 445)
        shown = float(area.find("span[@class='area-score']").text.replace(",", "."))
        bars = {rect.get("class").split()[0]: rect for rect in area.iter("rect")}
        assert abs(float(bars["fill"].get("width")) - shown * 100) <= 1  # the bar is as long as the score says
        assert float(bars["limit"].get("x")) == 29.5 and bars["track"].get("width") == "100"
        assert area.find("svg").get("aria-hidden") == "true"  # the score is read from the text, not the picture


def test_a_code_asked_for_twice_at_once_makes_one_case(citizen, app, monkeypatch):
    """A double tap on "Get my code" sends the form twice; both requests find the finished
    screening in the session they opened. One case is made, and the second request shows its
    code: a second case would wait in the staff's queue for a booking no one can make, and count
    the screening twice."""
    citizen.finish_screening()
    other_tap = citizen.another_tab(app.test_client())  # the same page, with the same form and token
    finish_screening, taps = intake_views.finish_screening, []

    def the_other_tap_meanwhile(flow):
        taps.append(flow)
        if len(taps) == 1:
            assert other_tap.post("/code/new").status_code == 302
        return finish_screening(flow)

    monkeypatch.setattr(intake_views, "finish_screening", the_other_tap_meanwhile)
    citizen.post("/code/new")
    with app.app_context():
        assert get_db()["cases"].count == 1
    code = "-".join(shown_code_groups(citizen.get("/code/new").get_data(as_text=True)))
    assert Citizen(app.test_client()).post("/code", {"code": code}).status_code == 302
