"""Encryption at rest for answers, session state and TOTP secrets (Fernet: AES-128-CBC with
HMAC-SHA256). The key lives outside the database (`app.keys`), so a copy of the file alone
reveals nothing sealed."""

import json

from cryptography.fernet import Fernet, InvalidToken


class Vault:
    """Seals plain data (JSON-able) into a token and opens it again; the key never leaves."""

    def __init__(self, key: str | bytes):
        self._fernet = Fernet(key)

    def seal(self, data) -> str:
        return self._fernet.encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()

    def open(self, token: str):
        """The data sealed in `token`; raises `InvalidToken` when it was sealed with another key."""
        return json.loads(self._fernet.decrypt(token.encode()))


__all__ = ["Vault", "InvalidToken"]
