"""Cases: one anonymous person each, found only through the HMAC of their code.

The screening (answers, composites, outcome reasons) is sealed with the data vault; what stays
plain is what queues and statistics need: the outcome and the day (not the time) of first
contact (DESIGN.md, "Privacy rules"). This module owns the `cases` table.
"""

import datetime as dt
import re
import secrets
import sqlite3
from dataclasses import asdict, dataclass

import orjson
import sqlite_utils

from intake import codes
from intake.eligibility import Assessment
from store.sealing import Vault, to_reseal
from store.times import day, parse_day
from store.transaction import Part, one_value

REFERRAL_PREFIX = "R-"
REFERRAL_LENGTH = 8
REFERRAL_GROUP = 4  # R-4KQ7-M2XD
WEB = "web"
PHONE = "phone"


class UnknownCode(LookupError):
    """No case has this code (it was mistyped, or the case was deleted)."""


@dataclass(frozen=True)
class Case:
    id: str
    referral_number: str
    first_contact_day: dt.date
    created_via: str
    outcome: str
    screening: dict

    @property
    def assessment(self) -> Assessment:
        return Assessment.from_dict(self.screening["assessment"])

    @property
    def answers(self) -> dict:
        return self.screening["answers"]

    @property
    def age_band(self) -> str | None:
        return self.answers.get("age_band")


def new_referral_number() -> str:
    """A random id for staff and providers (`R-4KQ7-M2XD`); it never reveals the citizen's code.

    A deleted case frees its number, and a number on a provider's note must never come to mean
    another person, so it is long enough that no number is ever drawn twice: 8 Crockford
    characters are 32**8 ≈ 1.1e12 numbers. Among n numbers ever drawn, the chance that any two
    are equal is about n²/(2 · 32**8): 5e-5 for 10,000 cases (decades of a municipality), 5e-3
    for 100,000. A live number is never drawn twice (the unique index; `create_case` draws
    again). Numbers of the earlier form (`R-4KQ7`) keep working. No digest of deleted numbers is
    kept: it would itself be a trace of the deleted case, against odds this small.
    """
    characters = "".join(secrets.choice(codes.CROCKFORD) for _ in range(REFERRAL_LENGTH))
    return _referral(characters)


def typed_referral_number(typed: str) -> str:
    """A referral number as staff may type it: any case, with or without dashes, spaces and the
    "R-", O for 0 and I or L for 1 (Crockford's reading, as for the citizen's code)."""
    characters = re.sub(r"[^0-9A-Z]", "", (typed or "").upper().translate(codes.CONFUSABLE))
    if len(characters) % REFERRAL_GROUP == 1 and characters.startswith(REFERRAL_PREFIX[0]):
        characters = characters[1:]
    return _referral(characters)


def _referral(characters: str) -> str:
    return REFERRAL_PREFIX + "-".join(characters[i:i + REFERRAL_GROUP] for i in range(0, len(characters), REFERRAL_GROUP))


def create_case(
    db: sqlite_utils.Database,
    vault: Vault,
    code_key: bytes,
    *,
    answers: dict,
    assessment: Assessment,
    first_contact_day: dt.date,
    created_via: str = WEB,
    case_id: str | None = None,
) -> tuple[str, str]:
    """Store a finished screening, under `case_id` if given (`new_case_id`); return (case id,
    the new code). The code is not stored."""
    code = codes.new_code()
    sealed = vault.seal({"answers": answers, "assessment": asdict(assessment)})
    for _attempt in range(20):
        chosen_id = case_id or new_case_id()
        try:
            db["cases"].insert(
                {
                    "id": chosen_id,
                    "code_digest": codes.code_digest(code, code_key),
                    "referral_number": new_referral_number(),
                    "first_contact_day": day(first_contact_day),
                    "created_via": created_via,
                    "outcome": assessment.outcome,
                    "screening": sealed,
                }
            )
            return chosen_id, code
        except sqlite3.IntegrityError:
            continue
    raise RuntimeError("could not find a free referral number")


