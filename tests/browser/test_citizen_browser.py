"""The citizen's way through on a phone, with and without JavaScript (DESIGN.md, "The citizen's
way through" and "Privacy rules"). Selectors use stable attributes, not visible text, so the
tests hold in every language.
"""

import re
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

QUESTION = "form.answer input[name=question]"
GET_CODE = 'form[action*="/code/new"] button'
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
MAX_STEPS = 60
PROJECT_ROOT = Path(__file__).resolve().parents[2]
JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])

#: Answers for a person the anonymous track fits; a list ticks boxes ([] is "none of these").
ANSWERS = {
    "age_band": "25_plus",
    "municipality": "Ishøj",
    "other_support": "0",
    "language": "da",
    "substances": ["D10"],
    "family_contact": ["F18"],
    "family_problems": [],
    "feelings": [],
    "F3": "yes",
}


# ---- helpers -------------------------------------------------------------------------------


def shown_question(page) -> str:
    return page.locator(QUESTION).get_attribute("value")


def default_answer(page, question_id: str):
    """The answer from ANSWERS, else 2 days/kroner, "none of these", "No", or "Slightly"."""
    if question_id in ANSWERS:
        return ANSWERS[question_id]
    form = page.locator("form.answer")
    if form.locator("#answer-number").count():
        return "2"
    if form.locator("input[type=checkbox]").count():
        return []
    values = [button.get_attribute("value") for button in form.locator("button[name=answer]").all()]
    if sorted(values) == ["0", "1"]:
        return "0"
    return "1" if "1" in values else values[0]


def send_answer(page, value) -> None:
    """Answer the question on screen: a button value or number as str, ticks as a list."""
    form = page.locator("form.answer")
    if form.locator("#answer-number").count():
        form.locator("#answer-number").fill(str(value))
        form.locator("button.primary").click()
    elif isinstance(value, list) and not value:
        form.locator('button[name=none][value="1"]').click()
    elif isinstance(value, list):
        for item in value:
            form.locator(f'input[type=checkbox][name=answer][value="{item}"]').check()
        form.locator("button.primary").click()
    else:
        form.locator(f'button[name=answer][value="{value}"]').click()


def wait_past(page, question_id: str) -> None:
    """Wait until another question, or the result, has replaced `question_id`."""
    page.locator(f'{QUESTION}:not([value="{question_id}"]), {GET_CODE}').first.wait_for(state="attached")


def answer(page, value=None) -> str:
    """Answer the question on screen (by default from ANSWERS) and wait for what follows."""
    question_id = shown_question(page)
    send_answer(page, default_answer(page, question_id) if value is None else value)
    wait_past(page, question_id)
    return question_id


def finish_chat(page) -> list[str]:
    """Answer every remaining question; return their ids. Fails unless /result is reached."""
    asked = []
    for _ in range(MAX_STEPS):
        if urlsplit(page.url).path == "/result":
            return asked
        asked.append(answer(page))
    pytest.fail(f"no result after {MAX_STEPS} answers: {asked}")


def start_chat(page) -> None:
    page.goto("/")
    page.locator('main a[href$="/chat"]').click()
    expect(page.locator(QUESTION)).to_have_value("age_band")
    # The script is deferred: the question can be on screen before it runs. Until then a key
    # press or a submit meets the page without it (CI once pressed Shift three times too early).
    page.wait_for_load_state("domcontentloaded")


def get_code(page) -> str:
    """From the result page: ask for a code and read it as shown (groups joined by dashes)."""
    page.locator(GET_CODE).click()
    page.wait_for_url("**/code/new**")
    return "-".join(group.strip() for group in page.locator("p.code .code-group").all_text_contents())


def confirm_code(page, code: str) -> None:
    """On the code page: go on, type the whole code where it is no longer shown, reach booking."""
    page.locator("main a[data-code-written]").click()
    page.wait_for_url("**/code/check**")
    page.locator("#code").fill(code)
    page.locator("main form:has(#code) button.primary").click()
    page.wait_for_url("**/book**")


def book_first_free_slot(page) -> None:
    """On the booking page: open the first place's times, book the first one, see the status."""
    page.locator('main a[href*="/book/"]').first.click()
    page.wait_for_url("**/book/*")
    page.locator("form.booking input[name=slot]").first.check()
    page.locator("form.booking button.primary").click()
    page.wait_for_url("**/status**")


