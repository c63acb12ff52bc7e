"""Sealed values: what goes in comes out, nothing that tells a time to the second goes in, and
a value altered or sealed under another key does not open."""

import dataclasses
import datetime as dt

import pytest
from cryptography.fernet import Fernet

from store.sealing import InvalidToken, Vault, as_json, from_json


@pytest.fixture
def vault():
    return Vault(Fernet.generate_key())


def test_data_comes_back_as_it_was_sealed(vault):
    data = {"answers": {"municipality": "Ishøj", "D10": 12, "E12": 1234.5, "substances": ["D10", "D13"],
                        "other_support": None, "agreed": True}, "first_contact_day": "2026-12-06", "note": "ﺳﻼﻡ"}
    assert vault.open(vault.seal(data)) == data


def test_a_tuple_comes_back_as_a_list(vault):
    assert vault.open(vault.seal({"reasons": ("not_served", "other_support")})) == {"reasons": ["not_served", "other_support"]}


def test_the_json_compared_before_a_write_is_the_json_sealed(vault):
    """An owner that writes only a changed value compares `as_json` with `open_json`."""
    data = {"answers": {"municipality": "Vallensbæk"}}
    assert vault.open_json(vault.seal(data)) == as_json(data) == '{"answers":{"municipality":"Vallensbæk"}}'.encode()


def test_json_written_by_earlier_versions_still_reads():
    """With \\u escapes (Python's `json`), and sealed as a Fernet token (before v2)."""
    written, key = b'{"answers": {"municipality": "Ish\\u00f8j"}, "n": 1.5}', Fernet.generate_key()
    assert from_json(written) == {"answers": {"municipality": "Ishøj"}, "n": 1.5}
    assert Vault(key).open(Fernet(key).encrypt(written).decode()) == {"answers": {"municipality": "Ishøj"}, "n": 1.5}


@dataclasses.dataclass
class Stamp:
    day: str


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 12, 6, 13, 1, 2, tzinfo=dt.UTC),  # a time to the second: DESIGN.md allows days only
    dt.datetime(2026, 12, 6, 13, 1, 2),
    dt.time(13, 1, 2),
    dt.date(2026, 12, 6),  # a day is stored as its text (store.times.day), never as an object
    Stamp("2026-12-06"),
    {"D10", "D13"},
    b"bytes",
])
def test_what_json_cannot_say_is_refused_not_written_in_some_other_form(vault, value):
    with pytest.raises(TypeError):
        as_json({"value": value})
    with pytest.raises(TypeError):
        vault.seal({"value": value})


def test_an_altered_value_does_not_open(vault):
    sealed = vault.seal({"answers": {}})
    altered = sealed[:10] + ("A" if sealed[10] != "A" else "B") + sealed[11:]
    with pytest.raises(InvalidToken):
        vault.open(altered)


def test_a_value_sealed_under_another_key_does_not_open(vault):
    with pytest.raises(InvalidToken):
        vault.open(Vault(Fernet.generate_key()).seal({"answers": {}}))
