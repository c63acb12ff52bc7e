"""The citizen pages' frame, rendered once per language and address and kept (app.page_parts)."""

import random
import re

import pytest
from flask import render_template_string
from markupsafe import Markup

from app import page_parts

from citizen_client import Citizen


def language_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" lang=', html)


def test_a_kept_frame_is_the_one_the_page_would_render(client):
    first, again = (client.get("/chat/age_band").get_data(as_text=True) for _ in range(2))
    assert first == again and first.startswith("<!doctype html>\n<html")
    assert '<html lang="da" dir="ltr">' in first and "Luk hurtigt" in first
    assert "/chat/age_band?lang=en" in language_links(first)


def test_each_language_and_address_has_its_own_frame(client):
    client.get("/")
    arabic = client.get("/chat/age_band?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "/chat/age_band?lang=da" in language_links(arabic) and "/?lang=da" not in language_links(arabic)
    assert 'class="translation-note"' in arabic  # a drafted translation says so
    assert 'href="/exit?lang=ar"' in arabic  # links carry the address's language on
    landing = client.get("/").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in landing and 'class="translation-note"' not in landing
    assert "/?lang=en" in language_links(landing)


def test_the_browser_language_gets_its_own_frame_at_the_same_address(client):
    client.get("/chat/age_band")
    english = client.get("/chat/age_band", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and "Quick exit" in english


def test_a_page_shown_after_a_post_links_languages_to_the_front_page(citizen, client):
    question = citizen.current_question()
    client.get("/chat/age_band")  # the address's frame for reading is kept first
    refused = client.post("/chat", data={"csrf_token": citizen.csrf_token(), "question": question,
                                         "answer": "not an option"})
    links = language_links(refused.get_data(as_text=True))
    assert links and all(link.startswith("/?lang=") for link in links)


def test_a_part_without_a_key_is_rendered_every_time(app):
    counted = []
    with app.test_request_context("/"):
        for key in (None, None, "kept", "kept"):
            render_template_string("{% cache key %}{{ count() }}{% endcache %}", key=key,
                                   count=lambda: counted.append(1) or len(counted))
    assert len(counted) == 3


def test_the_table_of_parts_starts_afresh_when_full(app, monkeypatch):
    monkeypatch.setattr(page_parts, "KEPT_PARTS", 2)
    with app.test_request_context("/"):
        shown = [render_template_string("{% cache key %}{{ key }}{% endcache %}", key=key) for key in "abcab"]
    assert shown == list("abcab")
    assert len(app.jinja_env.page_parts) <= 2


def test_a_kept_part_is_escaped_once_and_what_follows_it_as_ever(app):
    """A kept part is markup already: shown as it was rendered, never escaped again; the rest of
    the template still escapes, and a template that does not escape still does not."""
    template = "{% cache 'part' %}<b>{{ text }}</b>{% endcache %}{{ text }}{% cache 'part' %}{% endcache %}"
    with app.test_request_context("/"):
        shown = [render_template_string(template, text="<i>") for _ in range(2)]
        plain = app.jinja_env.overlay(autoescape=False).from_string(template.replace("'part'", "'plain'"))
        unescaped = [plain.render(text="<i>") for _ in range(2)]
    assert shown == ["<b>&lt;i&gt;</b>&lt;i&gt;<b>&lt;i&gt;</b>"] * 2
    assert unescaped == ["<b><i></b><i><b><i></b>"] * 2


def test_a_person_s_own_value_is_left_out_of_a_kept_part(app):
    """`{% cache key, own %}`: the part is kept without `own` (a person's CSRF field) and shown
    with the value of the request at hand; an empty one leaves nothing to keep it by."""
    template = "{% cache 'part', own %}<i>{{ own }}</i>{{ text }}{{ own }}{% endcache %}"
    with app.test_request_context("/"):
        shown = [render_template_string(template, own=Markup(own), text=text)
                 for own, text in (("", "1"), ("<b>A</b>", "2"), ("<b>B</b>", "3"), ("", "4"))]
    assert shown == ["<i></i>1", "<i><b>A</b></i>2<b>A</b>", "<i><b>B</b></i>2<b>B</b>", "<i></i>2"]
    assert "<b>A</b>" not in "".join(app.jinja_env.page_parts["part"])


def test_a_question_s_page_is_kept_whole_without_anyone_s_token(app):
    """Two people at the same question with the same path behind them: the second is shown the
    page kept for the first, with the second's own CSRF field, and no kept part holds a token."""
    first, second = (Citizen(app.test_client()) for _ in range(2))
    for person in (first, second):
        person.answer(person.current_question(), "25_plus")
    question = first.current_question()
    shown = {person.csrf_token(): person.get(f"/chat/{question}").get_data(as_text=True) for person in (first, second)}
    assert len(shown) == 2 and None not in shown
    for token, page in shown.items():
        assert page.count(f'name="csrf_token" value="{token}"') == 2
    assert any(isinstance(key, tuple) and key[0] == "question page" for key in app.jinja_env.page_parts)
    kept = "".join("".join(part) for part in app.jinja_env.page_parts.values())
    assert not any(token in kept for token in shown)


def test_a_missing_page_or_an_odd_query_is_framed_but_not_kept(app, client):
    client.get("/chat/age_band")
    kept = len(app.jinja_env.page_parts)
    assert kept >= 3  # one table for every language's templates
    missing = client.get("/no-such-page-" + "x" * 50)
    odd = client.get("/chat/age_band?" + "q=" + "y" * 200)
    assert missing.status_code == 404 and '<html lang="da" dir="ltr">' in missing.get_data(as_text=True)
    assert "Luk hurtigt" in odd.get_data(as_text=True)
    assert len(app.jinja_env.page_parts) == kept


def test_each_scored_area_is_kept_under_its_own_score_on_a_citizen_page_only(app):
    """`scored_areas`: the items in the order of the scores, each kept under the language, the
    area, its score and the limit (never two areas in one key); without a frame (a staff page)
    rendered and not kept; a kept item is shown from the table."""
    scores, frame = {"drug": 0.5, "alcohol": 0.1}, ("da", True, "", "/result", b"")
    with app.test_request_context("/"):
        afresh = page_parts.scored_areas(None, scores, 0.3)
        assert app.jinja_env.page_parts == {}
        shown = page_parts.scored_areas(frame, scores, 0.3)
        assert shown == afresh and isinstance(shown, Markup)
        assert shown.index("Stoffer") < shown.index("Alkohol") and shown.count('<li class="area">') == 2
        assert set(app.jinja_env.page_parts) == {("scored area", "da", "drug", 0.5, 0.3),
                                                 ("scored area", "da", "alcohol", 0.1, 0.3)}
        app.jinja_env.page_parts["scored area", "da", "alcohol", 0.1, 0.3] = "<li>kept</li>"
        assert page_parts.scored_areas(frame, scores, 0.3).endswith("<li>kept</li>")


#: Not chosen: a crisis answer shows the crisis box once, on the next page only (a page read
#: twice would differ); under 18 ends the screening at once.
NOT_CHOSEN = ("P9", "P10", "under_18")


def _random_answer(chooser: random.Random, page: str):
    """An answer the page offers: a number, some of its ticks, or one of its buttons."""
    if 'id="answer-number"' in page:
        return chooser.choice([0, 3, 30])
    values = [value for value in re.findall(r'name="answer" value="([^"]+)"', page) if value not in NOT_CHOSEN]
    if 'type="checkbox"' in page:
        return [value for value in values if chooser.random() < 0.5]
    return chooser.choice(values)


def _step(app, person: Citizen, chooser: random.Random) -> bool:
    """Read the question a person is at and answer it, now and then going back to the one
    before; each page shown must be the page rendered with no part kept. False once finished."""
    question = person.current_question()
    if question is None:
        return False
    _same_when_rendered_afresh(app, person, f"/chat/{question}")
    back = re.search(r'class="back-link" href="/chat/([^"?]+)', person.page)
    if back and chooser.random() < 0.3:
        _same_when_rendered_afresh(app, person, f"/chat/{back.group(1)}")
        person.get(f"/chat/{question}")
    person.answer(question, _random_answer(chooser, person.page))
    return True


def _same_when_rendered_afresh(app, person: Citizen, address: str) -> None:
    """The page at `address`, shown from the table as it stands, equals the page rendered from
    an empty one; the table is then as it stood (so that parts pile up, as in a worker)."""
    shown = person.get(address).get_data(as_text=True)
    table = app.jinja_env.page_parts
    kept = dict(table)
    table.clear()
    assert person.get(address).get_data(as_text=True) == shown, address
    table.clear()
    table.update(kept)


@pytest.mark.parametrize("seed", range(3))
def test_every_kept_part_of_a_citizen_page_is_what_it_would_render(app, seed):
    """Three people (two in one language) answer at random, turn about, sometimes going back to
    a question they answered, then read their result and, with a code, their case: every page
    they are shown (from the parts they and the others left in the table) is exactly the page
    rendered with no part kept. The keys of the kept parts (frame, progress, options, scored
    areas) hold everything those parts show."""
    people = [Citizen(app.test_client()) for _ in range(3)]
    for person, language in zip(people, (None, None, "en")):
        if language:
            person.choose_language(language)
    chooser, going, pages = random.Random(seed), list(people), 0
    while going:
        going = [person for person in going if _step(app, person, chooser)]
        pages += len(going)
    assert pages > 30
    for person in people:  # the result's scored areas are kept too (_assessment.html)
        _same_when_rendered_afresh(app, person, "/result")
    for person in people:  # and the same areas on the case's page
        person.get_code()
        _same_when_rendered_afresh(app, person, "/status")
        assert 'class="area-score"' in person.page
    for person in people[1:]:  # with a booking: its actions and the links to leave are kept too
        person.book_first_time()
        _same_when_rendered_afresh(app, person, "/status")
        assert 'data-cancel' in person.page and 'action="/status/leave' in person.page
