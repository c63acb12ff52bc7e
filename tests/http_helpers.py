"""People on phones against the app served by gunicorn (tests/served.py), over real HTTP:
cases made with the app's own domain functions in the server's instance folder (as a finished
screening would), each person with their own cookies, posting forms with the page's token."""

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

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """One phone: its own cookie jar, redirects not followed so each answer can be read."""

    def __init__(self, url: str, code: str, case_id: str):
        self.url = url
        self.code = code
        self.case_id = case_id
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _KeepRedirects,
        )
        self.page = ""
        self.location = None  # where the last answer to a POST redirected

    def get(self, path: str) -> str:
        with self.opener.open(self.url + path, timeout=30) as response:
            self.page = response.read().decode()
        return self.page

    def post(self, path: str, fields: dict) -> int:
        token = CSRF.search(self.page)  # a page shown before the first act carries none
        data = urllib.parse.urlencode({**({"csrf_token": token.group(1)} if token else {}), **fields}).encode()
        try:
            with self.opener.open(self.url + path, data=data, timeout=30) as response:
                self.location = None
                return response.status
        except urllib.error.HTTPError as answer:
            answer.read()
            self.location = urllib.parse.urlsplit(answer.headers.get("Location", "")).path
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
        case_id, code = create_case(db, vault, code_key, answers=FITTING_ANSWERS, assessment=assessment,
                                    first_contact_day=dt.date.today())
        people.append(Person(live_server.url, code, case_id))
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


