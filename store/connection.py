"""Opening the database file with its pragmas, and bringing its schema up to date."""

import os
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import dedupe_keys

from store.migrations import migrations

BUSY_TIMEOUT_SECONDS = 10


class Database(sqlite_utils.Database):
    """sqlite-utils' database, with a plain read run as one statement: its `query` wraps every
    statement in a savepoint so that it can undo one that turns out to return no rows, which
    made every read three statements. A statement that begins with SELECT returns rows, so it
    needs no guard; anything else still gets sqlite-utils' own."""

    def query(self, sql: str, params=None):
        if sql.lstrip()[:6].lower() != "select":
            return super().query(sql, params)
        return _as_dicts(self.conn.execute(sql, () if params is None else params))


def _as_dicts(cursor):
    """The cursor's rows as dicts, keyed by column as sqlite-utils keys them; the keys are
    made when a first row comes (a look-up that finds nothing, as most on a page do, needs none)."""
    keys = None
    for row in cursor:
        if keys is None:
            keys = dedupe_keys(column[0] for column in cursor.description)
        yield dict(zip(keys, row))


def open_database(path: str | Path) -> sqlite_utils.Database:
    """A connection in autocommit mode (transactions are explicit, `store.transaction`) that waits
    for a writer instead of failing at once.

    `secure_delete` overwrites deleted rows, so "delete my data now" leaves no readable
    remnant in the file. In WAL mode `synchronous = NORMAL` keeps the database consistent after
    a crash and spares an fsync per write (a power cut may lose the last commits, not corrupt).
    """
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    db = Database(conn)
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def migrate(path: str | Path) -> None:
    """Create or update the schema, in WAL mode. The file is readable by its owner only (SQLite
    gives its -wal and -shm files the same mode)."""
    db = open_database(path)
    try:
        os.chmod(path, 0o600)
        db.enable_wal()
        migrations.apply(db)
    finally:
        db.close()


def migrated_database(path: str | Path) -> sqlite_utils.Database:
    """Migrate the file at `path` and open it: what domain tests and tools start from."""
    migrate(path)
    return open_database(path)
