"""One owner per table (DESIGN.md).

Each SQLite table is written (insert, update, upsert, replace, delete, and the sqlite-utils
calls that change its rows or shape) by exactly one module, named in `store.owners.TABLE_OWNERS`.
Every other module calls the owner's functions. That keeps a table's invariants, and the
reasons its rows change, in one file that can be read whole.

Nothing at run time stops a second module from writing a table, so this test reads the
production source with `ast` and fails on any write outside the owner, naming file:line and
table. It recognises two forms of write:

- SQL text in any string literal (including the literal parts of f-strings):
  `insert [or X] into T`, `replace into T`, `update [or X] T set`, `delete from T`;
- sqlite-utils calls on `db["T"]` or `db.table("T")`: `.insert`, `.upsert`, `.update`,
  `.delete`, `.transform`, ... (see `WRITE_METHODS`).

A table whose name is computed at run time is invisible to it; write table names literally.
`store/migrations.py` creates and migrates the tables and is exempt. The schema and the
mapping are checked against each other, and the scanner is checked to be able to fail.
"""

import ast
import re
from pathlib import Path

from store.owners import TABLE_OWNERS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "common", "store", "accounts", "intake", "booking", "treatment", "stats", "retention")
EXEMPT = {"store/migrations.py"}

# sqlite-utils Table methods that change a table's rows or its shape.
WRITE_METHODS = {
    "insert",
    "insert_all",
    "upsert",
    "upsert_all",
    "update",
    "delete",
    "delete_where",
    "lookup",
    "add_column",
    "transform",
    "create",
    "drop",
}

# A table name, possibly schema-qualified and quoted with "", '', `` or [].
_NAME = r"""(?:\w+\.)?["'`\[]?(?P<{}>\w+)["'`\]]?"""
SQL_WRITE = re.compile(
    r"\b(?:"
    r"(?:insert\s+(?:or\s+\w+\s+)?|replace\s+)into\s+" + _NAME.format("into") + r"|"
    r"delete\s+from\s+" + _NAME.format("delete") + r"|"
    r"update\s+(?:or\s+\w+\s+)?" + _NAME.format("update") + r"\s+set\b"
    r")",
    re.IGNORECASE,
)


def sql_writes(text: str) -> list[str]:
    """The tables that SQL text writes."""
    return [(m["into"] or m["delete"] or m["update"]).lower() for m in SQL_WRITE.finditer(text)]


def _literal_table(node: ast.expr) -> str | None:
    """"T" for `<x>["T"]` or `<x>.table("T", ...)`, otherwise None."""
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "table"
        and node.args
    ):
        key = node.args[0]
    else:
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value.lower()
    return None


