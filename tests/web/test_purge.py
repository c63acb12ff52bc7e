"""Deletion on schedule from the app: `flask purge`, and at most once an hour by itself."""

import datetime as dt

from app.context import get_db
from app.maintenance import purge_if_due
from app.sessions import now_utc


def test_flask_purge_deletes_expired_sessions(app, citizen):
    citizen.get("/chat")
    with app.app_context():
        get_db().execute("update sessions set expires_at = '2000-01-01T00:00:00+00:00'")
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "sessions: 1" in result.output
    with app.app_context():
        assert get_db()["sessions"].count == 0
    assert citizen.current_question() == "age_band"  # the abandoned chat is gone


def test_purge_runs_at_most_once_an_hour(app):
    now = now_utc()
    with app.app_context():
        db = get_db()
        assert purge_if_due(db, now)
        assert not purge_if_due(db, now + dt.timedelta(minutes=59))
        assert purge_if_due(db, now + dt.timedelta(minutes=61))


def test_a_request_triggers_the_hourly_purge(app, client):
    with app.app_context():
        get_db().execute("update maintenance set last_run = '2000-01-01T00:00:00+00:00'")
    client.get("/")
    with app.app_context():
        [row] = get_db().query("select last_run from maintenance")
    assert row["last_run"] > "2020"
