"""Plain builders for screening answers, shared by the intake and web tests."""

import re
import secrets
import threading

from cryptography.fernet import Fernet

from store.connection import open_database
from store.migrations import migrations
from store.sealing import Vault

#: A vault for domain tests that store sealed values (answers, notes).
VAULT = Vault(Fernet.generate_key())

#: argon2 at its cheapest, so that tests do not spend seconds hashing (the factory's setting).
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}

#: A finished screening of someone the anonymous track fits: cannabis on 10 days, working.
FITTING_ANSWERS = {
    "age_band": "25_plus",
    "municipality": "Ishøj",
    "other_support": 0,
    "language": "da",
    "substances": ["D10"],
    "D10": 10,
    "D13": 0,
    "D27": 4,
    "D29": 1,
    "D31": 2,
    "D1": 4,
    "D2": 1,
    "D23": 300,
    "D26": 0,
    "D28": 0,
    "D30": 0,
    "M6": 0,
    "M7": 0,
    "M8": 0,
    "E4": 1,
    "E5": 1,
    "E11": 20,
    "E12": 22000,
    "E17": 0,
    "L24": 0,
    "L27": 0,
    "L28": 0,
    "L29": 0,
    "F3": "yes",
    "family_contact": ["F18", "F21", "F24"],
    "family_problems": [],
    "F30": 0,
    "F32": 0,
    "F34": 0,
    "feelings": [],
    "P11": 0,
    "P12": 2,
    "P13": 1,
    "P14": 0,
}


def answers(**overrides) -> dict:
    return {**FITTING_ANSWERS, **overrides}


def visible_text(html: str) -> str:
    """The words a page shows, tags removed and white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def fresh_database(path):
    """A migrated file database in WAL mode, opened the way the app opens it (foreign keys on)."""
    db = open_database(path)
    db.enable_wal()
    migrations.apply(db)
    return db


def make_case(db, first_contact_day, **overrides) -> str:
    """Insert a case row with only the columns the schema requires; return its id."""
    token = secrets.token_hex(8)
    row = {
        "id": token,
        "code_digest": f"digest-{token}",
        "referral_number": f"R-{token}",
        "first_contact_day": str(first_contact_day),  # a date, or its ISO text
        "created_via": "web",
        "outcome": "fits",
        "screening": "sealed",
        **overrides,
    }
    db["cases"].insert(row)
    return row["id"]


def at_once(path, actions):
    """Run each action(db) in its own thread on its own connection, all released together.

    Returns, in order, ("ok", result) or ("error", exception) for each action.
    """
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        db = open_database(path)
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", action(db))
        except Exception as error:  # collected and judged by the test
            outcomes[index] = ("error", error)
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
