"""Fixtures shared by every kind of test."""

import pytest
from served import serve


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One gunicorn-served app for the session (see tests/served.py)."""
    yield from serve(tmp_path_factory)