def writes_in(source: str) -> list[tuple[int, str]]:
    """(line, table) for every write to a table in Python source; the line is where the string
    literal or the call starts."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        # Plain literals, implicitly concatenated literals and the literal parts of f-strings
        # are all `ast.Constant` nodes; ast.walk reaches those inside `ast.JoinedStr` too.
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update((node.lineno, table) for table in sql_writes(node.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
        ):
            table = _literal_table(node.func.value)
            if table is not None:
                found.add((node.lineno, table))
    return sorted(found)


def violations(path: str, source: str) -> list[str]:
    """Each write in `source` (the file at `path`, relative to the repo root) to a table that
    `path` does not own."""
    problems = []
    for line, table in writes_in(source):
        owner = TABLE_OWNERS.get(table)
        if owner is None:
            problems.append(f"{path}:{line} writes unknown table {table!r} (not in TABLE_OWNERS)")
        elif owner != path:
            problems.append(f"{path}:{line} writes {table!r}, which {owner} owns")
    return problems


def production_files() -> list[str]:
    files = []
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in file.parts:
                files.append(file.relative_to(ROOT).as_posix())
    return files


def test_only_the_owner_writes_a_table():
    files = [path for path in production_files() if path not in EXEMPT]
    assert len(files) > 10, f"found only {files}: is ROOT ({ROOT}) the repository?"
    problems = []
    for path in files:
        problems += violations(path, (ROOT / path).read_text(encoding="utf-8"))
    assert not problems, "writes outside the table's owner:\n" + "\n".join(problems)


def test_every_owned_table_is_written_by_its_owner_somewhere():
    """An owner that never writes its table is a stale entry (or the write moved elsewhere)."""
    written = {(path, table) for path in production_files() for _, table in writes_in((ROOT / path).read_text(encoding="utf-8"))}
    idle = sorted(f"{table} ({owner})" for table, owner in TABLE_OWNERS.items() if (owner, table) not in written)
    assert not idle, "owners that never write their table: " + ", ".join(idle)


def test_owners_name_exactly_the_tables_of_the_schema(tmp_path):
    from store.connection import migrated_database

    db = migrated_database(tmp_path / "x.sqlite3")
    try:
        tables = {name for name in db.table_names() if not name.startswith(("_", "sqlite_"))}
    finally:
        db.close()
    assert tables == set(TABLE_OWNERS), (
        f"tables without an owner: {sorted(tables - set(TABLE_OWNERS))}; "
        f"owners of tables the schema lacks: {sorted(set(TABLE_OWNERS) - tables)}"
    )


def test_each_owner_is_an_existing_production_module():
    production = set(production_files())
    for table, owner in TABLE_OWNERS.items():
        assert (ROOT / owner).is_file(), f"{table}: owner {owner} does not exist"
        assert owner in production, f"{table}: owner {owner} is not in a production package"
        assert owner not in EXEMPT, f"{table}: owner {owner} is exempt from the check"


# The scanner itself must be able to fail.

OFFENDING_SOURCE = '''
def close(db, x, case_id):
    db["cases"].update(x, {})
    db.execute("DELETE FROM bookings WHERE id = ?", [case_id])
    db.execute(f"update courses set state = {x}")
    return list(db.query("select * from cases"))
'''


def test_scanner_reports_each_form_of_write():
    assert writes_in(OFFENDING_SOURCE) == [(3, "cases"), (4, "bookings"), (5, "courses")]
    problems = violations("intake/screening.py", OFFENDING_SOURCE)
    assert len(problems) == 3
    assert all(p.startswith("intake/screening.py:") for p in problems)
    assert "intake/screening.py:4 writes 'bookings'" in problems[1]


def test_scanner_reports_more_spellings_of_a_write():
    source = '''
db.table("Audit").insert({})
db["accounts"].delete_where("username = ?", ["x"])
db.execute("insert or ignore into\\n  \\"decisions\\" (id) values (1)")
db.execute("INSERT OR REPLACE INTO `sessions` VALUES (1)")
db.execute("replace into [maintenance] values (1)")
db.execute("update   main.statistics_events\\n   SET n = 1")
db.execute("delete " "from guarantee_at_risk")
db.execute(f"UPDATE course_sessions SET {column} = ?")
'''
    assert writes_in(source) == [
        (2, "audit"),
        (3, "accounts"),
        (4, "decisions"),
        (5, "sessions"),
        (6, "maintenance"),
        (7, "statistics_events"),
        (8, "guarantee_at_risk"),
        (9, "course_sessions"),
    ]


def test_scanner_reports_an_unknown_table():
    assert violations("intake/cases.py", 'db["no_such_table"].insert({})') == [
        "intake/cases.py:1 writes unknown table 'no_such_table' (not in TABLE_OWNERS)"
    ]


def test_scanner_ignores_reads_and_the_owners_own_writes():
    reads = '''
db.query("select * from cases where id in (select case_id from bookings)")
db["cases"].get("x")
db.table("cases").rows_where("id = ?", ["x"])
settings.update({"a": 1})
"""Update the cases when a booking changes; delete them from the queue."""
'''
    assert writes_in(reads) == []
    assert violations("intake/cases.py", 'db["cases"].insert({})\ndb.execute("delete from cases")') == []
