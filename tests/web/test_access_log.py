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
    lines = wait_for_log_line(live_server.log_path, f'"GET {probe}"')[start:]
    requests = [line for line in lines if '"GET ' in line or '"POST ' in line]
    assert {'"GET /chat"', '"POST /chat"', '"POST /staff/login"'} <= {line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in requests}
    assert [line for line in requests if IPV4.search(line)] == []


def wait_for_log_line(log_path, needle: str, seconds: float = 20) -> list[str]:
    """gunicorn writes an access line after the response: poll the log until `needle` is in."""
    deadline = time.monotonic() + seconds
    while True:
        lines = log_path.read_text(errors="replace").splitlines()
        if any(needle in line for line in lines):
            return lines
        if time.monotonic() > deadline:
            pytest.fail(f"{needle} never reached the log:\n" + "\n".join(lines[-20:]))
        time.sleep(0.05)
