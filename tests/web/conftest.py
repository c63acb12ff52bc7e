"""Web tests: the real app factory on a temporary instance folder, driven by Flask's client."""

import pytest
from citizen_client import Citizen

from app import create_app


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("INDGANG_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("INDGANG_CONFIG", raising=False)
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def citizen(client):
    return Citizen(client)

