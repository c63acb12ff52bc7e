"""GET never writes: a visitor who only reads pages (a crawler, say) leaves no row anywhere."""

import pytest

from app.context import get_db

PUBLIC_PAGES = ("/", "/chat", "/code", "/healthz", "/result", "/code/new", "/book", "/status", "/status/delete",
                "/staff/login", "/staff/", "/provider/", "/admin/", "/?lang=en", "/chat?lang=en", "/no-such-page")


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        db = get_db()
        return {table: db[table].count for table in db.table_names()}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_hundred_anonymous_reads_add_no_row_and_set_no_cookie(app, client, path):
    client.get("/healthz")  # the hourly job's first run, which any request may start
    before = row_counts(app)
    for _ in range(100):
        response = client.get(path)
        assert response.headers.getlist("Set-Cookie") == [], path
    assert row_counts(app) == before


def test_reading_pages_in_a_session_writes_nothing_either(app, citizen):
    # Given a person who has answered once (a session exists)
    citizen.current_question()
    citizen.answer("age_band", "25_plus")
    with app.app_context():
        stored = list(get_db().query("select * from sessions"))
    # When they only read pages
    for path in ("/chat", "/", "/code", "/result"):
        for _ in range(20):
            assert citizen.client.get(path).headers.getlist("Set-Cookie") == [], path
    # Then their stored session is untouched
    with app.app_context():
        assert list(get_db().query("select * from sessions")) == stored
