"""Plain builders for the account tests: a vault, a start time, and cheap argon2 that counts its checks."""

import datetime as dt

from accounts.accounts import Passwords

PASSWORD = "correct horse battery"
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


class CountingPasswords(Passwords):
    """Cheap argon2 that counts how often a hash is checked (timing parity)."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, password_hash, password):
        self.verified += 1
        return super().verify(password_hash, password)
