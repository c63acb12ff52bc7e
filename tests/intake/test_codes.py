"""The pseudonymous code: generation, check characters, grouping, normalisation and its keyed digest."""

import itertools
import math
import re

import pytest

from intake import codes

GROUP_PATTERN = r"[0-9A-HJKMNP-TV-Z]{5}"


def a_code() -> str:
    return codes.new_code()


def test_new_code_is_four_groups_of_five_with_80_random_bits():
    code = a_code()
    assert re.fullmatch(GROUP_PATTERN * 4, code)
    random_characters = codes.GROUPS * codes.RANDOM_PER_GROUP
    assert random_characters * math.log2(len(codes.CROCKFORD)) >= 80


def test_codes_do_not_repeat():
    assert len({codes.new_code() for _ in range(2000)}) == 2000


def test_a_new_code_passes_its_own_check():
    for _ in range(200):
        code = a_code()
        assert codes.normalise(code) == code


def test_grouped_for_reading_aloud():
    code = a_code()
    assert codes.groups(code) == (code[:5], code[5:10], code[10:15], code[15:])
    assert codes.grouped(code) == "-".join(codes.groups(code))
    assert codes.groups("K7QFM2XD9TRAB3HN") == ("K7QF", "M2XD", "9TRA", "B3HN")  # a code from before the check
    assert codes.normalise(codes.example()) == codes.example().replace("-", "")


def test_every_single_wrong_character_is_caught_and_its_group_named():
    code = a_code()
    for position, wrong in itertools.product(range(len(code)), codes.CROCKFORD):
        if code[position] == wrong:
            continue
        typed = code[:position] + wrong + code[position + 1 :]
        with pytest.raises(codes.MistypedCode) as caught:
            codes.normalise(typed)
        assert caught.value.groups == (position // 5 + 1,)


def test_every_swap_of_two_neighbours_is_caught():
    for _ in range(50):
        code = a_code()
        for position in range(len(code) - 1):
            if code[position] == code[position + 1]:
                continue
            typed = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
            with pytest.raises(codes.MistypedCode) as caught:
                codes.normalise(typed)
            assert set(caught.value.groups) == {position // 5 + 1, (position + 1) // 5 + 1}


def test_two_groups_in_the_wrong_order_are_caught():
    code = a_code()
    groups = codes.groups(code)
    with pytest.raises(codes.MistypedCode):
        codes.normalise(groups[1] + groups[0] + groups[2] + groups[3])


def test_normalise_ignores_case_dashes_and_spaces():
    code = a_code()
    for typed in (codes.grouped(code), " ".join(codes.groups(code)).lower(), f" {code} "):
        assert codes.normalise(typed) == code


def test_normalise_reads_confusable_letters_as_digits():
    assert codes.normalise("OOII-LLOO-1100-ABCD") == "0011-1100-1100-ABCD".replace("-", "")


@pytest.mark.parametrize("typed", ["K7QF-M2XD-9TRA-B3HN", "k7qf m2xd 9tra b3hn", " K7QFM2XD9TRAB3HN "])
def test_codes_from_before_the_check_still_work(typed):
    assert codes.normalise(typed) == "K7QFM2XD9TRAB3HN"


@pytest.mark.parametrize("typed", ["", "K7QF-M2XD-9TRA", "K7QF-M2XD-9TRA-B3HNX", "K7QF-M2XD-9TRA-B3HU", "K7QF-M2XD-9TRA-B3H!"])
def test_malformed_codes_are_refused(typed):
    with pytest.raises(codes.MalformedCode):
        codes.normalise(typed)


def test_digest_is_keyed_and_ignores_formatting():
    key, other_key = b"k" * 32, b"x" * 32
    code = a_code()
    digest = codes.code_digest(codes.grouped(code), key)
    assert digest == codes.code_digest(code.lower(), key)
    assert digest != codes.code_digest(code, other_key)
    assert code[:4] not in digest and len(digest) == 64


def test_differing_groups_names_where_the_typed_code_differs():
    code, other = a_code(), a_code()
    assert codes.differing_groups(code, code.lower()) == ()
    typed = code[:10] + other[10:15] + code[15:]
    assert codes.differing_groups(code, typed) == ((3,) if other[10:15] != code[10:15] else ())