def new_case_id() -> str:
    return secrets.token_hex(16)


def case_exists(db: sqlite_utils.Database, case_id: str) -> bool:
    return next(db.query("select 1 from cases where id = ?", [case_id]), None) is not None


def find_case_id(db: sqlite_utils.Database, code_key: bytes, typed: str) -> str:
    """The case id for a typed code; raises `codes.MalformedCode` or `UnknownCode`."""
    digest = codes.code_digest(typed, code_key)
    row = next(db.query("select id from cases where code_digest = ?", [digest]), None)
    if row is None:
        raise UnknownCode(typed)
    return row["id"]


def load_case(db: sqlite_utils.Database, vault: Vault, case_id: str) -> Case | None:
    """The case, or None. Read as one row of named columns, not as a dict: every page of a
    citizen with a code loads their case, and making the dict cost as much as the read."""
    row = db.execute(_CASE, [case_id]).fetchone()
    return None if row is None else _case(case_id, vault, *row)


def case_parts(case_id: str) -> tuple[Part, Part]:
    """The case as two parts of `store.transaction.read_together`, for `case_from`: its plain
    columns as one value, and its sealed screening (several kilobytes, which as a JSON string
    SQLite would escape and Python unescape, character by character)."""
    return Part(_PLAIN, (case_id,), _as_read), Part(_SCREENING, (case_id,), _as_read)


def case_from(case_id: str, vault: Vault, plain: str | None, screening: str | None) -> Case | None:
    """The case `case_parts` read, or None. Its plain columns are unpacked in order, not through
    `store.transaction.row_from`, whose dict cost the status page 9k instructions."""
    return None if plain is None else _case(case_id, vault, *orjson.loads(plain), screening)


#: A case's columns besides its id, the sealed screening last; a case's row, and its plain
#: columns as one value.
_COLUMNS = ("referral_number", "first_contact_day", "created_via", "outcome", "screening")
_CASE = f"select {', '.join(_COLUMNS)} from cases where id = ?"
_PLAIN = f"select {one_value(_COLUMNS[:-1])} from cases where id = ?"
_SCREENING = "select screening from cases where id = ?"


def _as_read(value):
    return value


def _case(case_id, vault, referral_number, first_contact_day, created_via, outcome, screening) -> Case:
    return Case(id=case_id, referral_number=referral_number, first_contact_day=parse_day(first_contact_day),
                created_via=created_via, outcome=outcome, screening=vault.open(screening))


def delete_cases(db: sqlite_utils.Database, case_ids: list[str]) -> list[str]:
    """Delete these cases and, by cascade, everything that belongs to them; returns the referral
    numbers of those that existed. The citizen's deletion and the retention job call it through
    `retention.schedule.delete_cases`, which first keeps the treated days on the invoice basis
    (`treatment.closing`) and afterwards forgets the cases in the audit log."""
    deleted = (db.execute("delete from cases where id = ? returning referral_number", [case_id]).fetchone()
               for case_id in case_ids)
    return [row[0] for row in deleted if row is not None]


def case_id_for_referral(db: sqlite_utils.Database, referral_number: str) -> str | None:
    """The case behind a referral number (what staff and providers use), or None."""
    row = next(db.query("select id from cases where referral_number = ?", [referral_number]), None)
    return row["id"] if row else None


def reseal(db: sqlite_utils.Database, old: Vault, new: Vault) -> int:
    """Re-seal screenings, opened with `old` and sealed with `new`: at start-up (`old is new`)
    those sealed by an earlier version, whose tokens told the second they were written; under a
    new data key, every one. Returns how many."""
    rows = list(db.query(f"select id, screening from cases where {to_reseal('screening', old, new)}"))
    for row in rows:
        db.execute("update cases set screening = ? where id = ?", [new.seal(old.open(row["screening"])), row["id"]])
    return len(rows)
