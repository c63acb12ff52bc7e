"""The hourly job from the app: `flask purge`, and at most once an hour by itself; abandoned
sessions are deleted by the web layer that owns them."""

import datetime as dt

from app.context import get_db
from app.sessions import delete_expired
from common.clock import UTC
from retention.jobs import claim_if_due
from store.times import stamp

NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=UTC)


def test_flask_purge_deletes_expired_sessions(app, citizen):
    citizen.current_question()
    citizen.answer("age_band", "25_plus")
    with app.app_context():
        get_db().execute("update sessions set expires_at = '2000-01-01T00:00:00Z'")
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "sessions: 1" in result.output
    with app.app_context():
        assert get_db()["sessions"].count == 0
    assert citizen.current_question() == "age_band"  # the abandoned chat is gone


def test_sessions_go_when_expired_or_when_they_would_outlive_the_chat_hours(app):
    with app.app_context():
        db = get_db()
        for name, expires in {"expired": NOW, "live": NOW + dt.timedelta(hours=47),
                              "too_long": NOW + dt.timedelta(hours=49)}.items():
            db.execute("insert into sessions values (?, 'sealed', ?)", [name, stamp(expires)])
        assert delete_expired(db, NOW, dt.timedelta(hours=48)) == 2
        assert [row["id_digest"] for row in db.query("select id_digest from sessions")] == ["live"]


def test_the_hourly_job_is_claimed_at_most_once_an_hour(app):
    with app.app_context():
        db = get_db()
        assert claim_if_due(db, NOW)
        assert not claim_if_due(db, NOW + dt.timedelta(minutes=59))
        assert claim_if_due(db, NOW + dt.timedelta(minutes=61))


def test_a_request_triggers_the_hourly_job(app, client):
    with app.app_context():
        get_db().execute("update maintenance set last_run = '2000-01-01T00:00:00Z'")
    client.get("/")
    with app.app_context():
        [row] = get_db().query("select last_run from maintenance")
    assert row["last_run"] > "2020"
