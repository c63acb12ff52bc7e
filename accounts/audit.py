"""The audit log: who did what to which referral number, and when. Never a citizen's code.

Pure Python, no Flask; this module owns the `audit` table. Rows are written through
`app.auth.record` (staff), by sign-in events, and by `flask users ...` (as COMMAND_LINE);
administrators read them at /admin/audit.
"""

import datetime as dt
import re
from dataclasses import dataclass

import sqlite_utils

from store.times import parse_stamp, stamp

#: Who the audit log names for changes made with `flask users ...` (not a valid username).
COMMAND_LINE = "(command line)"
AUDIT_PAGE_SIZE = 100
#: A citizen's code (20 Crockford characters, maybe grouped by 5, or 16 grouped by 4 from before
#: the check characters, `intake.codes`); never written to the audit.
_CODE_CHAR = "[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]"
CODE_LIKE = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?:{_CODE_CHAR}{{5}}[- ]?){{3}}{_CODE_CHAR}{{5}}|(?:{_CODE_CHAR}{{4}}[- ]?){{3}}{_CODE_CHAR}{{4}})(?![0-9A-Za-z])"
)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    username: str
    role: str | None
    referral_number: str | None
    action: str
    detail: str | None


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    referral_number: str | None = None
    action: str | None = None
    since: dt.datetime | None = None
    before: dt.datetime | None = None

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        for column, value in (("username", self.username), ("referral_number", self.referral_number), ("action", self.action)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.since:
            clauses.append("at >= ?")
            params.append(stamp(self.since))
        if self.before:
            clauses.append("at < ?")
            params.append(stamp(self.before))
        return " and ".join(clauses) or "1", params


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def write_audit(
    db: sqlite_utils.Database, *, at: dt.datetime, username: str, role: str | None, action: str,
    referral_number: str | None = None, detail: str | None = None,
) -> None:
    """One audit row: who, what, which referral number, when (UTC, to the second).

    Defence in depth: anything shaped like a citizen's code is replaced before it is stored.
    """
    db["audit"].insert(
        {"at": stamp(at), "username": username, "role": role, "action": _redact(action),
         "referral_number": _redact(referral_number), "detail": _redact(detail)}
    )


def audit_page(
    db: sqlite_utils.Database, audit_filter: AuditFilter, page: int = 1, per_page: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """Entries newest first, `per_page` at a time."""
    where, params = audit_filter.where()
    total = db.execute(f"select count(*) from audit where {where}", params).fetchone()[0]
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.query(
        f"select * from audit where {where} order by at desc, id desc limit ? offset ?",
        [*params, per_page, (page - 1) * per_page],
    )
    entries = [AuditEntry(**{**row, "at": parse_stamp(row["at"])}) for row in rows]
    return AuditPage(entries=entries, total=total, page=page, pages=pages)


def audit_actions(db: sqlite_utils.Database) -> list[str]:
    return [row["action"] for row in db.query("select distinct action from audit order by action")]


def _redact(text: str | None) -> str | None:
    return CODE_LIKE.sub("[removed]", text) if text else text
