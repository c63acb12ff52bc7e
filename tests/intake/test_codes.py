"""The pseudonymous code: generation, grouping, normalisation and its keyed digest."""

import re

import pytest

from intake import codes


def test_new_code_is_16_crockford_characters():
    code = codes.new_code()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{16}", code)


def test_codes_do_not_repeat():
    assert len({codes.new_code() for _ in range(2000)}) == 2000


def test_grouped_for_reading_aloud():
    assert codes.grouped("K7QFM2XD9TRAB3HN") == "K7QF-M2XD-9TRA-B3HN"


@pytest.mark.parametrize(
    "typed",
    ["K7QF-M2XD-9TRA-B3HN", "k7qf m2xd 9tra b3hn", " K7QFM2XD9TRAB3HN ", "k7qf-m2xd-9tra-b3hn"],
)
def test_normalise_ignores_case_dashes_and_spaces(typed):
    assert codes.normalise(typed) == "K7QFM2XD9TRAB3HN"


def test_normalise_reads_confusable_letters_as_digits():
    assert codes.normalise("OOII-LLOO-1100-ABCD") == "0011-1100-1100-ABCD".replace("-", "")


@pytest.mark.parametrize("typed", ["", "K7QF-M2XD-9TRA", "K7QF-M2XD-9TRA-B3HNX", "K7QF-M2XD-9TRA-B3HU", "K7QF-M2XD-9TRA-B3H!"])
def test_malformed_codes_are_refused(typed):
    with pytest.raises(codes.MalformedCode):
        codes.normalise(typed)


def test_digest_is_keyed_and_ignores_formatting():
    key, other_key = b"k" * 32, b"x" * 32
    digest = codes.code_digest("K7QF-M2XD-9TRA-B3HN", key)
    assert digest == codes.code_digest("k7qfm2xd9trab3hn", key)
    assert digest != codes.code_digest("K7QF-M2XD-9TRA-B3HN", other_key)
    assert "K7QF" not in digest and len(digest) == 64


def test_last_four():
    assert codes.last_four_match("K7QFM2XD9TRAB3HN", "b3hn")
    assert codes.last_four_match("K7QFM2XD9TRAB3H0", "b3ho")
    assert not codes.last_four_match("K7QFM2XD9TRAB3HN", "9TRA")
    assert not codes.last_four_match("K7QFM2XD9TRAB3HN", "")
