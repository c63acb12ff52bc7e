"""Backups of the database file: a consistent copy while the site serves, and restoring one.

Both use SQLite's online backup API, which copies the database page by page inside one read
transaction: writers go on (WAL mode), and the copy is the database as it was at one instant,
with every transaction either wholly in it or not at all. A backup is the database only: sealed
values stay sealed, and the keys (`app.keys`, files outside the database) are never in it, so a
backup is useless without them and must be kept apart from them.
"""

import os
import secrets
import sqlite3
from pathlib import Path

import sqlite_utils

from store.connection import migrate, open_database

#: The table sqlite-utils keeps its applied migrations in: every Indgang database has it.
MIGRATIONS_TABLE = "_sqlite_migrations"


class BackupError(ValueError):
    """The backup or restore cannot be done; the message says why."""


def backup(database_path: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copy the live database to `target`, a new file readable by its owner only. The copy is
    written beside `target` and put in place only when it is whole and checked."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: give a new file name")
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        source, copy = sqlite3.connect(database_path), sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(copy)
            copy.execute("pragma journal_mode = delete")  # one self-contained file, no -wal beside it
            _check(copy, target)
        finally:
            source.close()
            copy.close()
        os.link(partial, target)  # never replaces a file that appeared meanwhile
    finally:
        partial.unlink()


def restore(backup_path: str | os.PathLike, database_path: str | os.PathLike, *, force: bool = False) -> None:
    """Replace the database at `database_path` with the backup, then bring its schema up to date.

    Refuses a file that is not a whole Indgang database, and a database that holds data (any
    case, audit row or account other than the demo accounts) unless `force`: restoring throws
    away everything written since the backup was made.
    """
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"there is no backup at {backup_path}")
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    try:
        _check(source, backup_path)
        live = open_database(database_path)
        try:
            if not force and holds_data(live):
                raise BackupError(f"{database_path} holds data; restoring replaces all of it: add --force to do so")
            source.backup(live.conn)
        finally:
            live.close()
    finally:
        source.close()
    migrate(database_path)


def holds_data(db: sqlite_utils.Database) -> bool:
    """Whether the database holds anything a restore would lose."""
    if MIGRATIONS_TABLE not in db.table_names():
        return False
    return db.execute(
        "select exists (select 1 from cases) or exists (select 1 from audit)"
        " or exists (select 1 from accounts where demo = 0)"
    ).fetchone()[0] == 1


def _check(conn: sqlite3.Connection, name: Path) -> None:
    try:
        result = conn.execute("pragma integrity_check").fetchone()[0]
        is_ours = conn.execute("select 1 from sqlite_master where name = ?", [MIGRATIONS_TABLE]).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} is not an Indgang database: {error}") from None
    if result != "ok" or not is_ours:
        raise BackupError(f"{name} is not a whole Indgang database ({result})")
