"""Scale benchmark: every staff, provider and admin page, the citizen's code look-up, status
and booking pages, the invoice basis and statistics (HTML and CSV) and the hourly job, timed on
a 100-case and a 100,000-case database (`bench/shape.py`) through Flask's test client on a
file database, interleaved, the median of RUNS runs. Not part of `make test`.

    python bench/scale.py        # `make bench` runs it; the built databases are kept in
                                 # $INDGANG_BENCH_CACHE (/tmp/indgang-bench) until shape.py or the schema changes

Prints, per page: ms at 100 cases, ms at 100,000, their ratio (the goal is at most 1.5) and the
SQL statements the request ran at each size (sqlite3's trace callback).
"""

import dataclasses
import hashlib
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import shape  # noqa: E402
from conftest import FAST_ARGON2  # noqa: E402

import app.context  # noqa: E402
from app import create_app  # noqa: E402
from app.config import load_settings  # noqa: E402
from app.maintenance import run_hourly  # noqa: E402
from booking.queue import OPEN_STATES  # noqa: E402
from common.clock import FixedClock  # noqa: E402
from store.connection import open_database  # noqa: E402

from builders import answers  # noqa: E402
from citizen_client import Citizen  # noqa: E402

CACHE = Path(os.environ.get("INDGANG_BENCH_CACHE", "/tmp/indgang-bench"))
SIZES = (100, 100_000)
RUNS = int(os.environ.get("INDGANG_BENCH_RUNS", "20"))
#: A page slower than this at a size is timed once there, so the benchmark always ends.
SLOW_MS = 3000
GOAL = 1.5
MONTH = "2026-02"
STATEMENTS = [0]


def _counting_open(path):
    """The app's own `open_database`, with every statement counted."""
    db = open_database(path)
    db.conn.set_trace_callback(lambda _sql: STATEMENTS.__setitem__(0, STATEMENTS[0] + 1))
    return db


app.context.open_database = _counting_open


def _settings():
    """The embedded configuration, with history kept ten years (see bench/shape.py)."""
    return dataclasses.replace(load_settings(None), case_retention_days=3650, demo=True)


class Sized:
    """One database size: its app, its signed-in clients and the samples its pages use."""

    def __init__(self, cases: int):
        self.cases = cases
        folder = CACHE / str(cases)
        self.samples = _built(folder, cases)
        work = folder / "work.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(folder / "built.sqlite3", work)
        self.app = _app(folder, work)
        self.app.test_client().get("/healthz")  # the first request runs the hourly job: not timed
        self.intake = _signed_in(self.app, "intake")
        self.provider = _signed_in(self.app, "provider-laenke-hvidovre")
        self.admin = _signed_in(self.app, "admin")
        self.with_course = self._citizen(self.samples["course"][0])
        self.unbooked = self._citizen(self.samples["unbooked"][0])

    def _citizen(self, code: str) -> Citizen:
        citizen = Citizen(self.app.test_client())
        assert citizen.post("/code", {"code": code}).status_code == 302
        return citizen

    def hourly_job(self):
        with self.app.app_context():
            run_hourly(app.context.get_db())


def _app(folder: Path, database: Path):
    os.environ["INDGANG_INSTANCE"] = str(folder / "instance")
    return create_app({"TESTING": True, "DATABASE": str(database), **FAST_ARGON2}, settings=_settings(),
                      clock=FixedClock(shape.NOW))


