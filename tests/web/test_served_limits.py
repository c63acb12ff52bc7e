"""The served app (gunicorn as `make run` serves it) under stalled clients and oversized bodies."""

import socket
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from served import direct

STALLED_CLIENTS = 6


def test_stalled_clients_do_not_stop_the_site(live_server):
    # Given several clients that open a request and never finish its headers
    host, port = urlsplit(live_server.url).hostname, urlsplit(live_server.url).port
    with ExitStack() as stack:
        for _ in range(STALLED_CLIENTS):
            stalled = stack.enter_context(socket.create_connection((host, port), timeout=5))
            stalled.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        # Then a person still gets pages at once
        for _ in range(4):
            with direct.open(f"{live_server.url}/healthz", timeout=3) as response:
                assert response.status == 200


def test_an_oversized_body_gets_a_friendly_413(live_server):
    body = urllib.parse.urlencode({"question": "age_band", "text": "x" * 100_000}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        direct.open(urllib.request.Request(f"{live_server.url}/chat", data=body), timeout=5)
    assert refused.value.code == 413
    page = refused.value.read().decode()
    assert "<h1>" in page and "Traceback" not in page
