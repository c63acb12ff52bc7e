"""One chat turn: buttons, numbers, ticks and typed words; FAQ and crisis; bad input."""

import dataclasses

import pytest

from intake.catalogue import load_catalogue
from intake.chat import ANSWERED, CRISIS, FAQ, INVALID, NOT_UNDERSTOOD, take_turn

from builders import answers

SERVED = ["Ishøj", "Vallensbæk"]
DANISH_LABELS = {"Yes": "Ja", "No": "Nej", "Cannabis (hash, pot)": "Hash eller pot (cannabis)",
                 "Cocaine": "Kokain", "Your mother": "Din mor", "Close friends": "Nære venner"}


def turn(question_id, values=(), text="", given=None, none=False, language="da"):
    return take_turn(
        load_catalogue(), given if given is not None else {}, SERVED, question_id, list(values), text,
        lambda label: DANISH_LABELS.get(label, label), language, none_chosen=none,
    )


def test_button_answer_is_recorded_without_changing_the_input():
    given = {"age_band": "25_plus"}
    result = turn("municipality", ["Ishøj"], given=given)
    assert result.kind == ANSWERED
    assert result.answers == {"age_band": "25_plus", "municipality": "Ishøj"}
    assert given == {"age_band": "25_plus"}


@pytest.mark.parametrize(
    "question_id, text, expected",
    [
        ("other_support", "ja", 1),
        ("other_support", "Nej", 0),
        ("other_support", "yes", 1),
        ("other_support", "no.", 0),
        ("E4", "nej", 0),
        ("F3", "ja", "yes"),
        ("D1", "aldrig", 0),
        ("D1", "never", 0),
        ("D1", "5", 5),
        ("D1", "ca. 12 dage", 12),
        ("D1", "hver dag", 30),
        ("E17", "0 kr", 0),
        ("E17", "ca. 1.500 kr", 1500),
        ("age_band", "25 or older", "25_plus"),
        ("D29", "slightly", 1),
    ],
)
def test_typed_words_count_as_answers(question_id, text, expected):
    given = answers()
    result = turn(question_id, text=text, given=given)
    assert result.kind == ANSWERED, result
    assert result.answers[question_id] == expected


def test_typed_label_in_the_persons_language():
    given = answers()
    assert turn("substances", text="kokain", given=given).answers["substances"] == ["D8"]
    assert turn("substances", text="hash og kokain", given=given).answers["substances"] == ["D10", "D8"]
    assert turn("substances", text="ingen", given=given).answers["substances"] == []
    assert turn("family_contact", text="din mor, nære venner", given=given).answers["family_contact"] == ["F18", "F24"]


def test_typed_decimal_days_are_invalid_not_reread():
    result = turn("D1", text="2,5 dage", given=answers())
    assert result.kind == INVALID and "whole days" in result.message
    assert result.answers == answers()


def test_typed_number_out_of_range_is_invalid():
    result = turn("D1", text="45 dage", given=answers())
    assert result.kind == INVALID
    assert result.params == {"low": 0, "high": 30}


def test_a_question_is_not_taken_for_an_answer():
    result = turn("D1", text="hvad hvis jeg er 16", given=answers())
    assert result.kind in (FAQ, NOT_UNDERSTOOD)
    assert result.answers == answers()


def test_free_text_question_goes_to_the_faq():
    result = turn("D1", text="koster det noget?", given=answers())
    assert result.kind == FAQ
    assert result.faq is not None
    assert result.answers == answers()


def test_nonsense_is_not_understood():
    assert turn("D1", text="qwxz vbnm", given=answers()).kind == NOT_UNDERSTOOD


@pytest.mark.parametrize("text", ["jeg vil tage mit eget liv", "I think about suicide", "min ven har taget en overdosis"])
def test_crisis_words_come_first(text):
    result = turn("D1", text=text, given=answers())
    assert result.kind == CRISIS and result.crisis
    assert result.answers == answers()


def test_yes_to_suicidal_thoughts_answers_and_flags_crisis():
    result = turn("feelings", ["P4", "P9"], given=answers())
    assert result.kind == ANSWERED and result.crisis
    assert result.answers["feelings"] == ["P4", "P9"]


def test_suicidal_thoughts_from_drugs_still_a_crisis_but_asked_apart():
    # Given suicidal thoughts ticked: emergency help at once, whatever the cause
    given = answers(feelings=["P9"])
    assert turn("feelings", ["P9"], given=answers()).crisis
    # When the person says they came only from the drugs
    result = turn("feelings_not_from_substances", none=True, given=given)
    # Then the answer is taken, and no second alarm follows
    assert result.kind == ANSWERED and not result.crisis
    assert result.answers["feelings_not_from_substances"] == []


