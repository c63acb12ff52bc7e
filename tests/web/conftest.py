"""Web tests: the real app factory (tests/conftest.py), driven by Flask's client."""

import pytest

from citizen_client import Citizen


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def citizen(client):
    return Citizen(client)
