"""Fixtures for the intake domain's tests."""

import pytest

from intake import catalogue as catalogue_module


@pytest.fixture
def walks(monkeypatch) -> list:
    """The catalogue's walks through a person's answers, one entry each as it is made; the
    thread's last walk is forgotten first, so the test starts from none."""
    made = []

    class CountedWalk(catalogue_module.Walk):
        def __init__(self, *args):
            made.append(1)
            super().__init__(*args)

    monkeypatch.setattr(catalogue_module, "Walk", CountedWalk)
    catalogue_module.forget_last_answers()
    return made
