"""The account tests' cheap, counting argon2 (tests/builders_accounts.py)."""

import pytest

from builders_accounts import CountingPasswords


@pytest.fixture
def passwords():
    return CountingPasswords()