def test_the_condition_offers_only_what_was_ticked():
    result = turn("feelings_not_from_substances", ["P6"], given=answers(feelings=["P4"]))
    assert result.kind == INVALID and "among the answers" in result.message


@pytest.mark.parametrize(
    "question_id, values, message_part",
    [
        ("D1", ["31"], "from"),
        ("D1", ["-1"], "whole number"),
        ("D1", ["two"], "whole number"),
        ("D1", [""], "write a number"),
        ("D1", ["9" * 12], "whole number"),
        ("D1", ["2.5"], "whole days"),  # never 25
        ("E17", ["1,500"], "whole kroner"),  # 1.5 or 1500?
        ("E17", ["-500 kr"], "0 kroner or more"),
        ("other_support", ["2"], "choose one"),
        ("other_support", [], "choose one"),
        ("other_support", ["1", "0"], "choose one"),
        ("substances", ["D99"], "among the answers"),
        ("substances", [], "at least one"),
        ("substances", ["D8", "D8"], "only once"),
        ("no_such_question", ["1"], "not part of your screening"),
        ("D8", ["3"], "not part of your screening"),  # cocaine was not chosen
        ("D8", ["abc"], "not part of your screening"),  # which comes before what is wrong with the value
    ],
)
def test_bad_input_is_invalid_and_keeps_every_answer(question_id, values, message_part):
    given = answers()
    result = turn(question_id, values, given=given)
    assert result.kind == INVALID
    assert message_part in result.message
    assert result.answers == given


def test_too_long_text_is_invalid():
    result = turn("D1", text="x" * 501, given=answers())
    assert result.kind == INVALID and "500" in result.message % result.params


def test_none_of_these_button():
    result = turn("feelings", none=True, given=answers())
    assert result.kind == ANSWERED and result.answers["feelings"] == []


# ---- typed words in the person's language (issue 14) ------------------------------------------


@pytest.fixture
def polish(monkeypatch):
    """A Polish word list in which "no" is yes (as it is, colloquially)."""
    from intake import answers as answers_module
    from intake.language_data import all_languages

    real = all_languages()
    polish = dataclasses.replace(real["en"], code="pl", yes=("tak", "no"), no=("nie",), never=("nigdy",),
                                 every_day=("codziennie",), number_filler=("dni",), none_chosen=("żaden",))
    monkeypatch.setattr(answers_module, "all_languages", lambda: {**real, "pl": polish})
    answers_module.understood_words.cache_clear()
    yield
    monkeypatch.undo()
    answers_module.understood_words.cache_clear()


def test_yes_and_no_in_the_persons_language_are_answers(polish):
    assert turn("other_support", text="tak", given=answers(), language="pl").answers["other_support"] == 1
    assert turn("other_support", text="Nie", given=answers(), language="pl").answers["other_support"] == 0
    assert turn("D1", text="nigdy", given=answers(), language="pl").answers["D1"] == 0
    assert turn("D1", text="١٢ dni", given=answers(), language="pl").answers["D1"] == 12


def test_words_of_a_language_the_person_did_not_choose_are_not_answers(polish):
    # Given "tak" is yes in Polish only, When a Danish-speaking person types it, Then it is no answer
    assert turn("other_support", text="tak", given=answers(), language="da").kind != ANSWERED


def test_a_word_that_is_yes_in_one_language_and_no_in_another_is_no_answer(polish):
    # "no" is no in English and yes in (colloquial) Polish: for a Polish speaker it is ambiguous
    assert turn("other_support", text="no", given=answers(), language="pl").kind != ANSWERED
    assert turn("other_support", text="no", given=answers(), language="da").answers["other_support"] == 0


def test_danish_and_english_words_count_in_every_language(polish):
    assert turn("other_support", text="ja", given=answers(), language="pl").answers["other_support"] == 1
    assert turn("D1", text="never", given=answers(), language="pl").answers["D1"] == 0


def test_typed_words_for_a_question_not_asked_are_refused():
    result = turn("D8", text="3 dage", given=answers())
    assert result.kind == INVALID and "not part of your screening" in result.message


def test_an_answer_and_what_follows_it_are_worked_out_in_one_walk(walks):
    """Whether the question is asked is settled on the answers with the new one (the same: a
    question's own answer never decides whether it is asked), which is the walk that finds the
    next question."""
    result = turn("municipality", ["Ishøj"], given={"age_band": "25_plus"})
    assert load_catalogue().next_question(result.answers).id == "other_support"
    assert len(walks) == 1
