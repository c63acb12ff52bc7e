"""Numbers as people send them: whole days only, and kroner written the Danish way."""

import pytest

from intake.answers import InvalidAnswer, interpret_typed, parse_submitted
from intake.catalogue import load_catalogue


def question(question_id):
    return load_catalogue().get(question_id)


def posted(question_id, raw):
    return parse_submitted(question(question_id), (), [raw])


def typed(question_id, text):
    return interpret_typed(question(question_id), (), text, lambda label: label, "da")


def refusal(read, question_id, raw) -> InvalidAnswer:
    with pytest.raises(InvalidAnswer) as refused:
        read(question_id, raw)
    return refused.value


READERS = pytest.mark.parametrize("read", [posted, typed], ids=["field", "typed"])


@READERS
@pytest.mark.parametrize("raw", ["2.5", "2,5", "1.0", "0,5", "1.000"])
def test_a_day_count_with_decimals_is_refused_not_reread(read, raw):
    # Given a day question, When "2.5" (or the like) is sent, Then it is refused as not whole,
    # never read as 25 or 2
    error = refusal(read, "D1", raw)
    assert error.message == "Please write whole days, for example 2 or 3."


@READERS
@pytest.mark.parametrize("raw, days", [("0", 0), ("7", 7), ("30", 30), (" 12 ", 12)])
def test_whole_days_are_taken(read, raw, days):
    assert read("D1", raw) == days


@READERS
@pytest.mark.parametrize(
    "raw, kroner",
    [
        ("1500", 1500),
        ("1.500", 1500),
        ("1500 kr", 1500),
        ("1500 kr.", 1500),
        ("1 500", 1500),
        ("1\u00a0500", 1500),
        ("1.500,00", 1500),
        ("1.500,50", 1501),  # øre rounded to whole kroner, half up
        ("kr. 1500", 1500),
        ("1500,-", 1500),
        ("12.000", 12000),
        ("1.250.000", 1_250_000),
        ("0", 0),
    ],
)
def test_kroner_as_danes_write_them(read, raw, kroner):
    assert read("E12", raw) == kroner


@READERS
@pytest.mark.parametrize("raw", ["1,500", "1.50", "1500.5", "1,500.00", "1.5.00", "15.00,0"])
def test_an_ambiguous_amount_is_refused(read, raw):
    error = refusal(read, "E12", raw)
    assert error.message == "Please write the amount in whole kroner, for example 1500 or 1.500."


@READERS
@pytest.mark.parametrize("raw", ["-500", "−500", "- 500 kr"])
def test_a_negative_amount_is_refused(read, raw):
    error = refusal(read, "E12", raw)
    assert error.message == "Please write an amount of 0 kroner or more."


def test_typed_amount_among_words():
    assert typed("E12", "ca. 1.500 kr i alt") == 1500
    assert typed("E12", "omkring 1 500 kroner") == 1500


def test_typed_question_with_a_number_is_not_an_answer():
    assert typed("D1", "hvad hvis jeg er 16.5") is None
    assert typed("D1", "2 eller 3 dage") is None



# ---- digits and words of every script (issue 14) -------------------------------------------


@READERS
@pytest.mark.parametrize("raw", ["١٢", "۱۲", " ١٢ "])
def test_days_in_arabic_indic_or_persian_digits_are_numbers(read, raw):
    assert read("D1", raw) == 12


@READERS
@pytest.mark.parametrize("raw", ["١٥٠٠", "۱۵۰۰", "١٬٥٠٠", "١٥٠٠٫٠٠"])
def test_amounts_in_arabic_indic_or_persian_digits_are_numbers(read, raw):
    assert read("E12", raw) == 1500
