"""The one transaction helper (BEGIN IMMEDIATE outside, SAVEPOINT inside), and reads as one view."""

import threading

import pytest

from store.connection import open_database
from store.transaction import Part, one_value, read_together, row_from, snapshot, transaction


@pytest.fixture
def table(db):
    db.execute("create table t (n integer)")
    return db


def numbers(db) -> list[int]:
    return [row["n"] for row in db.query("select n from t order by n")]


def test_the_outermost_level_commits(table):
    with transaction(table):
        table.execute("insert into t values (1)")
    assert not table.conn.in_transaction
    assert numbers(table) == [1]


def test_an_error_rolls_the_whole_transaction_back(table):
    with pytest.raises(ZeroDivisionError), transaction(table):
        table.execute("insert into t values (1)")
        _ = 1 / 0
    assert numbers(table) == []


def test_an_inner_transaction_is_a_savepoint_that_rolls_back_alone(table):
    with transaction(table):
        table.execute("insert into t values (1)")
        with pytest.raises(ValueError), transaction(table):
            table.execute("insert into t values (2)")
            raise ValueError
        with transaction(table):
            table.execute("insert into t values (3)")
    assert numbers(table) == [1, 3]


def test_an_error_escaping_the_inner_level_rolls_back_the_outer_too(table):
    with pytest.raises(ValueError), transaction(table), transaction(table):
        table.execute("insert into t values (1)")
        raise ValueError
    assert numbers(table) == []
    assert not table.conn.in_transaction


def test_the_write_lock_is_taken_at_the_start(table):
    # Given a connection in another thread inside a transaction that has only read so far
    path = table.execute("pragma database_list").fetchone()[2]
    entered, release = threading.Event(), threading.Event()

    def hold():
        holder_db = open_database(path)
        with transaction(holder_db):
            list(holder_db.query("select 1"))
            entered.set()
            release.wait(5)
        holder_db.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(5)
    # Then a second writer cannot begin until it ends
    table.execute("pragma busy_timeout = 50")
    try:
        with pytest.raises(Exception, match="locked"):
            table.execute("BEGIN IMMEDIATE")
    finally:
        release.set()
        holder.join()


def test_reads_in_a_snapshot_do_not_see_a_commit_made_meanwhile_nor_block_it(table):
    path = table.execute("pragma database_list").fetchone()[2]
    other = open_database(path)
    with snapshot(table):
        assert numbers(table) == []
        with transaction(other):  # another connection writes between two reads, at once
            other.execute("insert into t values (1)")
        assert numbers(table) == []
    assert not table.conn.in_transaction
    assert numbers(table) == [1]
    other.close()


def test_a_snapshot_inside_a_transaction_is_that_transaction(table):
    with transaction(table):
        table.execute("insert into t values (1)")
        with snapshot(table):
            assert numbers(table) == [1]
        assert table.conn.in_transaction
    assert numbers(table) == [1]


def test_read_together_gives_each_part_its_own_value_in_order(db):
    db.execute("create table things (id integer primary key, name text, weight real, note text)")
    db.execute("insert into things values (1, 'æble', 0.25, null), (2, 'pære', 2.0, 'x')")
    columns = ("id", "name", "weight", "note")

    def thing(thing_id: int) -> Part:
        return Part(f"select {one_value(columns)} from things where id = ?", (thing_id,),
                    lambda written: row_from(columns, written))

    first, missing, second = read_together(db, thing(1), thing(3), thing(2))
    assert first == {"id": 1, "name": "æble", "weight": 0.25, "note": None}  # JSON keeps each type
    assert missing is None and second["name"] == "pære" and second["weight"] == 2.0


def test_read_together_runs_one_statement(db):
    seen = []
    db.conn.set_trace_callback(seen.append)
    assert read_together(db, Part("select 1", (), int), Part("select ?", ("a",), str)) == [1, "a"]
    assert seen == ["select (select 1), (select 'a')"]
