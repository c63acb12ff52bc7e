"""Booking tests run on a migrated temporary database file."""

import pytest

from builders import fresh_database


@pytest.fixture
def db(tmp_path):
    database = fresh_database(tmp_path / "indgang.db")
    yield database
    database.close()
