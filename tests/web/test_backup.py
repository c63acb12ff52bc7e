"""`flask backup` and `flask restore` (issue 11 item 10): a drill that backs up while bookings
race, restores into a fresh instance with the same keys, and finds every case and every
booking rule intact."""

import shutil
import sqlite3
import threading

import pytest

from app.context import code_key, get_db, vault
from booking.bookings import CONFIRMED, PENDING, SlotTaken, book, cancel
from booking.providers import IN_PERSON
from booking.slots import provider_slots
from intake.cases import create_case, find_case_id, load_case
from intake.catalogue import load_catalogue
from intake.eligibility import screen
from store.connection import open_database

from builders import FITTING_ANSWERS
from builders_booking import HOLD_HOURS, NOW, local, make_provider

PEOPLE = 24
ROUNDS = 5
PROVIDER = make_provider(opening_hours={"tue": ("08:00-12:00",)}, slot_minutes=30)  # 8 slots for 24 people
KEY_FILES = ("data.key", "code.key", "secret.key")


def new_cases(app, count) -> dict[str, str]:
    """`count` finished screenings; returns code → case id."""
    assessment = screen(load_catalogue(), FITTING_ANSWERS, ["Ishøj", "Vallensbæk"], 0.30, 0.15)
    with app.app_context():
        made = [create_case(get_db(), vault(), code_key(), answers=FITTING_ANSWERS, assessment=assessment,
                            first_contact_day=NOW.date()) for _ in range(count)]
    return {code: case_id for case_id, code in made}


def race_bookings_while_backing_up(app, cases: list[str], backup_path):
    """Every person books one of few slots at once, cancels and books again, round after round,
    in their own thread and connection; the backup is taken once half of them have booked."""
    slots = provider_slots(PROVIDER, local(2026, 3, 3), local(2026, 3, 4))
    start = threading.Barrier(len(cases) + 1)
    half_have_tried = threading.Semaphore(0)
    failures = []

    def person(index, case_id):
        db = open_database(app.config["DATABASE"])
        try:
            start.wait(timeout=30)
            for round_ in range(ROUNDS):
                booked = book_any(db, case_id, slots, first=index + round_)
                if round_ == 0:
                    half_have_tried.release()
                if booked and round_ < ROUNDS - 1:
                    cancel(db, case_id, NOW)
        except Exception as error:  # judged below
            failures.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=person, args=pair) for pair in enumerate(cases)]
    for thread in threads:
        thread.start()
    start.wait(timeout=30)
    for _ in range(len(cases) // 2):
        assert half_have_tried.acquire(timeout=30)
    result = app.test_cli_runner().invoke(args=["backup", str(backup_path)])
    for thread in threads:
        thread.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert not failures, failures


def book_any(db, case_id, slots, first: int) -> bool:
    for offset in range(len(slots)):
        try:
            book(db, case_id, slots[(first + offset) % len(slots)], IN_PERSON, NOW, HOLD_HOURS)
            return True
        except SlotTaken:
            continue
    return False


@pytest.fixture
def instances(make_app, tmp_path, monkeypatch):
    """`instance(name, keys_from=folder)`: the test app on an instance folder of its own, with
    the key files of another when asked."""

    def instance(name, keys_from=None):
        folder = tmp_path / name
        folder.mkdir()
        for key in KEY_FILES if keys_from else ():
            shutil.copy(keys_from / key, folder / key)
        monkeypatch.setenv("INDGANG_INSTANCE", str(folder))
        return make_app()

    return instance


def test_restore_drill(instances, tmp_path):
    # Given a serving instance with cases whose people book few slots at once
    live = instances("live")
    codes = new_cases(live, PEOPLE)
    backup_path = tmp_path / "backups" / "indgang-backup.sqlite3"
    backup_path.parent.mkdir()
    # When a backup is taken while they book
    race_bookings_while_backing_up(live, list(codes.values()), backup_path)
    # Then the backup is one file for its owner only, with no key in it
    assert backup_path.stat().st_mode & 0o777 == 0o600
    raw = backup_path.read_bytes()
    for key in KEY_FILES:
        assert (tmp_path / "live" / key).read_text().strip().encode() not in raw
    # When it is restored into a fresh instance with the same keys
    fresh = instances("fresh", keys_from=tmp_path / "live")
    result = fresh.test_cli_runner().invoke(args=["restore", str(backup_path)])
    assert result.exit_code == 0, result.output
    # Then every case opens with its code, and the booking rules hold
    with fresh.app_context():
        db = get_db()
        for code, case_id in codes.items():
            assert find_case_id(db, code_key(), code) == case_id
            assert load_case(db, vault(), case_id).answers == FITTING_ANSWERS
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert_one_active_booking_per_slot_and_case(db)


def assert_one_active_booking_per_slot_and_case(db):
    active = list(db.query("select * from bookings where state in (?, ?)", [PENDING, CONFIRMED]))
    assert active, "the backup holds bookings made in the race"
    assert len({(row["provider_id"], row["starts_at"]) for row in active}) == len(active)
    assert len({row["case_id"] for row in active}) == len(active)


def test_restore_refuses_a_database_with_data_unless_forced(instances, tmp_path):
    live = instances("live")
    new_cases(live, 2)
    backup_path = tmp_path / "copy.sqlite3"
    assert live.test_cli_runner().invoke(args=["backup", str(backup_path)]).exit_code == 0
    new_cases(live, 1)  # written after the backup
    refused = live.test_cli_runner().invoke(args=["restore", str(backup_path)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert live.test_cli_runner().invoke(args=["restore", "--force", str(backup_path)]).exit_code == 0
    with live.app_context():
        assert get_db().execute("select count(*) from cases").fetchone()[0] == 2


def test_backup_never_overwrites_and_restore_refuses_what_is_not_a_backup(instances, tmp_path):
    live = instances("live")
    existing = tmp_path / "existing"
    existing.write_text("something else")
    assert live.test_cli_runner().invoke(args=["backup", str(existing)]).exit_code != 0
    assert existing.read_text() == "something else"
    result = live.test_cli_runner().invoke(args=["restore", "--force", str(existing)])
    assert result.exit_code != 0 and "not" in result.output
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(existing).execute("select 1 from sqlite_master").fetchall()
