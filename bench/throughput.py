"""Throughput of the citizen's pages against the floor: the app and a bare Flask page, each
under gunicorn as `make run` serves it (app/gunicorn_conf.py: two workers, each answering one
request at a time, app/served_worker.py), loaded by wrk on loopback, measured alternately (the
bare page, then a page of the app, and again) in one run, after one untimed round. Prints each
page's requests per second and p99 latency and their ratios to the bare page measured just before
it (the goal: at least 0.5 of its requests per second, at most 2× its p99).

It also prints, per page, the SQL statements one request runs and the median time of a request
in-process (a direct WSGI call, no server; the app and the bare page alternately): figures that
hold on a busy machine, where wrk's do not.

    make bench            # needs Debian's wrk: apt-get install -y wrk
"""

import io
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import bare  # noqa: E402
from conftest import FAST_ARGON2  # noqa: E402

import app.context  # noqa: E402
from app import create_app  # noqa: E402

from citizen_client import Citizen  # noqa: E402

#: Many short rounds, as the README's figures were measured: a round's p99 wanders, their median less.
SECONDS = int(os.environ.get("INDGANG_BENCH_SECONDS", "1"))
ROUNDS = int(os.environ.get("INDGANG_BENCH_ROUNDS", "15"))
IN_PROCESS_RUNS = int(os.environ.get("INDGANG_BENCH_CALLS", "300"))
CONNECTIONS = 16
RATE_GOAL, P99_GOAL = 0.5, 2.0
LOOPBACK = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _serve(target: str, instance: Path, log: Path, *extra) -> tuple[subprocess.Popen, str]:
    """gunicorn with the app's own settings file on a free port; returns (process, url)."""
    url = f"http://{LOOPBACK}:{_free_port()}"
    env = {**os.environ, "INDGANG_INSTANCE": str(instance)}
    env.pop("INDGANG_CONFIG", None)
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "app/gunicorn_conf.py", "--bind", url[7:], *extra, target],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url + "/", timeout=1):
                return server, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"{target} did not start: {log.read_text()}")


def _sessions(instance: Path) -> dict:
    """Session cookies (and a CSRF token) of three people, made in-process on the instance the
    server uses: one in the middle of the chat (and the question it is at), one at the result, one with a case."""
    os.environ["INDGANG_INSTANCE"] = str(instance)
    flask_app = create_app({"TESTING": True, **FAST_ARGON2})
    chatting, finished, with_case = (Citizen(flask_app.test_client()) for _ in range(3))
    question = chatting.current_question()
    chatting.answer(question, "25_plus")
    next_question = chatting.current_question()  # the page of the next question, at its own address
    finished.finish_screening()
    with_case.finish_screening()
    with_case.get_code()
    cookie = {name: f"indgang={c.client.get_cookie('indgang').value}"
              for name, c in (("chatting", chatting), ("finished", finished), ("with_case", with_case))}
    return {**cookie, "csrf": chatting.csrf_token(), "question": question, "next": next_question}


def _wrk(url: str, script: Path) -> tuple[float, float]:
    """(requests per second, p99 in ms) of `url` under wrk."""
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx" in out:
        raise RuntimeError(f"errors from {url}:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rate, float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def _script(folder: Path, name: str, cookie: str | None = None, bodies: tuple[str, ...] = ()) -> Path:
    """wrk's script: the cookie, and POST with `bodies` in turn."""
    lines = [f'wrk.headers["Cookie"] = "{cookie}"'] if cookie else []
    if bodies:
        quoted = ", ".join(f'"{body}"' for body in bodies)
        lines += ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
                  f"local bodies, sent = {{{quoted}}}, 0",
                  "request = function() sent = sent + 1; return wrk.format(nil, nil, nil, bodies[sent % #bodies + 1]) end"]
    path = folder / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def _pages(people: dict) -> tuple:
    """(name, path, cookie, form bodies) of each page measured. The answer alternates between two
    values, so that every POST changes the session and writes it, as a person's answers do."""
    answers = tuple(f"csrf_token={people['csrf']}&question={people['question']}&answer={value}"
                    for value in ("25_plus", "18_24"))
    return (
        ("GET /", "/", None, ()),
        ("GET /chat/q", f"/chat/{people['next']}", people["chatting"], ()),
        ("POST /chat", "/chat", people["chatting"], answers),
        ("GET /result", "/result", people["finished"], ()),
        ("GET /status", "/status", people["with_case"], ()),
    )


def _requests(path: str, cookie: str | None, bodies: tuple[str, ...]) -> list[tuple[dict, bytes]]:
    """The WSGI environ and body of each request to send in turn, as gunicorn hands them over:
    with `wsgi.input_terminated`, which tells werkzeug the body is already cut to its length (it
    then reads the form without a stream of its own around it)."""
    headers = {"Cookie": cookie} if cookie else {}
    builders = [EnvironBuilder(path=path, headers=headers)] if not bodies else [
        EnvironBuilder(path=path, method="POST", headers=headers, data=body,
                       content_type="application/x-www-form-urlencoded") for body in bodies]
    return [({**builder.get_environ(), "wsgi.input_terminated": True}, body.encode())
            for builder, body in zip(builders, bodies or ("",))]


