"""One re-entrant transaction helper for every check-then-write, and one for a page's reads.

The outermost `transaction(db)` takes the write lock at once (`BEGIN IMMEDIATE`), so a check and
its write can never interleave with another writer's. Inside an open transaction it becomes a
`SAVEPOINT`, so a domain function that needs a transaction can be called from one that already
has it: an error inside rolls back just that part and is raised on; the outermost level commits.

`snapshot(db)` makes several reads one view of the database (a deferred transaction, which in
WAL mode never blocks a writer): what another connection commits meanwhile is not seen in part.
"""

import secrets
from contextlib import contextmanager

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
