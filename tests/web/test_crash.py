"""kill -9 mid-write: a gunicorn worker is killed while people book and move over HTTP. The file
stays sound, no booking is half written, and every booking that was answered is there.

The server is this module's own (tests/served.py): one of its workers dies. Each person books,
then moves again and again among a few slots, so that writes are in flight on both workers and
people collide; the worker is killed once a number of answers have come back, while the rest
are still racing.
"""

import errno
import http.client
import os
import signal
import sqlite3
import threading
import urllib.error
from pathlib import Path

import pytest

from booking import bookings

from citizen_client import SLOT
from http_helpers import make_people
from served import direct, serve

PEOPLE = 16
ROUNDS = 8  # book, then move, per person
SLOTS = 24  # more than people, so that most moves are saved; still they collide
KILL_AFTER_ANSWERS = 30
STATES = {bookings.PENDING, bookings.CONFIRMED, bookings.DECLINED, bookings.EXPIRED, bookings.CANCELLED,
          bookings.MOVED, bookings.ATTENDED, bookings.NO_SHOW}
UNIQUE_INDEXES = {"one_active_booking_per_slot", "one_active_booking_per_case"}
#: What a request gets when its worker dies under it.
NO_ANSWER = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own gunicorn, not the session's: a worker of it is killed."""
    yield from serve(tmp_path_factory)


def workers(master_pid: int) -> set[int]:
    """The gunicorn workers: the master's children (Linux /proc)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended while we looked
        if int(after_name[1]) == master_pid:
            children.add(int(stat.parent.name))
    return children


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as error:
        return error.errno != errno.ESRCH
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"


class Race:
    """People booking and moving at once; `answered` is set after `KILL_AFTER_ANSWERS` answers."""

    def __init__(self, people, slots):
        self.people = people
        self.slots = slots
        self.tries = {person.case_id: [] for person in people}  # (slot, status or None, location)
        self.count = 0
        self.lock = threading.Lock()
        self.answered = threading.Event()
        self.start = threading.Barrier(len(people))

    def run(self, index, person):
        self.start.wait()
        for round_number in range(ROUNDS):
            slot = self.slots[(index * 5 + round_number * 7) % len(self.slots)]
            try:
                status = person.post("/book", {"slot": slot, "mode": "in_person"})
            except NO_ANSWER:
                status = person.location = None
            self.tries[person.case_id].append((slot, status, person.location))
            with self.lock:
                self.count += 1
                if self.count >= KILL_AFTER_ANSWERS:
                    self.answered.set()

    def go(self, kill):
        threads = [threading.Thread(target=self.run, args=(i, p)) for i, p in enumerate(self.people)]
        for thread in threads:
            thread.start()
        assert self.answered.wait(timeout=60), "the bookings did not get going"
        kill()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)


def test_a_worker_killed_while_bookings_race_loses_no_answered_booking_and_leaves_none_half_written(server):
    # Given people with cases, each on the booking page (with its form token)
    people = make_people(server, PEOPLE)
    for person in people:
        person.open_case()
        person.get("/book/laenke-hvidovre")
    slots = SLOT.findall(people[0].page)[:SLOTS]
    assert len(slots) == SLOTS
    killed = []

    def kill_a_worker():
        victim = min(workers(server.pid))
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    # When they book and move at once, and a worker is killed with SIGKILL in the middle
    race = Race(people, slots)
    race.go(kill_a_worker)

    # Then the worker is gone, the master has started another, and the site answers
    assert not alive(killed[0]) and len(workers(server.pid)) == 2
    with direct.open(f"{server.url}/healthz", timeout=10) as response:
        assert response.status == 200
    db = sqlite3.connect(f"file:{server.instance / 'indgang.sqlite3'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    # the file is sound
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    # no booking is half written: each has its case and a state, the unique indexes are there and hold
    rows = db.execute("select b.*, c.id as case_found from bookings b left join cases c on c.id = b.case_id").fetchall()
    assert rows and all(row["case_found"] for row in rows)
    assert {row["state"] for row in rows} <= STATES
    indexes = {row[0] for row in db.execute("select name from sqlite_master where type = 'index'")}
    assert indexes >= UNIQUE_INDEXES
    active = [row for row in rows if row["state"] in bookings.ACTIVE]
    assert len({(row["provider_id"], row["starts_at"]) for row in active}) == len(active)
    assert len({row["case_id"] for row in active}) == len(active)
    # every booking answered with the status page is there: a person's last answered booking
    # holds (moving a pending booking moves its row), unless a later request of theirs went
    # unanswered and was saved (the worker was killed after its commit, before its answer): then
    # that one holds instead; a person never answered holds nothing else
    for person in people:
        holding = {_slot_id(row) for row in active if row["case_id"] == person.case_id}
        tries = race.tries[person.case_id]
        answered = [i for i, (_slot, status, location) in enumerate(tries) if status == 302 and location == "/status"]
        last = answered[-1] if answered else -1
        maybe = {slot for slot, status, _location in tries[last + 1:] if status is None}
        kept = {tries[last][0]} if answered else set()
        assert holding <= kept | maybe and len(holding) <= 1, (tries, holding)
        assert kept <= holding or holding & maybe, (tries, holding)
    assert all(status in (302, 409, None) for tries in race.tries.values() for _, status, _ in tries)
    db.close()


def _slot_id(row) -> str:
    """A booking's slot as the booking page names it: provider@YYYYMMDDTHHMMZ."""
    starts = row["starts_at"]
    return f"{row['provider_id']}@{starts[0:4]}{starts[5:7]}{starts[8:10]}T{starts[11:13]}{starts[14:16]}Z"
