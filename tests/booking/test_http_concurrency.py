"""Double booking over HTTP: the app served by gunicorn with two workers, 50 people at once.

Cases are created with the app's own domain functions in the server's instance folder (as a
finished screening would), then every person opens their case with their code and books or
moves into the same slot at the same moment.
"""

import datetime as dt
from pathlib import Path

import pytest

from store.connection import open_database

from citizen_client import SLOT
from http_helpers import all_at_once, make_people
from served import serve

PEOPLE = 50


@pytest.fixture(scope="module")
def crowded_server(tmp_path_factory):
    """A server of its own: the hundred cases and fifty-one pending bookings made here would
    fill the shared `live_server`'s intake queue past its page (50 rows), where a browser test
    later looks for the one booking it made."""
    yield from serve(tmp_path_factory)


def active_bookings_at(server, slot_id: str) -> int:
    provider_id, _, stamp = slot_id.partition("@")
    starts = dt.datetime.strptime(stamp, "%Y%m%dT%H%MZ").strftime("%Y-%m-%dT%H:%M:%SZ")
    db = open_database(Path(server.instance) / "indgang.sqlite3")
    count = db.execute(
        "select count(*) from bookings where provider_id = ? and starts_at = ? and state in ('pending', 'confirmed')",
        [provider_id, starts],
    ).fetchone()[0]
    db.close()
    return count


def test_fifty_people_book_one_slot_over_http(crowded_server):
    people = make_people(crowded_server, PEOPLE)
    for person in people:
        person.open_case()
        person.get("/book/laenke-lyngby")
    slot = SLOT.findall(people[0].page)[-1]
    statuses = all_at_once(people, lambda p: p.post("/book", {"slot": slot, "mode": "in_person"}))
    assert sorted(statuses) == [302] + [409] * (PEOPLE - 1)
    assert active_bookings_at(crowded_server, slot) == 1


def test_fifty_people_move_into_one_slot_over_http(crowded_server):
    people = make_people(crowded_server, PEOPLE)
    for person in people:
        person.open_case()
    free = SLOT.findall(people[0].get("/book/laenke-hvidovre")) + SLOT.findall(people[0].get("/book/laenke-lyngby"))
    target, own_slots = free[0], free[1 : PEOPLE + 1]
    assert len(own_slots) == PEOPLE, "the default providers offer enough slots within 14 days"
    for person, own in zip(people, own_slots):
        person.get(f"/book/{own.partition('@')[0]}")
        assert person.post("/book", {"slot": own, "mode": "in_person"}) == 302
        person.get("/book/laenke-hvidovre")
    statuses = all_at_once(people, lambda p: p.post("/book", {"slot": target, "mode": "in_person"}))
    assert sorted(statuses) == [302] + [409] * (PEOPLE - 1)
    assert active_bookings_at(crowded_server, target) == 1
    assert sum(active_bookings_at(crowded_server, own) for own in own_slots) == PEOPLE - 1
