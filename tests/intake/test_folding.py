"""Typed text in every script meets the words it means (intake/folding.py)."""

import pytest

from common.digits import plain_digits
from intake.folding import folded_words, plain


@pytest.mark.parametrize(("typed", "digits"), [("١٢", "12"), ("۱۲", "12"), ("१२", "12"), ("12", "12"), ("١٬٥٠٠٫٥٠", "1.500,50")])
def test_digits_of_every_script_are_read_as_0_to_9(typed, digits):
    assert plain_digits(typed) == digits


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("حامِلَة", "حامله"),  # harakat dropped; teh marbuta typed as heh
        ("حـــامل", "حامل"),  # tatweel
        ("ی", "ي"), ("ى", "ي"), ("ک", "ك"),  # Persian/Urdu keyboards
        ("\u200fنعم\u200e", "نعم"),  # direction marks
        ("EVET", "evet"),
    ],
)
def test_plain_evens_out_what_keyboards_vary(one, other):
    assert plain(one) == plain(other)


def test_plain_keeps_accents_that_change_a_word():
    assert plain("Hayır") != plain("hayir")
    assert plain("nå") != plain("na")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("børn", "boern"), ("børn", "born"),
        ("أطفال", "اطفال"), ("إبني", "ابني"), ("آمن", "امن"),  # alef forms
        ("çocuğum", "cocugum"), ("İNTİHAR", "intihar"), ("ışık", "isik"),  # Turkish i's
        ("zabić", "zabic"), ("łóżko", "lozko"),  # Polish
        ("убити себе", "УБИТИ СЕБЕ"), ("її", "іі"),  # Cyrillic case and diaeresis
        ("ﻻ", "لا"),  # presentation forms
    ],
)
def test_folded_words_meet_however_they_were_typed(one, other):
    assert folded_words(one) == folded_words(other)


def test_zero_width_non_joiner_is_a_word_break():
    assert folded_words("می‌خواهم") == folded_words("می خواهم") == ["مي", "خواهم"]
