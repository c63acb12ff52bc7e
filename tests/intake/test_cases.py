"""Cases: the referral number staff and providers use."""

import re

from intake import cases

REFERRAL = re.compile(r"R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def test_a_referral_number_is_eight_crockford_characters_in_two_groups():
    assert all(REFERRAL.fullmatch(cases.new_referral_number()) for _ in range(500))


def test_referral_numbers_do_not_repeat_over_years_of_cases():
    # Deleted cases free their numbers, so a number must not come back for another person: among
    # 20,000 numbers (decades of a municipality's cases) none repeats.
    assert len({cases.new_referral_number() for _ in range(20_000)}) == 20_000
