"""The database schema, one migration per change; never edit an applied migration."""

import sqlite_utils

migrations = sqlite_utils.Migrations("indgang")


@migrations()
def create_sessions(db: sqlite_utils.Database) -> None:
    """Server-side sessions: the cookie holds only a random id, stored here as a digest."""
    db["sessions"].create(
        {"id_digest": str, "data": str, "expires_at": str},
        pk="id_digest",
    )
    db["sessions"].create_index(["expires_at"])


@migrations()
def create_cases(db: sqlite_utils.Database) -> None:
    """A case: one anonymous person, reached by the HMAC of their code.

    `screening` is sealed (encrypted) JSON: answers, items and composites. `outcome` and the
    coarse `first_contact_day` stay plain for queues and statistics.
    """
    db["cases"].create(
        {
            "id": str,
            "code_digest": str,
            "referral_number": str,
            "first_contact_day": str,
            "created_via": str,
            "outcome": str,
            "screening": str,
            "guarantee_at_risk": int,
            "ended_day": str,
        },
        pk="id",
        not_null={"code_digest", "referral_number", "first_contact_day", "created_via", "outcome", "screening"},
        defaults={"guarantee_at_risk": 0},
    )
    db["cases"].create_index(["code_digest"], unique=True)
    db["cases"].create_index(["referral_number"], unique=True)
