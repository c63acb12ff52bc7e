"""`flask rotate-keys` (issue 11 item 11): every sealed value re-sealed under a new data key,
no row lost, the old key gone once the re-seal is done, and an interrupted rotation finished
by running it again."""

import datetime as dt
import sqlite3
from pathlib import Path

import pyotp
import pytest
from file_reading import SEALED, sealed_values

from accounts import accounts
from app.context import code_key, get_db, vault
from app.keys import begin_rotation, load_key
from app.maintenance import reseal_everything
from intake.cases import find_case_id, load_case
from store.sealing import InvalidToken, Vault

from builders import FITTING_ANSWERS
from citizen_client import Citizen


def row_counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"select count(*) from {table}").fetchone()[0] for table, _ in SEALED}
    finally:
        conn.close()


def opens(key: str, token: str) -> bool:
    try:
        Vault(key).open(token)
    except InvalidToken:
        return False
    return True


@pytest.fixture
def served(app):
    """A person with a case and a session partway through a new chat, and a staff account with
    two-step sign-in: one value in each sealed column."""
    person = Citizen(app.test_client())
    person.finish_screening()
    code = person.get_code()
    waiting = Citizen(app.test_client())
    waiting.get("/chat")
    waiting.answer("age_band", "25_plus")
    secret = pyotp.random_base32()
    with app.app_context():
        accounts.create_account(get_db(), app.extensions["indgang.passwords"], "anna", "admin", "correct horse battery",
                                provider_ids=(), now=dt.datetime.now(dt.UTC))
        accounts.enable_totp(get_db(), "anna", secret, pyotp.TOTP(secret).now(), now=dt.datetime.now(dt.UTC), vault=vault())
    return code, waiting, pyotp.TOTP(secret)


def still_all_there(make_app, code, waiting, totp):
    """A restarted app opens the case with its code, the waiting chat goes on, and the two-step
    secret is the one the phone has."""
    app = make_app()
    with app.app_context():
        case_id = find_case_id(get_db(), code_key(), code)
        assert load_case(get_db(), vault(), case_id).answers == FITTING_ANSWERS
        stored = next(get_db().query("select totp_secret from accounts where username = 'anna'"))["totp_secret"]
        assert vault().open(stored) == totp.secret
    waiting.client.application = app
    assert waiting.current_question() == "municipality"


def test_rotating_reseals_everything_under_a_new_key_and_loses_nothing(app, make_app, served):
    database, instance = app.config["DATABASE"], Path(app.instance_path)
    old_key, counts = load_key("data", instance), row_counts(database)
    # When the data key is rotated
    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    # Then a new key is in place, for its owner only, and the old one is gone
    new_key = load_key("data", instance)
    assert new_key != old_key and not (instance / "data.key.new").exists()
    assert (instance / "data.key").stat().st_mode & 0o777 == 0o600
    # And every sealed value opens with the new key only, with no row lost
    values = sealed_values(database)
    assert len(values) >= 3 and row_counts(database) == counts
    assert all(opens(new_key, value) and not opens(old_key, value) for value in values)
    still_all_there(make_app, *served)


def test_an_interrupted_rotation_is_finished_by_running_it_again(app, make_app, served):
    # Given a rotation that re-sealed everything, then stopped before the new key took the old one's place
    instance = Path(app.instance_path)
    old_key = load_key("data", instance)
    new_key = begin_rotation("data", instance)
    with app.app_context():
        reseal_everything(get_db(), Vault(old_key), Vault(new_key))
    # Then the app still opens everything, and running the rotation again finishes it
    still_all_there(make_app, *served)
    assert make_app().test_cli_runner().invoke(args=["rotate-keys"]).exit_code == 0
    final_key = load_key("data", instance)
    assert all(opens(final_key, value) for value in sealed_values(app.config["DATABASE"]))
    still_all_there(make_app, *served)


def test_a_key_from_the_environment_is_not_rotated_here(app, monkeypatch):
    monkeypatch.setenv("INDGANG_DATA_KEY", load_key("data", app.instance_path))
    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code != 0 and "INDGANG_DATA_KEY" in result.output
