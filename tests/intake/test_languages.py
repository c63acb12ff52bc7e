"""The chat in every language: each intake/languages/<code>.toml file is complete, and the
sentences of each tests/intake/samples/<code>.toml are understood (crisis, calm, FAQ)."""

import tomllib
from pathlib import Path

import pytest

from common.languages import LANGUAGES
from intake import faq
from intake.faq import is_crisis, match_faq
from intake.language_data import LANGUAGES_DIR, InvalidLanguageFile, all_languages, read_language

SAMPLES_DIR = Path(__file__).with_name("samples")
MIN_CRISIS_PHRASES = 15
MIN_SAMPLES = 8
FAQ_IDS = [entry.id for entry in faq.faq_entries()]


def samples(code: str) -> dict:
    return tomllib.loads((SAMPLES_DIR / f"{code}.toml").read_text(encoding="utf-8"))


SAMPLE_CODES = sorted(path.stem for path in SAMPLES_DIR.glob("*.toml"))
CRISIS = [(code, text) for code in SAMPLE_CODES for text in samples(code)["crisis"]]
CALM = [(code, text) for code in SAMPLE_CODES for text in samples(code)["calm"]]
PARAPHRASES = [
    (code, entry_id, text) for code in SAMPLE_CODES for entry_id, texts in samples(code)["faq"].items() for text in texts
]


# ---- the files -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_of_the_site_has_a_language_file(code):
    assert (LANGUAGES_DIR / f"{code}.toml").is_file()


@pytest.mark.parametrize("code", sorted(all_languages()))
def test_a_language_file_has_keywords_for_every_faq_id_and_enough_crisis_phrases(code):
    words = all_languages()[code]
    assert sorted(words.faq) == sorted(FAQ_IDS)
    assert all(words.faq[entry_id] for entry_id in FAQ_IDS)
    assert len(words.crisis_phrases) + len(words.crisis_roots) >= MIN_CRISIS_PHRASES
    assert words.yes and words.no and words.never


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_a_sample_file_has_enough_sentences_and_a_paraphrase_per_faq_id(code):
    data = samples(code)
    assert len(set(data["crisis"])) >= MIN_SAMPLES
    assert len(set(data["calm"])) >= MIN_SAMPLES
    assert sorted(entry_id for entry_id, texts in data["faq"].items() if texts) == sorted(FAQ_IDS)


def test_a_language_file_without_a_list_is_refused_with_the_key_named(tmp_path):
    broken = tmp_path / "xx.toml"
    broken.write_text('yes = ["ja"]\nno = "nej"\n', encoding="utf-8")
    with pytest.raises(InvalidLanguageFile, match="xx.toml: no is 'nej'"):
        read_language(broken)


# ---- what the chat makes of the samples ------------------------------------------------------


@pytest.mark.parametrize(("code", "text"), CRISIS)
def test_a_crisis_sentence_shows_emergency_help(code, text):
    assert is_crisis(text)


@pytest.mark.parametrize(("code", "text"), CALM)
def test_a_calm_sentence_does_not(code, text):
    assert not is_crisis(text)


@pytest.mark.parametrize(("code", "expected", "text"), PARAPHRASES)
def test_a_paraphrase_finds_its_faq_entry_in_its_language(code, expected, text):
    found = match_faq(text, code)
    assert found is not None and found.id == expected, f"{text!r} found {found and found.id}"

