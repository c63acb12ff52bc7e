"""Double booking over HTTP: the app served by gunicorn with two workers, 50 people at once.

Cases are created with the app's own domain functions in the server's instance folder (as a
finished screening would), then every person opens their case with their code and books or
moves into the same slot at the same moment.
"""

import datetime as dt
import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from pathlib import Path

from app.keys import load_key
from intake.cases import create_case
from intake.catalogue import load_catalogue
from intake.eligibility import screen
from store.connection import open_database
from store.sealing import Vault

from builders import FITTING_ANSWERS

PEOPLE = 50
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SLOT = re.compile(r'name="slot" value="([^"]+)"')


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """One phone: its own cookie jar, redirects not followed so each answer can be read."""

    def __init__(self, url: str, code: str):
        self.url = url
        self.code = code
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _KeepRedirects,
        )
        self.page = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.url + path, timeout=30) as response:
            self.page = response.read().decode()
        return self.page

    def post(self, path: str, fields: dict) -> int:
        token = CSRF.search(self.page)  # a page shown before the first act carries none
        data = urllib.parse.urlencode({**({"csrf_token": token.group(1)} if token else {}), **fields}).encode()
        try:
            with self.opener.open(self.url + path, data=data, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            answer.read()
            return answer.code

    def open_case(self) -> None:
        self.get("/code")
        assert self.post("/code", {"code": self.code}) == 302


def make_people(live_server, count: int) -> list[Person]:
    instance = Path(live_server.instance)
    db = open_database(instance / "indgang.sqlite3")
    vault = Vault(load_key("data", instance))
    code_key = load_key("code", instance).encode()
    assessment = screen(load_catalogue(), FITTING_ANSWERS, ["Ishøj", "Vallensbæk"], 0.30, 0.15)
    people = []
    for _ in range(count):
        _, code = create_case(db, vault, code_key, answers=FITTING_ANSWERS, assessment=assessment,
                              first_contact_day=dt.date.today())
        people.append(Person(live_server.url, code))
    db.close()
    return people


def all_at_once(people, action) -> list:
    """Run `action(person)` in one thread each, released together by a barrier."""
    barrier = threading.Barrier(len(people))
    results = [None] * len(people)

    def run(index, person):
        barrier.wait()
        results[index] = action(person)

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def active_bookings_at(live_server, slot_id: str) -> int:
    provider_id, _, stamp = slot_id.partition("@")
    starts = dt.datetime.strptime(stamp, "%Y%m%dT%H%MZ").strftime("%Y-%m-%dT%H:%M:%SZ")
    db = open_database(Path(live_server.instance) / "indgang.sqlite3")
    count = db.execute(
        "select count(*) from bookings where provider_id = ? and starts_at = ? and state in ('pending', 'confirmed')",
        [provider_id, starts],
    ).fetchone()[0]
    db.close()
    return count


def test_fifty_people_book_one_slot_over_http(live_server):
    people = make_people(live_server, PEOPLE)
    for person in people:
        person.open_case()
        person.get("/book/laenke-lyngby")
    slot = SLOT.findall(people[0].page)[-1]
    statuses = all_at_once(people, lambda p: p.post("/book", {"slot": slot, "mode": "in_person"}))
    assert sorted(statuses) == [302] + [409] * (PEOPLE - 1)
    assert active_bookings_at(live_server, slot) == 1


def test_fifty_people_move_into_one_slot_over_http(live_server):
    people = make_people(live_server, PEOPLE)
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
    assert active_bookings_at(live_server, target) == 1
    assert sum(active_bookings_at(live_server, own) for own in own_slots) == PEOPLE - 1