def _call(wsgi_app, request: tuple[dict, bytes]) -> str:
    """One request, straight to the WSGI app; returns its status."""
    environ, body = request
    status = []
    for _chunk in wsgi_app(dict(environ, **{"wsgi.input": io.BytesIO(body)}),
                           lambda line, _headers, _exc=None: status.append(line)):
        pass
    return status[0]


def _in_process(instance: Path, pages) -> dict:
    """Per page: (SQL statements of one request, median µs of the app, median µs of the bare page)."""
    os.environ["INDGANG_INSTANCE"] = str(instance)
    served = create_app()  # as gunicorn serves it: not in testing mode
    bare_request = _requests("/", None, ())[0]
    requests = {name: _requests(path, cookie, bodies) for name, path, cookie, bodies in pages}
    statements, counts = [0], {}
    with served.app_context():
        connection = app.context.get_db().conn  # this thread's, which the requests below use
    connection.set_trace_callback(lambda _sql: statements.__setitem__(0, statements[0] + 1))
    for name, turns in requests.items():
        _call(served, turns[-1])  # the first request learns when the hourly job is due
        statements[0] = 0
        if not _call(served, turns[0]).startswith(("200", "303")):
            raise RuntimeError(f"{name} failed in-process")
        counts[name] = statements[0]
    connection.set_trace_callback(None)
    times = {name: ([], []) for name in requests}
    for run in range(IN_PROCESS_RUNS):
        for name, turns in requests.items():
            for wsgi_app, request, taken in ((bare.app, bare_request, times[name][1]),
                                             (served, turns[run % len(turns)], times[name][0])):
                started = time.perf_counter()
                _call(wsgi_app, request)
                taken.append((time.perf_counter() - started) * 1e6)
    return {name: (counts[name], statistics.median(times[name][0]), statistics.median(times[name][1]))
            for name in requests}


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="indgang-throughput-"))
    instance = folder / "instance"
    pages = _pages(_sessions(instance))
    in_process = _in_process(instance, pages)
    scripts = {name: (path, _script(folder, f"page{index}", cookie, bodies))
               for index, (name, path, cookie, bodies) in enumerate(pages)}
    bare_script = _script(folder, "bare")
    app_server, app_url = _serve("app:create_app()", instance, folder / "app.log")
    bare_server, bare_url = _serve("bare:app", instance, folder / "bare.log", "--pythonpath", "bench")
    try:
        for path, script in scripts.values():  # each worker's first requests compile templates and fill caches
            _wrk(app_url + path, script)
        _wrk(bare_url + "/", bare_script)
        measured = {name: [] for name in scripts}
        for _round in range(ROUNDS):
            for name, (path, script) in scripts.items():
                measured[name].append((_wrk(bare_url + "/", bare_script), _wrk(app_url + path, script)))
        _print(measured, in_process)
    finally:
        for server in (app_server, bare_server):
            server.terminate()
            server.wait(timeout=10)
    return 0


def _print(measured, in_process) -> None:
    print(f"{'page':12} {'req/s':>7} {'bare req/s':>11} {'ratio':>6} {'p99 ms':>7} {'bare p99':>9} {'ratio':>6}"
          f" {'SQL':>4} {'µs':>6} {'bare µs':>8} {'ratio':>6}")
    for name, runs in measured.items():
        rate, bare_rate = statistics.median(r[1][0] for r in runs), statistics.median(r[0][0] for r in runs)
        p99, bare_p99 = statistics.median(r[1][1] for r in runs), statistics.median(r[0][1] for r in runs)
        rate_ratio = statistics.median(r[1][0] / r[0][0] for r in runs)
        p99_ratio = statistics.median(r[1][1] / r[0][1] for r in runs)
        statements, app_us, bare_us = in_process[name]
        print(f"{name:12} {rate:7.0f} {bare_rate:11.0f} {rate_ratio:6.2f} {p99:7.1f} {bare_p99:9.1f} {p99_ratio:6.2f}"
              f" {statements:4} {app_us:6.0f} {bare_us:8.0f} {bare_us / app_us:6.2f}")
    print(f"median of {ROUNDS} alternating rounds of {SECONDS} s, wrk -t2 -c{CONNECTIONS}; "
          f"goals: ratio of req/s at least {RATE_GOAL}, of p99 at most {P99_GOAL}")
    print(f"SQL: statements of one request (the POST changes the answer); µs: median of {IN_PROCESS_RUNS} "
          "in-process requests, alternating with the bare page (ratio: bare ÷ app)")


if __name__ == "__main__":
    sys.exit(main())
