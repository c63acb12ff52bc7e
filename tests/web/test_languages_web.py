"""Nine languages on the citizen pages (issue 14): the picker, the browser's language on the
first page, right to left, the note on drafted translations, and places that speak yours."""

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from app.config import load_settings
from common.languages import LANGUAGES, RIGHT_TO_LEFT

from citizen_client import Citizen

STATUS_FILE = Path(__file__).parents[2] / "translations" / "status.toml"
DRAFTED_NOTE = 'class="translation-note"'


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


# ---- which language a page is in ----------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("ar,en;q=0.5", "ar"), ("uk-UA,uk;q=0.9,ru;q=0.8", "uk"), ("fa-IR", "fa"), ("so", "so"),
     ("tr-TR,tr;q=0.9,en-US;q=0.8", "tr"), ("fr-FR,de;q=0.5", "da"), ("en-GB", "en"), ("", "da")],
)
def test_the_browsers_language_is_used_on_the_first_page_without_a_cookie(client, asked, shown):
    response = client.get("/", headers={"Accept-Language": asked})
    assert f'lang="{shown}"' in html_tag(response.get_data(as_text=True))
    assert "Set-Cookie" not in response.headers
    assert "Accept-Language" in response.headers.get("Vary", "")


def test_a_language_chosen_in_the_address_wins_over_the_browsers(client):
    page = client.get("/?lang=pl", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="pl"' in html_tag(page)


def test_a_language_kept_in_the_session_wins_over_the_browsers(citizen):
    citizen.choose_language("tr")
    citizen.answer("age_band", "25_plus")  # the first act keeps it
    citizen.choose_language(None)
    citizen.get("/chat", headers={"Accept-Language": "ar"}, follow_redirects=True)
    assert 'lang="tr"' in html_tag(citizen.page)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_right_to_left_languages_turn_the_page(client, code):
    tag = html_tag(client.get(f"/?lang={code}").get_data(as_text=True))
    assert f'lang="{code}"' in tag
    assert f'dir="{"rtl" if code in RIGHT_TO_LEFT else "ltr"}"' in tag


# ---- the picker ---------------------------------------------------------------------------


def test_the_picker_offers_every_other_language_in_its_own_name_and_keeps_the_page(client):
    page = client.get("/chat/age_band?lang=ar&x=1").get_data(as_text=True)
    picker = re.search(r'<nav class="language".*?</nav>', page, re.S).group(0)
    for code, name in LANGUAGES.items():
        if code == "ar":
            continue
        assert re.search(rf'<a href="/chat/age_band\?x=1&amp;lang={code}" lang="{code}" hreflang="{code}"[^>]*>{name}</a>', picker), code
    assert "العربية" in picker  # the language shown now, in the summary


# ---- the note on drafted translations -------------------------------------------------------


def translation_states() -> dict:
    return tomllib.loads(STATUS_FILE.read_text(encoding="utf-8"))


def test_status_file_has_a_state_a_role_and_a_date_for_every_language():
    states = translation_states()
    assert sorted(states) == sorted(LANGUAGES)
    for code, state in states.items():
        assert state["state"] in {"source", "drafted", "reviewed"}, code
        assert state["by"].strip(), code
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(state["date"])), code


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_a_drafted_language_says_so_on_citizen_pages(client, code):
    drafted = translation_states()[code]["state"] == "drafted"
    for path in ("/", "/chat", "/code"):
        page = client.get(f"{path}?lang={code}", follow_redirects=True).get_data(as_text=True)
        assert (DRAFTED_NOTE in page) == drafted, (code, path)


# ---- numbers stay left to right -------------------------------------------------------------


def test_the_code_and_phone_numbers_stay_left_to_right_in_arabic(citizen):
    citizen.choose_language("ar")
    citizen.finish_screening()
    citizen.post("/code/new")
    citizen.get("/code/new")
    assert re.search(r'<p class="code" dir="ltr"', citizen.page)
    assert '<bdi dir="ltr">70 201 201</bdi>' in citizen.page  # Livslinien, in the footer


# ---- places that speak your language ----------------------------------------------------------


@pytest.fixture
def lyngby_speaks_arabic(make_app):
    settings = load_settings()
    providers = tuple(
        dataclasses.replace(p, languages=("da", "ar")) if p.id == "laenke-lyngby" else p for p in settings.providers
    )
    return make_app(settings=dataclasses.replace(settings, providers=providers))


@pytest.mark.parametrize(("language", "first"), [("ar", "laenke-lyngby"), ("en", "laenke-hvidovre"), ("da", "laenke-hvidovre")])
def test_places_that_speak_the_persons_language_come_first(lyngby_speaks_arabic, language, first):
    citizen = Citizen(lyngby_speaks_arabic.test_client())
    citizen.choose_language(language)
    citizen.finish_screening()
    citizen.get_code()
    citizen.get("/book")
    places = re.findall(r'<section class="provider[^"]*" aria-labelledby="provider-([^"]+)"', citizen.page)
    assert places[0] == first
    assert len(places) == 2
    assert citizen.page.count('class="speaks-your-language"') == (2 if language == "da" else 1)
