"""The audit log: who did what to which referral number, and when. Never a citizen's code.

Pure Python, no Flask; this module owns the `audit` table. Rows are written through
`app.auth.record` (staff), by sign-in events, and by `flask users ...` (as COMMAND_LINE);
administrators read them at /admin/audit. When a case is deleted, its rows are forgotten
(`forget_referral`): they keep who did what kind of action on which day, nothing more. Failed
sign-ins by unknown names, and attempts at an account that refuses them, are counted a day at a
time (`count_attempt`).
"""

import datetime as dt
import re
from dataclasses import dataclass

import sqlite_utils

from common.clock import COPENHAGEN, day_start
from store.times import parse_stamp, stamp
from store.transaction import transaction

#: Actions done while a citizen is on the phone (`app/staff/phone.py`): their time is the time
#: of the person's call, which the municipality's phone system logs with the caller's number, so
#: these rows keep only the day (its start in Copenhagen), like the case's first contact.
CALL_ACTIONS = frozenset({"phone_case_created", "booking_made_for_caller"})

#: Who the audit log names for changes made with `flask users ...` (not a valid username).
COMMAND_LINE = "(command line)"
AUDIT_PAGE_SIZE = 100
#: The most entries a filter counts: past it the page says "more than" and offers these pages
#: only (narrow the filter to go further), so a page costs the same however long the log is.
MOST_COUNTED = 10_000
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
    case_deleted: bool = False


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
    total: int  # at most MOST_COUNTED
    page: int
    pages: int
    more: bool = False  # more entries than `total` match


def write_audit(
    db: sqlite_utils.Database, *, at: dt.datetime, username: str, role: str | None, action: str,
    referral_number: str | None = None, detail: str | None = None,
) -> None:
    """One audit row: who, what, which referral number, when (UTC, to the second).

    A row that names a referral number is about a citizen, so it keeps the minute at most, and a
    row written during the citizen's phone call (`CALL_ACTIONS`) only the day: nothing in the log
    can be matched against another log to the second. Defence in depth: anything shaped like a
    citizen's code is replaced before it is stored.
    """
    db["audit"].insert(
        {"at": stamp(_coarse(at, action, referral_number)), "username": username, "role": role, "action": _redact(action),
         "referral_number": _redact(referral_number), "detail": _redact(detail)}
    )


def count_attempt(
    db: sqlite_utils.Database, *, at: dt.datetime, action: str, username: str = "", role: str | None = None
) -> None:
    """Count one more `action` by `username` today in one row a day (at midnight UTC, the count in
    `detail`), updated in place: attempts by strangers or at an account that refuses them then
    cannot grow the log, however many there are."""
    day = stamp(dt.datetime.combine(at.astimezone(dt.UTC).date(), dt.time(), tzinfo=dt.UTC))
    with transaction(db):
        updated = db.execute(
            "update audit set detail = cast(detail as integer) + 1 where at = ? and action = ? and username = ?",
            [day, action, username],
        ).rowcount
        if not updated:
            db["audit"].insert({"at": day, "username": username, "role": role, "action": action, "detail": "1"})


def audit_page(
    db: sqlite_utils.Database, audit_filter: AuditFilter, page: int = 1, per_page: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """Entries newest first, `per_page` at a time."""
    where, params = audit_filter.where()
    counted = db.execute(f"select count(*) from (select 1 from audit where {where} limit ?)",
                         [*params, MOST_COUNTED + 1]).fetchone()[0]
    total = min(counted, MOST_COUNTED)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.query(
        f"select * from audit where {where} order by at desc, id desc limit ? offset ?",
        [*params, per_page, (page - 1) * per_page],
    )
    entries = [AuditEntry(**{**row, "at": parse_stamp(row["at"]), "case_deleted": bool(row["case_deleted"])}) for row in rows]
    return AuditPage(entries=entries, total=total, page=page, pages=pages, more=counted > MOST_COUNTED)


def forget_referral(db: sqlite_utils.Database, referral_number: str) -> int:
    """After the case with `referral_number` is deleted ("delete my data now" or the retention
    purge): its rows keep who (username, role) did what kind of action and on which day, and lose
    all that leads back to the case: the referral number, the detail (an outcome, a slot id) and
    the time of day, which could be matched against a booking or another log. The instant becomes
    the start of its day in Copenhagen (the day the administrator filters by), still in the one
    stamp format, and `case_deleted` marks the row. Returns how many rows were forgotten."""
    rows = list(db.query("select id, at from audit where referral_number = ?", [referral_number]))
    for row in rows:
        db["audit"].update(row["id"], {
            "referral_number": None, "detail": None, "case_deleted": 1, "at": stamp(_start_of_day(parse_stamp(row["at"])))})
    return len(rows)


def _start_of_day(at: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(at.astimezone(COPENHAGEN).date(), dt.time(), COPENHAGEN)


def audit_actions(db: sqlite_utils.Database) -> list[str]:
    """Every action in the log, in order. Read as a skip along the index `audit_by_action`: one
    look-up per distinct action, not a pass over every row."""
    return [row["action"] for row in db.query(_DISTINCT_ACTIONS)]


_DISTINCT_ACTIONS = """
    with recursive actions (action) as (
        select min(action) from audit
        union all
        select (select min(action) from audit where audit.action > actions.action) from actions
        where actions.action is not null
    )
    select action from actions where action is not null
"""


def _coarse(at: dt.datetime, action: str, referral_number: str | None) -> dt.datetime:
    if action in CALL_ACTIONS:
        return day_start(at.astimezone(COPENHAGEN).date())
    if referral_number:
        return at.replace(second=0, microsecond=0)
    return at


def _redact(text: str | None) -> str | None:
    return CODE_LIKE.sub("[removed]", text) if text else text
