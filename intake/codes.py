"""The citizen's pseudonymous code: 16 Crockford base-32 characters (80 bits) from `secrets`.

Only an HMAC-SHA256 of the normalised code, under a key kept outside the database, is stored,
so a copy of the database cannot be turned back into codes.
"""

import hashlib
import hmac
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
GROUP = 4
#: Crockford's decoding rules: letters people confuse with digits read as those digits.
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


class MalformedCode(ValueError):
    """The text cannot be a code (wrong length or characters); nothing was looked up."""


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """`K7QF-M2XD-9TRA-B3HN`: easy to read aloud and to write down."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str:
    """Ignore case, dashes and spaces; read O as 0 and I/L as 1."""
    code = "".join(text.split()).replace("-", "").upper().translate(CONFUSABLE)
    if len(code) != CODE_LENGTH or any(char not in CROCKFORD for char in code):
        raise MalformedCode(text)
    return code


def code_digest(code: str, key: bytes) -> str:
    """The keyed hash stored in place of the code."""
    return hmac.new(key, normalise(code).encode("ascii"), hashlib.sha256).hexdigest()


def last_four_match(code: str, typed: str) -> bool:
    """Whether the person typed back the last four characters of their code."""
    typed = "".join(typed.split()).replace("-", "").upper().translate(CONFUSABLE)
    return hmac.compare_digest(typed, code[-GROUP:])