def choose_language(page, code: str) -> None:
    """Open the picker in the header and follow the link to `code` (no script needed)."""
    page.locator("header nav.language summary").click()
    page.locator(f'header nav.language a[hreflang="{code}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def go_back(page) -> None:
    """Follow the Back link at the top of the chat."""
    question_id = shown_question(page)
    page.locator("main a.back-link").click()
    wait_past(page, question_id)


def write(page, text: str) -> None:
    """Open "ask a question" and send `text`."""
    if not page.locator("details.write").evaluate("details => details.open"):
        page.locator("details.write summary").click()
    page.locator("details.write #free-text").fill(text)
    page.locator("details.write button").click()


def focused(page) -> str:
    """What has focus: the tag, its id and class."""
    return page.evaluate("() => { const e = document.activeElement; return `${e.tagName.toLowerCase()}#${e.id}.${e.className}`; }")


def quick_exit_url() -> str:
    with open(PROJECT_ROOT / "app" / "default_config.toml", "rb") as handle:
        return tomllib.load(handle)["quick_exit_url"]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


#: urllib straight to the test server: no proxy from the environment, redirects not followed.
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


# ---- the whole way through ------------------------------------------------------------------


@JAVASCRIPT
def test_chat_from_landing_page_to_a_booked_slot_and_status(phone, javascript):
    page = phone(java_script_enabled=javascript)
    start_chat(page)
    if javascript:
        page.evaluate("window.__marker = 1")
        answer(page)
        assert page.evaluate("window.__marker") == 1, "answering reloaded the whole page"

    asked = finish_chat(page)

    assert {"municipality", "substances", "D10", "family_problems", "P14"} <= set(asked)
    code = get_code(page)
    assert CODE.fullmatch(code), code
    confirm_code(page, code)
    book_first_free_slot(page)
    expect(page.locator("main .booking-status .when")).to_be_visible()
    expect(page.locator("main .booking-status .state-pending")).to_be_visible()
    assert page.locator('main a[href$="/booking.ics"]').count() == 1


# ---- changing an answer ---------------------------------------------------------------------


@JAVASCRIPT
def test_back_shows_previous_answer_and_it_can_be_changed(phone, javascript):
    page = phone(java_script_enabled=javascript)
    page.goto("/chat")
    answer(page, "25_plus")
    answer(page, "Ishøj")
    assert shown_question(page) == "other_support"

    go_back(page)

    assert shown_question(page) == "municipality"
    expect(page.locator("form.answer button.chosen")).to_have_attribute("value", "Ishøj")
    answer(page, "Vallensbæk")
    assert shown_question(page) == "other_support"
    answer(page, "0")
    assert shown_question(page) == "language"
    go_back(page)
    go_back(page)
    expect(page.locator("form.answer button.chosen")).to_have_attribute("value", "Vallensbæk")


@JAVASCRIPT
def test_number_out_of_range_is_refused_and_earlier_answers_kept(phone, javascript):
    page = phone(java_script_enabled=javascript)
    page.goto("/chat")
    for value in ("25_plus", "Ishøj", "0", "da", ["D10"]):
        answer(page, value)
    assert shown_question(page) == "D10"

    send_answer(page, "45")

    expect(page.locator("form.answer .error")).to_be_visible()
    expect(page.locator("main .error-summary")).to_have_attribute("role", "alert")
    assert shown_question(page) == "D10"
    go_back(page)
    assert shown_question(page) == "substances"
    expect(page.locator('form.answer input[type=checkbox][value="D10"]')).to_be_checked()
    expect(page.locator('form.answer input[type=checkbox][value="D8"]')).not_to_be_checked()


@JAVASCRIPT
def test_the_phones_back_button_returns_to_the_previous_question(phone, javascript):
    page = phone(java_script_enabled=javascript)
    start_chat(page)
    answer(page, "25_plus")
    answer(page, "Ishøj")
    assert shown_question(page) == "other_support"

    page.go_back()

    expect(page.locator(QUESTION)).to_have_value("municipality")
    expect(page.locator("form.answer button.chosen")).to_have_attribute("value", "Ishøj")
    page.go_back()
    expect(page.locator(QUESTION)).to_have_value("age_band")


def test_focus_moves_to_the_new_question_the_error_or_the_emergency_help(phone):
    page = phone()
    start_chat(page)
    # After an answer: the new question's heading
    answer(page, "25_plus")
    assert focused(page).startswith("h1#question-title")
    for value in ("Ishøj", "0", "da", ["D10"]):
        answer(page, value)
    # After a refused answer: the error summary, with the value kept
    send_answer(page, "45")
    expect(page.locator("main .error-summary")).to_be_visible()
    assert focused(page).startswith("div#.error-summary")
    expect(page.locator("#answer-number")).to_have_value("45")
    assert page.title().startswith("Fejl:")
    # After crisis words: the emergency help
    write(page, "jeg tænker på selvmord")
    expect(page.locator("section.crisis")).to_be_visible()
    assert focused(page).startswith("section#.crisis")


def test_the_next_question_shows_below_the_header_after_a_long_one_on_a_narrow_phone(phone):
    # Given a long question on a 320 px phone, answered with the button at its foot
    page = phone(**NARROW)
    start_chat(page)
    while shown_question(page) != "substances":
        answer(page)
    answer(page, ["D10"])
    # Then the next question's heading is in view, not hidden under the sticky header
    header, heading = page.locator("header.top").bounding_box(), page.locator("main h1").bounding_box()
    assert heading["y"] >= header["y"] + header["height"]


# ---- typed words ----------------------------------------------------------------------------


@JAVASCRIPT
def test_typed_crisis_words_show_emergency_help_and_faq_answers(phone, javascript):
    page = phone(java_script_enabled=javascript)
    page.goto("/chat")

    write(page, "jeg tænker på selvmord")

    crisis = page.locator("section.crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("112")
    expect(crisis).to_contain_text("70 201 201")
    assert shown_question(page) == "age_band"

    write(page, "koster det noget")

    expect(page.locator("section.faq")).to_be_visible()
    assert shown_question(page) == "age_band"


# ---- accessibility --------------------------------------------------------------------------


#: Every impact axe reports: citizen pages must have no violation at all (issue 12).
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
#: The phones a citizen page is checked on: 320 px wide (the narrowest phone), and a Pixel 7.
NARROW = {"viewport": {"width": 320, "height": 640}}


def violations(page, name: str, impacts=ALL_IMPACTS) -> list[str]:
    results = Axe().run(page)
    return [
        f"{name}: {violation['id']} ({violation['impact']}) at "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in impacts
    ]


def serious_violations(page, name: str) -> list[str]:
    """Serious and critical violations only (staff and provider pages, for now)."""
    return violations(page, name, impacts=("serious", "critical"))


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("screen", ["320", "pixel7"])
def test_every_citizen_page_has_no_accessibility_violation(phone, language, screen):
    page = phone(**(NARROW if screen == "320" else {}))
    problems = []

    def check(name):
        problems.extend(violations(page, f"{name} ({language}, {screen})"))

    page.goto(f"/?lang={language}")
    check("landing")
    page.locator('main a[href*="/chat"]').click()
    expect(page.locator(QUESTION)).to_have_value("age_band")
    check("first question")
    for value in ("25_plus", "Ishøj", "0", "da", ["D10"]):
        answer(page, value)
    send_answer(page, "45")
    expect(page.locator("main .error-summary")).to_be_visible()
    check("refused answer")
    write(page, "hvad koster det" if language == "da" else "what does it cost")
    expect(page.locator("section.faq")).to_be_visible()
    check("question answered")
    finish_chat(page)
    page.locator("details.scores summary").click()
    check("result")
    code = get_code(page)
    check("code")
    page.locator("main a[data-code-written]").click()
    page.wait_for_url("**/code/check**")
    check("typing the code")
    page.locator("#code").fill(code)
    page.locator("main form:has(#code) button.primary").click()
    page.wait_for_url("**/book**")
    check("places")
    page.locator('main a[href*="/book/"]').first.click()
    page.wait_for_url("**/book/*")
    check("times")
    page.locator("form.booking input[name=slot]").first.check()
    page.locator("form.booking button.primary").click()
    page.wait_for_url("**/status**")
    check("status")
    page.locator("main a[data-cancel]").click()
    page.wait_for_url("**/booking/cancel**")
    check("cancel")
    page.goto("/status/delete")
    check("delete")
    page.locator('main form[action*="/status/delete"] button').click()
    page.wait_for_url("**/status/deleted**")
    check("deleted")
    page.goto("/code")
    page.locator("#code").fill("AAAA")
    page.locator("main form:has(#code) button.primary").click()
    expect(page.locator("main .error-summary")).to_be_visible()
    check("code refused")
    assert problems == [], "\n".join(problems)


# ---- language and quick exit ----------------------------------------------------------------


def test_english_link_switches_language_without_javascript_and_sticks_from_the_first_answer(phone):
    page = phone(java_script_enabled=False)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "da")

    choose_language(page, "en")

    assert urlsplit(page.url).path == "/"
    assert page.context.cookies() == []  # reading set nothing

    page.goto("/chat?lang=en")
    answer(page, "25_plus")
    page.goto("/chat")  # the address no longer says it: the session does
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_quick_exit_stays_in_view_and_shift_three_times_leaves(phone, live_server):
    page = phone(**NARROW)
    exits = []  # the way out is answered here: the test below follows it to the neutral site
    page.route("**/exit", lambda route: (exits.append(route.request.url), route.fulfill(body="left")))
    start_chat(page)
    page.mouse.wheel(0, 3000)
    expect(page.locator("header a.quick-exit")).to_be_in_viewport()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("**/exit")
    assert exits == [f"{live_server.url}/exit"]


def test_quick_exit_leaves_for_neutral_site_and_forgets_the_session(phone, live_server):
    neutral = quick_exit_url()
    page = phone(java_script_enabled=False)
    page.goto("/chat")
    answer(page, "25_plus")

    link = page.locator("header a.quick-exit")
    expect(link).to_have_attribute("data-quick-exit", "")
    exit_url = urljoin(page.url, link.get_attribute("href"))
    assert exit_url == f"{live_server.url}/exit"
    with pytest.raises(urllib.error.HTTPError) as answer_to_exit:
        direct.open(exit_url, timeout=5)
    assert answer_to_exit.value.code == 303
    assert answer_to_exit.value.headers["Location"] == neutral
    answer_to_exit.value.close()
    assert urlsplit(neutral).scheme == "https"
    assert urlsplit(neutral).hostname != urlsplit(live_server.url).hostname

    left = page.request.get(exit_url, max_redirects=0)
    assert left.status == 303 and left.headers["location"] == neutral
    page.goto("/chat")
    assert shown_question(page) == "age_band"


def test_the_result_shows_the_verdict_and_the_button_above_the_fold_at_320_px(phone):
    page = phone(**NARROW)
    start_chat(page)
    finish_chat(page)
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(GET_CODE).bounding_box()
    assert box["y"] + box["height"] <= NARROW["viewport"]["height"]
    expect(page.locator("main h1")).to_be_in_viewport()
    expect(page.locator("details.scores .areas")).not_to_be_visible()  # the scores open on request


# ---- the code -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 412])
def test_code_never_breaks_inside_a_group_and_is_confirmed_by_typing_it(phone, width):
    page = phone(viewport={"width": width, "height": 800})
    start_chat(page)
    finish_chat(page)
    code = get_code(page)
    # Each group sits on one line: two rows of two groups
    tops = [box["y"] for box in (group.bounding_box() for group in page.locator("p.code .code-group").all())]
    heights = {round(group.bounding_box()["height"]) for group in page.locator("p.code .code-group").all()}
    assert len(heights) == 1 and tops[0] == tops[1] and tops[2] == tops[3] and tops[2] > tops[0]
    page.locator("main a[data-code-written]").click()
    page.wait_for_url("**/code/check**")
    # The code is no longer on the screen where it is typed
    assert code.split("-")[0] not in page.locator("main").text_content()
    wrong = code[:7] + ("0" if code[7] != "0" else "1") + code[8:]
    page.locator("#code").fill(wrong)
    page.locator("main form:has(#code) button.primary").click()
    expect(page.locator("main .error-summary")).to_be_visible()
    expect(page.locator("#code")).to_have_value(wrong)
    page.locator("#code").fill(code)
    page.locator("main form:has(#code) button.primary").click()
    page.wait_for_url("**/book**")