def _built(folder: Path, cases: int) -> dict:
    """The samples of the database built at `folder/built.sqlite3`, building it first unless a
    build of the same shape is there."""
    version = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in ("bench/shape.py", "store/migrations.py"))).hexdigest()
    built, samples = folder / "built.sqlite3", folder / "samples.json"
    if samples.exists() and json.loads(samples.read_text()).get("version") == version:
        return json.loads(samples.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    flask_app = _app(folder, built)
    db = open_database(built)
    try:
        found = shape.build(db, flask_app.extensions["indgang.vault"], flask_app.extensions["indgang.code_key"],
                            _settings(), cases, answers)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    print(f"built the {cases:,}-case database in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    samples.write_text(json.dumps({**found, "version": version}))
    return json.loads(samples.read_text())


def _signed_in(flask_app, username: str) -> Citizen:
    staff = Citizen(flask_app.test_client())
    staff.get("/staff/login")
    assert staff.post("/staff/login", {"username": username, "password": "demo"}).status_code == 302
    return staff


def _get(client_of, path_of, status=200):
    def request(sized: Sized):
        response = client_of(sized).client.get(path_of(sized))
        assert response.status_code == status, (path_of(sized), response.status_code)

    return request


def _look_up_code(sized: Sized):
    response = Citizen(sized.app.test_client()).post("/code", {"code": sized.samples["course"][0]})
    assert response.status_code == 302


PAGES = (
    ("staff: queue", _get(lambda s: s.intake, lambda s: "/staff/")),
    *((f"staff: open, {state.replace('_', ' ')}", _get(lambda s: s.intake, lambda s, state=state: f"/staff/open/{state}"))
      for state in OPEN_STATES),
    ("staff: case", _get(lambda s: s.intake, lambda s: f"/staff/cases/{s.samples['pending'][0]}")),
    ("staff: book for a caller", _get(lambda s: s.intake, lambda s: f"/staff/cases/{s.samples['unbooked'][1]}/book")),
    ("staff: move a booking", _get(lambda s: s.intake, lambda s: f"/staff/bookings/{s.samples['pending'][1]}/move")),
    ("staff: phone intake", _get(lambda s: s.intake, lambda s: "/staff/phone")),
    ("provider: referrals", _get(lambda s: s.provider, lambda s: "/provider/")),
    ("provider: referral", _get(lambda s: s.provider, lambda s: f"/provider/referrals/{s.samples['course'][1]}")),
    ("provider: invoice", _get(lambda s: s.provider, lambda s: f"/provider/invoice?month={MONTH}")),
    ("provider: invoice CSV", _get(lambda s: s.provider, lambda s: f"/provider/invoice.csv?month={MONTH}")),
    ("admin: accounts", _get(lambda s: s.admin, lambda s: "/admin/")),
    ("admin: audit", _get(lambda s: s.admin, lambda s: "/admin/audit")),
    ("admin: audit, one action", _get(lambda s: s.admin, lambda s: "/admin/audit?action=case_viewed")),
    ("admin: statistics", _get(lambda s: s.admin, lambda s: f"/admin/stats?month={MONTH}")),
    ("admin: statistics CSV", _get(lambda s: s.admin, lambda s: f"/admin/stats.csv?month={MONTH}")),
    ("citizen: code look-up", _look_up_code),
    ("citizen: status", _get(lambda s: s.with_course, lambda s: "/status")),
    ("citizen: book", _get(lambda s: s.unbooked, lambda s: "/book")),
    ("citizen: slots", _get(lambda s: s.unbooked, lambda s: "/book/laenke-hvidovre")),
    ("hourly job (purge)", Sized.hourly_job),
)


def _measure(request, sized: Sized) -> tuple[float, int]:
    STATEMENTS[0] = 0
    started = time.perf_counter()
    request(sized)
    return (time.perf_counter() - started) * 1000, STATEMENTS[0]


def main() -> int:
    sizes = [Sized(cases) for cases in SIZES]
    times = {(name, s.cases): [] for name, _ in PAGES for s in sizes}
    counts = {}
    for run in range(RUNS):
        for name, request in PAGES:
            for sized in sizes if run % 2 == 0 else sizes[::-1]:
                taken = times[name, sized.cases]
                if taken and taken[0] > SLOW_MS:
                    continue
                ms, counts[name, sized.cases] = _measure(request, sized)
                taken.append(ms)
    _print(times, counts)
    return 0


def _print(times, counts) -> None:
    small, large = SIZES
    print(f"{'page':34} {'ms at 100':>10} {'ms at 100k':>11} {'ratio':>6} {'SQL at 100':>11} {'SQL at 100k':>12}")
    worst = 0.0
    for name, _ in PAGES:
        at_small, at_large = (statistics.median(times[name, size]) for size in SIZES)
        ratio = at_large / at_small
        worst = max(worst, ratio)
        once = " (1 run)" if len(times[name, large]) == 1 else ""
        print(f"{name:34} {at_small:10.1f} {at_large:11.1f} {ratio:6.2f} {counts[name, small]:11} "
              f"{counts[name, large]:12}{once}")
    print(f"median of {RUNS} interleaved runs; worst ratio {worst:.2f} (goal: at most {GOAL})")


if __name__ == "__main__":
    sys.exit(main())
