"""The citizen pages' frame, rendered once per language and address and kept (app.page_parts)."""

import re

from flask import render_template_string

from app import page_parts


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


def test_a_missing_page_or_an_odd_query_is_framed_but_not_kept(app, client):
    client.get("/chat/age_band")
    kept = len(app.jinja_env.page_parts)
    assert kept >= 3  # one table for every language's templates
    missing = client.get("/no-such-page-" + "x" * 50)
    odd = client.get("/chat/age_band?" + "q=" + "y" * 200)
    assert missing.status_code == 404 and '<html lang="da" dir="ltr">' in missing.get_data(as_text=True)
    assert "Luk hurtigt" in odd.get_data(as_text=True)
    assert len(app.jinja_env.page_parts) == kept
