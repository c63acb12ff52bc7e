"""Opening the database file with its pragmas, and bringing its schema up to date."""

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from store.migrations import migrations

BUSY_TIMEOUT_SECONDS = 10


def open_database(path: str | Path) -> sqlite_utils.Database:
    """A connection in autocommit mode (transactions are explicit, `store.transaction`) that waits
    for a writer instead of failing at once.

    `secure_delete` overwrites deleted rows, so "delete my data now" leaves no readable
    remnant in the file. In WAL mode `synchronous = NORMAL` keeps the database consistent after
    a crash and spares an fsync per write (a power cut may lose the last commits, not corrupt).
    """
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    db = sqlite_utils.Database(conn)
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
