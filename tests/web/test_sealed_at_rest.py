"""A copy of the database file tells no time finer than DESIGN.md allows: sealed values carry no
creation time, and values sealed by the first version are re-sealed at start-up."""

import base64
import datetime as dt

import pytest
from cryptography.fernet import Fernet
from file_reading import sealed_values

from app.context import get_db
from app.keys import load_key
from store.sealing import InvalidToken, Vault


def fernet_time(token: str) -> dt.datetime | None:
    """The creation time a Fernet token shows anybody, key or not (bytes 1–8, big-endian seconds)."""
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except ValueError:
        return None
    if len(raw) < 9 or raw[0] != 0x80:
        return None
    return dt.datetime.fromtimestamp(int.from_bytes(raw[1:9], "big"), dt.UTC)


def test_no_sealed_value_tells_when_it_was_written(app, citizen):
    # Given a person with a case and a session
    citizen.finish_screening()
    citizen.get_code()
    # Then no sealed value in the file carries a readable time
    values = sealed_values(app.config["DATABASE"])
    assert len(values) >= 2
    assert [value[:12] for value in values if fernet_time(value) is not None] == []


def test_values_sealed_by_the_first_version_are_resealed_at_start(make_app):
    # Given a database whose answers and sessions were sealed as Fernet tokens (with their second)
    app = make_app()
    legacy = Fernet(load_key("data", app.instance_path))
    with app.app_context():
        db = get_db()
        db.execute("insert into cases (id, code_digest, referral_number, first_contact_day, created_via, outcome, screening)"
                   " values ('c1', 'd1', 'R-OLD1', '2026-03-02', 'web', 'fits', ?)",
                   [legacy.encrypt(b'{"answers":{"age_band":"25_plus"},"assessment":{}}').decode()])
        db.execute("insert into sessions values ('s1', ?, '2999-01-01T00:00:00Z')", [legacy.encrypt(b'{"language":"en"}').decode()])
    assert len([v for v in sealed_values(app.config["DATABASE"]) if fernet_time(v)]) == 2
    # When the app starts again
    again = make_app()
    # Then nothing tells a time any more, and everything still opens
    values = sealed_values(again.config["DATABASE"])
    assert [v for v in values if fernet_time(v)] == []
    vault = again.extensions["indgang.vault"]
    assert sorted(str(vault.open(v)) for v in values) == sorted(
        [str({"answers": {"age_band": "25_plus"}, "assessment": {}}), str({"language": "en"})])


def test_an_altered_sealed_value_does_not_open():
    vault = Vault(Fernet.generate_key())
    token = vault.seal({"a": 1})
    altered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(InvalidToken):
        vault.open(altered)
