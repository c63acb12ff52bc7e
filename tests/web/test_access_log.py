"""gunicorn's access log holds no client address: the test makes its own traffic (reads, a chat
answer, a staff sign-in attempt, a 404) on the served app and reads every line it caused."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def test_access_log_holds_no_client_address(live_server):
    # Given a phone that reads, answers, tries to sign in and asks for a missing page
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    probe = f"/log-probe-{uuid.uuid4().hex}"
    start = len(live_server.log_path.read_text(errors="replace").splitlines())
    opener.open(f"{live_server.url}/chat", timeout=5).read()
    answer = urllib.parse.urlencode({"question": "age_band", "answer": "25_plus"}).encode()
    opener.open(f"{live_server.url}/chat", data=answer, timeout=5).read()
    sign_in = urllib.parse.urlencode({"username": "nobody", "password": "wrong password"}).encode()
    with pytest.raises(urllib.error.HTTPError):
        opener.open(f"{live_server.url}/staff/login", data=sign_in, timeout=5)
    with pytest.raises(urllib.error.HTTPError):
        opener.open(f"{live_server.url}{probe}", timeout=5)

    # Then every line those requests wrote is there, and none holds an address
    wanted = ['"GET /chat"', '"POST /chat"', '"POST /staff/login"', f'"GET {probe}"']
    requests = wait_for_log_lines(live_server.log_path, wanted, start)
    assert [line for line in requests if IPV4.search(line)] == []


def wait_for_log_lines(log_path, needles: list[str], start: int, seconds: float = 20) -> list[str]:
    """The log lines after `start` that hold one of `needles`, once each needle is there.

    gunicorn writes an access line after the response is sent, and the next request may reach
    the other worker and be logged first, so the test waits for every line, not only the last.
    """
    deadline = time.monotonic() + seconds
    while True:
        lines = log_path.read_text(errors="replace").splitlines()[start:]
        found = [line for line in lines if any(needle in line for needle in needles)]
        missing = [needle for needle in needles if not any(needle in line for line in found)]
        if not missing:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{missing} never reached the log:\n" + "\n".join(lines[-20:]))
        time.sleep(0.05)
