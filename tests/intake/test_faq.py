"""FAQ and crisis-word matching for text typed into the chat (intake/faq.py, intake/faq.toml)."""

import dataclasses
import re
import tomllib

import pytest

from intake import faq
from intake.faq import FaqEntry, faq_entries, is_crisis, match_faq
from intake.language_data import all_languages

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“])")


@pytest.fixture(scope="module")
def raw_entries():
    return tomllib.loads(faq.FAQ_FILE.read_text(encoding="utf-8"))["faq"]


# --- the data file ---------------------------------------------------------------------------


def test_faq_file_has_enough_entries_with_unique_ids(raw_entries):
    ids = [entry["id"] for entry in raw_entries]
    assert len(ids) >= 18
    assert len(set(ids)) == len(ids)


def test_every_entry_has_a_question_and_an_answer(raw_entries):
    for entry in raw_entries:
        assert entry["question"].strip(), entry["id"]
        assert entry["answer"].strip(), entry["id"]


def test_answers_are_one_to_four_sentences(raw_entries):
    for entry in raw_entries:
        assert 1 <= len(SENTENCE_END.split(entry["answer"])) <= 4, entry["id"]


def test_faq_entries_lists_every_entry_in_file_order(raw_entries):
    entries = faq_entries()
    assert [entry.id for entry in entries] == [entry["id"] for entry in raw_entries]
    assert all(isinstance(entry, FaqEntry) for entry in entries)


def test_faq_entry_is_immutable():
    entry = faq_entries()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.answer = "changed"


# --- matching questions ----------------------------------------------------------------------

# Paraphrases per language are in tests/intake/samples/<code>.toml (tests/intake/test_languages.py).


@pytest.mark.parametrize("spelling", ["børn", "boern", "born", "BØRN"])
def test_danish_letters_typed_without_a_danish_keyboard_still_match(spelling):
    assert match_faq(f"jeg har {spelling}", "da").id == "children"


@pytest.mark.parametrize("text", ["graviditet", "er der noget for gravide", "kaereste med?"])
def test_inflected_and_folded_forms_match(text):
    assert match_faq(text, "da").id in {"pregnant", "bring-someone"}


def test_keywords_of_the_other_language_also_match():
    assert match_faq("is it free", "da").id == "free"
    assert match_faq("er det gratis", "en").id == "free"


def test_the_chosen_language_wins_when_both_match():
    # Given "klage" (Danish: complaint) and "cancel" (English), each a keyword of one entry
    assert match_faq("klage cancel", "da").id == "complaint"
    assert match_faq("klage cancel", "en").id == "change-booking"


@pytest.mark.parametrize("lang", ["de", "", "xx"])
def test_an_unknown_language_tries_both(lang):
    assert match_faq("koster det noget", lang).id == "free"
    assert match_faq("is it free", lang).id == "free"


@pytest.mark.parametrize("text", ["asdf qwerty", "", "   ", "hej", "ok tak", "?!"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_text_without_meaning_matches_nothing(text, lang):
    assert match_faq(text, lang) is None


def test_ties_go_to_the_entry_earlier_in_the_file(tmp_path, monkeypatch):
    # Given two entries that share their only keyword
    faq_file = tmp_path / "faq.toml"
    faq_file.write_text(
        "".join(f'[[faq]]\nid = "{slug}"\nquestion = "Q {slug}"\nanswer = "A {slug}"\n' for slug in ("first", "second")),
        encoding="utf-8",
    )
    danish = dataclasses.replace(all_languages()["da"], faq={"first": ("gratis",), "second": ("gratis",)})
    monkeypatch.setattr(faq, "FAQ_FILE", faq_file)
    monkeypatch.setattr(faq, "all_languages", lambda: {"da": danish})
    faq._index.cache_clear()
    try:
        # Then the first one wins, every time
        assert [match_faq("gratis", "da").id for _ in range(3)] == ["first"] * 3
    finally:
        monkeypatch.undo()
        faq._index.cache_clear()


def test_a_keyword_for_an_id_the_faq_does_not_have_is_refused(monkeypatch):
    danish = dataclasses.replace(all_languages()["da"], faq={"pregnnt": ("gravid",)})
    monkeypatch.setattr(faq, "all_languages", lambda: {"da": danish})
    faq._index.cache_clear()
    try:
        with pytest.raises(ValueError, match="pregnnt"):
            faq._index()
    finally:
        monkeypatch.undo()
        faq._index.cache_clear()


# --- crisis words ----------------------------------------------------------------------------
# Sentences per language are in tests/intake/samples/<code>.toml; these are the edge cases.


@pytest.mark.parametrize("text", ["I think I OD'd", "i think i od'd", "my friend is OD", "he ODed", "overdose", "I feel suicidal"])
def test_words_of_acute_danger_are_recognised(text):
    assert is_crisis(text)


@pytest.mark.parametrize("text", ["that is odd", "I live in Odense", "overdrive", "dør", "mam od lekarza", "Od wczoraj"])
def test_harmless_text_is_not_a_crisis(text):
    assert not is_crisis(text)
