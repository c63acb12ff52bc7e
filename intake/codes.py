"""The citizen's pseudonymous code, and the keyed hash that is stored in its place.

A code is four groups of five Crockford base-32 characters, `K7QFH-M2XD3-9TRAV-B3HN1`: in each
group four characters are random (from `secrets`, 16 × 5 = 80 bits in all) and the fifth is a
check character. It is shown as two rows of two groups, and read aloud group by group.

**The check.** The 32 Crockford characters are read as the elements of the field GF(32) (their
index, as a polynomial over GF(2), modulo x⁵ + x² + 1). The five characters v₀…v₄ of group g
(1 to 4) satisfy

    v₀ + α·v₁ + α²·v₂ + α³·v₃ + α⁴·v₄ = g        (α = x, the field's generator)

A single wrong character vᵢ → vᵢ + e changes the sum by αⁱ·e, which is never 0; two swapped
neighbours change it by αⁱ·(1 + α)·(vᵢ + vᵢ₊₁), never 0 unless they are equal; so each is caught,
and the group that fails is the group to look at. A swap across two groups is a single wrong
character in each. Since the right side is the group's number, two groups written in the wrong
order are caught as well. (The same construction as Damm's and Reed–Solomon's check symbols.)

Codes made before the check (16 characters in groups of four) have none, and still open their
case: `normalise` accepts both lengths, and the digest is over the characters as typed.

Only an HMAC-SHA256 of the normalised code, under a key kept outside the database, is stored,
so a copy of the database cannot be turned back into codes.
"""

import hashlib
import hmac
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 4
RANDOM_PER_GROUP = 4
GROUP = RANDOM_PER_GROUP + 1
CODE_LENGTH = GROUPS * GROUP
#: Codes from before the check characters: 16 random characters in groups of four.
OLD_CODE_LENGTH = 16
OLD_GROUP = 4
#: Crockford's decoding rules: letters people confuse with digits read as those digits.
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: x⁵ + x² + 1, a primitive polynomial: GF(32) and its generator α = x (= 2).
FIELD_POLYNOMIAL = 0b100101
FIELD_SIZE = 32
ALPHA = 2


class MalformedCode(ValueError):
    """The text cannot be a code (wrong length or characters); nothing was looked up."""


class MistypedCode(MalformedCode):
    """A check character does not fit: `groups` are the numbers (1 to 4) of the groups to check."""

    def __init__(self, text: str, groups: tuple[int, ...]):
        super().__init__(text)
        self.groups = groups


def new_code() -> str:
    """Four groups, each four random characters and its check character."""
    return "".join(_with_check(_random_characters(), number) for number in range(1, GROUPS + 1))


def groups(code: str) -> tuple[str, ...]:
    """The groups to show and read aloud: `("K7QFH", "M2XD3", "9TRAV", "B3HN1")`."""
    size = OLD_GROUP if len(code) == OLD_CODE_LENGTH else GROUP
    return tuple(code[i : i + size] for i in range(0, len(code), size))


def grouped(code: str) -> str:
    """The code as written down: `K7QFH-M2XD3-9TRAV-B3HN1`."""
    return "-".join(groups(code))


def normalise(text: str) -> str:
    """Ignore case, dashes and spaces; read O as 0 and I/L as 1. Raises `MistypedCode` naming
    the groups whose check character does not fit, `MalformedCode` for anything else."""
    code = "".join(text.split()).replace("-", "").upper().translate(CONFUSABLE)
    if len(code) not in (CODE_LENGTH, OLD_CODE_LENGTH) or any(char not in CROCKFORD for char in code):
        raise MalformedCode(text)
    if len(code) == CODE_LENGTH:
        wrong = tuple(number for number, group in enumerate(groups(code), start=1) if not _check_holds(group, number))
        if wrong:
            raise MistypedCode(text, wrong)
    return code


def differing_groups(code: str, typed: str) -> tuple[int, ...]:
    """The numbers of the groups where `typed` is not `code` (none: the person has it right).
    Raises as `normalise` does for text that cannot be a code."""
    typed_code = normalise(typed)
    if len(typed_code) != len(code):
        return tuple(range(1, len(groups(code)) + 1))
    pairs = zip(groups(code), groups(typed_code), strict=True)
    return tuple(number for number, (group, typed_group) in enumerate(pairs, start=1) if not hmac.compare_digest(group, typed_group))


def example() -> str:
    """A well-formed code to show in messages (never issued: its random part is fixed)."""
    return grouped("".join(_with_check(chars, number) for number, chars in enumerate(("K7QF", "M2XD", "9TRA", "B3HN"), start=1)))


def code_digest(code: str, key: bytes) -> str:
    """The keyed hash stored in place of the code."""
    return hmac.new(key, normalise(code).encode("ascii"), hashlib.sha256).hexdigest()


def _random_characters() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(RANDOM_PER_GROUP))


def _with_check(characters: str, number: int) -> str:
    """`characters` and the check character that makes the group's sum equal its number."""
    partial = _weighted_sum(characters) ^ number  # addition in GF(32) is xor
    check = _multiply(partial, _inverse(_power(ALPHA, RANDOM_PER_GROUP)))
    return characters + CROCKFORD[check]


def _check_holds(group: str, number: int) -> bool:
    return _weighted_sum(group) == number


def _weighted_sum(characters: str) -> int:
    total = 0
    for position, char in enumerate(characters):
        total ^= _multiply(_power(ALPHA, position), CROCKFORD.index(char))
    return total


def _multiply(a: int, b: int) -> int:
    """Multiplication in GF(32): carry-less, reduced by the field's polynomial."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & FIELD_SIZE:
            a ^= FIELD_POLYNOMIAL
    return product


def _power(a: int, exponent: int) -> int:
    result = 1
    for _ in range(exponent):
        result = _multiply(result, a)
    return result


def _inverse(a: int) -> int:
    return next(b for b in range(1, FIELD_SIZE) if _multiply(a, b) == 1)
