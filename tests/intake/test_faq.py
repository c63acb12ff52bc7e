"""FAQ and crisis-word matching for text typed into the chat (intake/faq.py, intake/faq.toml)."""

import dataclasses
import re
import tomllib

import pytest

from intake import faq
from intake.faq import FaqEntry, faq_entries, is_crisis, match_faq

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“])")


@pytest.fixture(scope="module")
def raw_entries():
    return tomllib.loads(faq.FAQ_FILE.read_text(encoding="utf-8"))["faq"]


# --- the data file ---------------------------------------------------------------------------


def test_faq_file_has_enough_entries_with_unique_ids(raw_entries):
    ids = [entry["id"] for entry in raw_entries]
    assert len(ids) >= 18
    assert len(set(ids)) == len(ids)


def test_every_entry_has_texts_and_keywords_in_both_languages(raw_entries):
    for entry in raw_entries:
        assert entry["question"].strip(), entry["id"]
        assert entry["answer"].strip(), entry["id"]
        assert entry["keywords_da"], entry["id"]
        assert entry["keywords_en"], entry["id"]
        assert all(keyword.strip() for keyword in entry["keywords_da"] + entry["keywords_en"])


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

DANISH_QUESTIONS = [
    ("koster det noget?", "free"),
    ("skal jeg betale noget", "free"),
    ("hvor lang tid tager det", "duration"),
    ("hvor mange uger varer forløbet", "duration"),
    ("hvem kan se mine svar", "stored"),
    ("hvad gemmer I om mig", "stored"),
    ("er det virkelig anonymt", "anonymous"),
    ("skal I have mit CPR-nummer?", "anonymous"),
    ("hvad sker der til den afklarende samtale", "conversation"),
    ("kan jeg tage min kæreste med", "bring-someone"),
    ("hvad hvis jeg kun er 16", "under-18"),
    ("hvad hvis jeg er gravid", "pregnant"),
    ("jeg har børn derhjemme", "children"),
    ("hvor hurtigt kan jeg starte", "quick-start"),
    ("hvor lang tid skal jeg vente", "quick-start"),
    ("hvor ligger behandlingsstedet", "location"),
    ("jeg har glemt min kode", "lost-code"),
    ("kan jeg slette mine data", "delete"),
    ("hvad hvis jeg ikke kommer", "missed"),
    ("kan jeg klage over afgørelsen", "complaint"),
    ("hvad betyder ASI scoren", "asi"),
    ("jeg drikker også en del alkohol", "alcohol-other"),
    ("jeg har en støttekontaktperson fra kommunen", "other-support"),
    ("kan jeg ringe i stedet", "phone"),
    ("kan jeg få metadon", "medication"),
    ("finder min chef ud af det", "who-finds-out"),
    ("kan jeg flytte min tid", "change-booking"),
    ("kan jeg passe mit arbejde imens", "work-study"),
    ("min søn tager stoffer", "relatives"),
    ("ryger kun hash i weekenden, er det noget for mig", "who-for"),
    ("taler I engelsk", "language"),
]

ENGLISH_QUESTIONS = [
    ("Does it cost anything?", "free"),
    ("is it free", "free"),
    ("how long does the course take", "duration"),
    ("who can see my answers", "stored"),
    ("is it really anonymous", "anonymous"),
    ("do you need my name", "anonymous"),
    ("what happens at the clarifying conversation", "conversation"),
    ("can I bring my boyfriend", "bring-someone"),
    ("what if I'm 16", "under-18"),
    ("what if I'm pregnant", "pregnant"),
    ("I have kids at home", "children"),
    ("how soon can I start", "quick-start"),
    ("how long do I have to wait", "quick-start"),
    ("where is it", "location"),
    ("I lost my code", "lost-code"),
    ("can I delete my data", "delete"),
    ("what if I miss an appointment", "missed"),
    ("can I appeal the decision", "complaint"),
    ("what does my ASI score mean", "asi"),
    ("I drink a lot of alcohol too", "alcohol-other"),
    ("I already have a social worker", "other-support"),
    ("can I call you instead", "phone"),
    ("can I get methadone", "medication"),
    ("will my boss find out", "who-finds-out"),
    ("can I cancel my booking", "change-booking"),
    ("can I keep working", "work-study"),
    ("I am worried about my brother", "relatives"),
    ("I only smoke weed, is this for me", "who-for"),
    ("I don't speak Danish", "language"),
]


@pytest.mark.parametrize(("text", "expected"), DANISH_QUESTIONS)
def test_danish_question_finds_its_answer(text, expected):
    assert match_faq(text, "da").id == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH_QUESTIONS)
def test_english_question_finds_its_answer(text, expected):
    assert match_faq(text, "en").id == expected


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
        "\n".join(
            f'[[faq]]\nid = "{slug}"\nquestion = "Q {slug}"\nanswer = "A {slug}"\n'
            'keywords_da = ["gratis"]\nkeywords_en = ["free"]\n'
            for slug in ("first", "second")
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(faq, "FAQ_FILE", faq_file)
    faq._index.cache_clear()
    try:
        # Then the first one wins, every time
        assert [match_faq("gratis", "da").id for _ in range(3)] == ["first"] * 3
    finally:
        monkeypatch.undo()
        faq._index.cache_clear()


# --- crisis words ----------------------------------------------------------------------------

CRISIS_TEXTS = [
    "jeg tænker på selvmord",
    "jeg har selvmordstanker",
    "jeg vil tage mit eget liv",
    "jeg vil slå mig selv ihjel",
    "jeg vil bare dø",
    "min ven har taget en overdosis",
    "jeg har taget for meget",
    "han kan ikke trække vejret",
    "hun er bevidstløs",
    "hun er bevidstlos",
    "I want to kill myself",
    "I'm going to end my life",
    "I just want to die",
    "I think I OD'd",
    "my friend is OD",
    "overdose",
    "she can't breathe",
    "he is unconscious",
    "I feel suicidal",
    "I don't want to live anymore",
]

HARMLESS_TEXTS = [
    "hvor lang tid tager det",
    "is it free",
    "jeg vil gerne have hjælp",
    "dør",
    "hvilken dør skal jeg bruge",
    "overdrive",
    "hvad koster det",
    "kan jeg tage min kæreste med",
    "hvad hvis jeg er gravid",
    "I want to stop using",
    "that is odd",
    "I live in Odense",
    "jeg tager hash hver dag",
    "it took too much time to find the page",
    "jeg vil gerne stoppe med at ryge",
]


@pytest.mark.parametrize("text", CRISIS_TEXTS)
def test_words_of_acute_danger_are_recognised(text):
    assert is_crisis(text)


@pytest.mark.parametrize("text", HARMLESS_TEXTS)
def test_harmless_text_is_not_a_crisis(text):
    assert not is_crisis(text)
