"""Web tests: the real app factory (tests/conftest.py), driven by Flask's client."""

import datetime as dt

import pytest

from common.clock import UTC, FixedClock

from citizen_client import Citizen

#: Monday 2 March 2026, 09:15 in Copenhagen: Hvidovre's first free time is 10:00 that day.
MONDAY_MORNING = dt.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def citizen(client):
    return Citizen(client)


@pytest.fixture
def clock():
    """A clock a test moves on (e.g. to the start of a booked conversation); for modules whose
    `app` fixture runs on it."""
    return FixedClock(MONDAY_MORNING)
