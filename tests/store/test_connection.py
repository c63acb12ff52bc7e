"""The connection as the app opens it."""

import pytest
import sqlite_utils


def test_a_read_is_one_statement(db):
    seen = []
    db.conn.set_trace_callback(seen.append)
    assert list(db.query("select count(*) as n from cases")) == [{"n": 0}]
    assert seen == ["select count(*) as n from cases"]


def test_a_query_that_is_not_a_read_is_still_refused(db):
    with pytest.raises(ValueError):
        db.query("delete from cases")
    with pytest.raises(ValueError):
        db.query("with gone as (select 1) delete from cases")


def test_a_read_gives_dicts_keyed_as_sqlite_utils_keys_them(db):
    """Rows as dicts, a repeated column name numbered as sqlite-utils numbers it; no rows, none."""
    assert list(db.query("select 1 as a, 2 as b, 3 as a union all select 4, 5, 6")) == [
        {"a": 1, "b": 2, "a_2": 3}, {"a": 4, "b": 5, "a_2": 6}]
    assert list(db.query("select 1 as a where 0")) == []
    assert list(db.query("select 1 as a, 2 as b, 3 as a")) == list(sqlite_utils.Database(db.conn).query(
        "select 1 as a, 2 as b, 3 as a"))
