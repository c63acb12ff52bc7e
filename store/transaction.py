"""One re-entrant transaction helper for every check-then-write.

The outermost `transaction(db)` takes the write lock at once (`BEGIN IMMEDIATE`), so a check and
its write can never interleave with another writer's. Inside an open transaction it becomes a
`SAVEPOINT`, so a domain function that needs a transaction can be called from one that already
has it: an error inside rolls back just that part and is raised on; the outermost level commits.
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
