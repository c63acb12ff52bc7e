"""What a citizen's page costs beyond its own work (issue 13, "close to the floor"): the SQL
statements a request runs, counted on the app's own connection."""

import datetime as dt
import re

from flask import render_template_string

from app.context import get_db, settings
from booking import managed
from common.clock import UTC, FixedClock
from store.connection import open_database

from citizen_client import Citizen

NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
#: The table a statement reads or writes (the last one named, after any subquery's).
TABLE = re.compile(r"\b(?:from|into|update)\s+(\w+)")


def _verb_and_table(sql: str) -> str:
    return f"{sql.split()[0]} {TABLE.findall(sql)[-1]}"



def test_the_landing_page_runs_no_statement_once_the_hourly_job_is_not_due(make_app, statements):
    clock = FixedClock(NOW)
    client = make_app(clock=clock).test_client()
    client.get("/")  # the first request learns when the hourly job last ran (and runs it)
    statements.clear()
    clock.advance(minutes=59)
    assert client.get("/").status_code == 200
    assert statements == []


def test_the_hourly_job_still_runs_an_hour_later(make_app, statements):
    clock = FixedClock(NOW)
    client = make_app(clock=clock).test_client()
    client.get("/")
    clock.advance(minutes=61)
    statements.clear()
    client.get("/")
    assert any(sql.startswith("update maintenance") for sql in statements)


def test_reading_a_question_runs_only_the_session_read_which_also_reads_the_settings_version(make_app, statements):
    citizen = Citizen(make_app(clock=FixedClock(NOW)).test_client())
    question = citizen.current_question()
    citizen.answer(question, "25_plus")
    statements.clear()
    assert citizen.current_question() != question
    # /chat, then its redirect; the question's page shows the municipality's settings, so it
    # asks whether an admin changed them (one row: `booking.managed.version`), in the same
    # statement as the session
    assert [sql.rsplit(" from ", 1)[1].split()[0] for sql in statements] == ["sessions", "sessions"]
    assert all("from settings_version" in sql for sql in statements)


def test_settings_an_admin_changes_show_on_the_next_request_of_a_session_opened_before(make_app):
    """The version read with the session is the request's: a change made meanwhile (here on a
    connection of its own, as another worker would) shows on the session's next page."""
    app = make_app(clock=FixedClock(NOW))
    citizen = Citizen(app.test_client())
    citizen.finish_screening({"municipality": "other"})  # not served: the result shows the ordinary offer
    with app.app_context():
        phone = settings().ordinary_offer.phone
    assert phone in citizen.page
    elsewhere = open_database(app.config["DATABASE"])
    managed.change_values(elsewhere, {"ordinary_offer.phone": "11 22 33 44"})
    elsewhere.close()
    citizen.get("/result")
    assert "11 22 33 44" in citizen.page and phone not in citizen.page


def test_reading_a_question_that_lists_no_municipalities_runs_only_the_session_read(make_app, statements):
    citizen = Citizen(make_app(clock=FixedClock(NOW)).test_client())
    citizen.current_question()
    citizen.answer("age_band", "25_plus")
    citizen.answer("municipality", "Ishøj")
    statements.clear()
    assert citizen.current_question() == "other_support"
    assert [sql.rsplit(" from ", 1)[1].split()[0] for sql in statements] == ["sessions", "sessions"]


def test_answering_a_question_that_lists_no_municipalities_reads_no_settings(make_app, statements):
    """Only the municipality question and the last answer (whose assessment depends on the
    limit) need the settings; any other answer reads and writes the session alone."""
    citizen = Citizen(make_app(clock=FixedClock(NOW)).test_client())
    citizen.current_question()
    citizen.answer("age_band", "25_plus")
    citizen.answer("municipality", "Ishøj")
    citizen.current_question()
    statements.clear()
    citizen.answer("other_support", "0")
    assert [_verb_and_table(sql) for sql in statements] == ["select sessions", "update sessions"]


def test_posting_an_answer_that_changes_nothing_writes_nothing(make_app, statements):
    citizen = Citizen(make_app(clock=FixedClock(NOW)).test_client())
    question = citizen.current_question()
    for _ in range(2):  # the second time, the answer and the place in the chat are as stored
        citizen.answer(question, "25_plus")
        citizen.current_question()
        citizen.back()
        statements.clear()
    citizen.answer(question, "25_plus")
    assert not any(sql.startswith(("insert", "update", "delete")) for sql in statements)


def test_posting_a_changed_answer_writes_the_session(make_app, statements):
    citizen = Citizen(make_app(clock=FixedClock(NOW)).test_client())
    question = citizen.current_question()
    citizen.answer(question, "25_plus")
    citizen.current_question()
    citizen.back()
    statements.clear()
    citizen.answer(question, "18_24")
    assert any(sql.startswith("update sessions") for sql in statements)


def _stored_expiry(app) -> str:
    with app.app_context():
        return get_db().execute("select expires_at from sessions").fetchone()[0]


def test_an_answer_within_the_session_s_hour_writes_its_data_and_keeps_its_expiry(make_app, statements):
    """Setting `expires_at`, even to the value it has, rewrites its index entry too (a third of
    the write): within the hour an answer writes the data alone; an hour on, the expiry moves on."""
    clock = FixedClock(NOW)
    app = make_app(clock=clock)
    citizen = Citizen(app.test_client())
    question = citizen.current_question()
    citizen.answer(question, "25_plus")
    expiry = _stored_expiry(app)
    statements.clear()
    citizen.answer(question, "18_24")
    writes = [sql for sql in statements if sql.startswith("update sessions")]
    assert len(writes) == 1 and "expires_at =" not in writes[0]
    assert _stored_expiry(app) == expiry
    clock.advance(hours=1)
    statements.clear()
    citizen.answer(question, "25_plus")
    assert any(sql.startswith("update sessions") and "expires_at =" in sql for sql in statements)
    assert _stored_expiry(app) > expiry


def test_a_template_reads_the_settings_of_its_request_when_it_first_uses_them(app, statements):
    """The `settings` global is the request's settings (attributes and methods alike), read
    from the database only when a template first asks."""
    with app.test_request_context("/"):
        assert render_template_string("{{ 1 }}") == "1" and statements == []
        config = settings()
        provider = config.providers[0]
        shown = render_template_string("{{ settings.burden_limit }}|{{ settings.provider(id).name }}", id=provider.id)
        assert shown == f"{config.burden_limit}|{provider.name}"


def test_the_status_page_reads_the_case_booking_decision_and_course_in_one_statement(make_app, statements):
    """They must agree with each other (a decision recorded meanwhile shows whole, not half):
    one SELECT reads from one snapshot, where the case, BEGIN, three reads and COMMIT were six
    statements."""
    citizen = Citizen(make_app(clock=FixedClock(NOW)).test_client())
    citizen.finish_screening()
    citizen.get_code()
    citizen.book_first_time()
    statements.clear()
    assert citizen.get("/status").status_code == 200
    assert 'class="state state-pending"' in citizen.page  # the booking, read in that statement
    assert len(statements) == 2, statements  # the session with the settings' version, and the case with the three
    together = statements[-1]
    assert all(f"from {table} " in together for table in ("cases", "bookings", "decisions", "courses", "course_sessions"))
