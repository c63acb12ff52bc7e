"""Encryption at rest for answers, session state and TOTP secrets.

A sealed value is `v2.` + base64url(nonce ‖ AES-256-GCM ciphertext and tag), under a key derived
(HKDF-SHA256) from the data key kept outside the database (`app.keys`). Unlike a Fernet token,
it carries no creation time in plain text: without the key, a copy of the database file tells
nothing about when a value was sealed (DESIGN.md: a citizen's times are days, not seconds).
Values sealed by earlier versions (Fernet) still open, and are re-sealed at start-up by the
owner of each sealed column (`needs_resealing`).
"""

import base64
import binascii
import os

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v2."
NONCE_BYTES = 12


class Vault:
    """Seals plain data (JSON-able) into a text token and opens it again; the key never leaves.

    `also_opens`: more keys whose values this vault opens (never seals with), while a key
    rotation is under way (`app.maintenance.rotate_data_key`).
    """

    def __init__(self, key: str | bytes, also_opens: tuple[str | bytes, ...] = ()):
        self._fernet = Fernet(key)  # opens values sealed before v2
        raw = base64.urlsafe_b64decode(key)
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"indgang sealing v2").derive(raw)
        self._aead = AESGCM(derived)
        self._others = tuple(Vault(other) for other in also_opens)

    def seal(self, data) -> str:
        return self.seal_json(as_json(data))

    def open(self, token: str):
        """The data sealed in `token`; raises `InvalidToken` when it was sealed with another key
        or altered."""
        return from_json(self.open_json(token))

    def seal_json(self, written: bytes) -> str:
        """Seal data already written as JSON (`as_json`)."""
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, written, None)).decode()

    def open_json(self, token: str) -> bytes:
        """The JSON (`as_json`) of the data sealed in `token`: an owner that writes a value
        only when it changed compares the JSON, without opening the stored value again."""
        try:
            return self._open_own(token)
        except InvalidToken:
            for other in self._others:
                try:
                    return other.open_json(token)
                except InvalidToken:
                    continue
            raise

    def _open_own(self, token: str) -> bytes:
        if not token.startswith(VERSION):
            return self._fernet.decrypt(token.encode())
        try:
            sealed = base64.urlsafe_b64decode(token[len(VERSION):].encode())
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], None)
        except (InvalidTag, binascii.Error, ValueError):
            raise InvalidToken from None


#: What orjson would write on its own where `json` refuses, refused here too (TypeError): a
#: datetime or time would put the second into a sealed value (DESIGN.md: a citizen's times are
#: days, stored as text by `store.times`), a dataclass whatever fields it has.
_ONLY_JSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def as_json(data) -> bytes:
    """Data (JSON-able) as a vault seals it: compact JSON in UTF-8. orjson, not `json`: every
    page opens the session and a POST writes it, and orjson reads a screening in a third of the
    time and writes it in a seventh. Bytes, as the cipher takes and gives them: as text, each
    value with a letter beyond ASCII (the municipality's name) was encoded and decoded again on
    every page. (JSON sealed by `json`, with \\u escapes, reads the same.)"""
    return orjson.dumps(data, option=_ONLY_JSON)


def from_json(written: bytes):
    """The data `as_json` wrote."""
    return orjson.loads(written)


def needs_resealing(token: str | None) -> bool:
    """Whether a stored value was sealed by an earlier version (and tells when it was sealed)."""
    return token is not None and not token.startswith(VERSION)


#: SQL condition for a column holding a value of an earlier version.
def to_reseal(column: str, old: Vault, new: Vault) -> str:
    """SQL condition for the values of `column` that an owner's `reseal(db, old, new)` re-seals:
    under a new key every value; with one vault (`old is new`, at start-up) only the values
    sealed by an earlier version."""
    if old is new:
        return f"{column} is not null and {column} not like '{VERSION}%'"
    return f"{column} is not null"


def seal_note(note: str | None, vault: Vault | None) -> str | None:
    """A staff member's free-text note about a person (a decline note, why a decision changed),
    sealed like the answers: it may say anything about them. None stays None."""
    if note is None:
        return None
    if vault is None:
        raise ValueError("a note is stored sealed: pass the vault")
    return vault.seal(note)


def reseal_notes(db, table: str, key: str, column: str, old: Vault, new: Vault) -> int:
    """Re-seal the notes in `table.column` (rows named by `key`), opened with `old` and sealed
    with `new`; for the table's owner to call. A note written before notes were sealed is plain
    text: it is sealed as it is."""
    rows = list(db.query(f"select {key}, {column} from {table} where {to_reseal(column, old, new)}"))
    for row in rows:
        note = row[column]
        db.execute(f"update {table} set {column} = ? where {key} = ?",
                   [new.seal(note if needs_resealing(note) else old.open(note)), row[key]])
    return len(rows)


__all__ = ["Vault", "InvalidToken", "as_json", "from_json", "needs_resealing", "reseal_notes", "seal_note", "to_reseal"]
