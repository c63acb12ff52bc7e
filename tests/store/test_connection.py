"""The connection as the app opens it."""

import pytest


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
