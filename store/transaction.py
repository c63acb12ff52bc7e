"""One re-entrant transaction helper for every check-then-write, and one for a page's reads.

The outermost `transaction(db)` takes the write lock at once (`BEGIN IMMEDIATE`), so a check and
its write can never interleave with another writer's. Inside an open transaction it becomes a
`SAVEPOINT`, so a domain function that needs a transaction can be called from one that already
has it: an error inside rolls back just that part and is raised on; the outermost level commits.

`snapshot(db)` makes several reads one view of the database (a deferred transaction, which in
WAL mode never blocks a writer): what another connection commits meanwhile is not seen in part.
`read_together(db, *parts)` does the same for reads that each give one value, in one statement.
"""

import secrets
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from typing import Any, NamedTuple

import orjson
import sqlite_utils


@contextmanager
def transaction(db: sqlite_utils.Database):
    if not db.conn.in_transaction:
        yield from _outermost(db)
    else:
        yield from _savepoint(db)


def _outermost(db):
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _savepoint(db):
    name = f"sp_{secrets.token_hex(4)}"
    db.execute(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        db.execute(f"ROLLBACK TO {name}")
        db.execute(f"RELEASE {name}")
        raise
    db.execute(f"RELEASE {name}")


@contextmanager
def snapshot(db: sqlite_utils.Database):
    """Reads that must agree with each other (a page that shows what several tables say of one
    case); inside an open transaction they already do. Only for reads: a write inside would
    have to take the write lock after reading, which `transaction` exists to avoid."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:  # an error may have ended it already
            db.execute("COMMIT")


class Part(NamedTuple):
    """One owner's share of `read_together`: a SELECT giving one value (its row as a JSON
    array, say; None when there is no row), the SELECT's parameters, and how the owner turns the
    value into its object."""

    sql: str
    params: tuple
    parse: Callable[[Any], Any]


def read_together(db: sqlite_utils.Database, *parts: Part) -> list:
    """Each part's object, read by one SELECT with the parts as its columns. SQLite runs a
    statement on one snapshot, so the parts agree as they would inside `snapshot`: in one
    statement instead of BEGIN, a read each and COMMIT. Served under load, a statement costs
    far more than its instructions in-process (README, "Stop 26"); a scalar subquery inside one
    costs SQLite about 2.5 µs."""
    row = db.conn.execute(together(*(part.sql for part in parts)), [value for part in parts for value in part.params]).fetchone()
    return [part.parse(value) for part, value in zip(parts, row)]


@cache
def together(*selects: str) -> str:
    """One SELECT with each of `selects` (each giving one value) as a column. Kept per
    combination (the code's own: a handful), so the text is the same object each time, under
    which the sqlite3 module keeps the statement prepared."""
    return "select " + ", ".join(f"({select})" for select in selects)


def one_value(columns: tuple[str, ...]) -> str:
    """SQL for a row's `columns` as one value (a JSON array), which a `Part`'s SELECT gives."""
    return f"json_array({', '.join(columns)})"


def row_from(columns: tuple[str, ...], written: str | None) -> dict | None:
    """The row `one_value` wrote, keyed by its `columns`; None when the SELECT found none."""
    return None if written is None else dict(zip(columns, orjson.loads(written)))
