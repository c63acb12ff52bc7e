"""The served app (gunicorn as `make run` serves it, app/served_worker.py) under stalled clients,
requests sent in pieces or together, requests refused before the app sees them, clients that
never read their answers, and a request waiting for the database."""

import http.client
import socket
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from app.served_worker import LARGEST_HELD

from served import direct, serve

#: More stalled clients than the served app answers requests at once (one a worker, and the test
#: server runs two), several times over.
STALLED_CLIENTS = 16

A_WHOLE_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
HALF_A_HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
HALF_A_BODY = (b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: 100\r\n\r\nquestion=age")
#: A body sent in chunks, stopped in its first.
HALF_IN_CHUNKS = (b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"20\r\nquestion=age")
#: A body larger than the site takes, stopped after as much as a worker holds of a request.
HALF_A_LARGE_BODY = (b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 10000000\r\n\r\n" + b"x" * LARGEST_HELD)
#: A new visitor's first answer: it starts a session, so it writes.
A_FIRST_ANSWER = (b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 32\r\n\r\nquestion=age_band&answer=25_plus")
#: A head that asks to be told to go on before it sends its body, which never comes.
WAITING_TO_GO_ON = (b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
                    b"Expect: 100-continue\r\n\r\n")


def _address(server) -> tuple[str, int]:
    parts = urlsplit(server.url)
    return parts.hostname, parts.port


def _stall_new(stack, address, half_a_request):
    stalled = stack.enter_context(socket.create_connection(address, timeout=5))
    stalled.sendall(half_a_request)


def _stall_kept_alive(stack, address, half_a_request):
    """A connection that got one whole answer, then sends half its next request."""
    kept = http.client.HTTPConnection(*address, timeout=5)
    stack.callback(kept.close)
    kept.request("GET", "/healthz")
    assert kept.getresponse().read() == b"ok"
    kept.sock.sendall(half_a_request)


def _stall_behind_a_request(stack, address, half_a_request):
    """A connection that sends a whole request and half the next one together."""
    _stall_new(stack, address, A_WHOLE_REQUEST + half_a_request)


@pytest.mark.parametrize("stall", [_stall_new, _stall_kept_alive, _stall_behind_a_request],
                         ids=["new connection", "kept alive", "behind a request"])
@pytest.mark.parametrize("half_a_request", [HALF_A_HEAD, HALF_A_BODY, HALF_IN_CHUNKS, WAITING_TO_GO_ON, HALF_A_LARGE_BODY],
                         ids=["head", "body", "chunks", "told to go on", "too large"])
def test_stalled_clients_do_not_stop_the_site(live_server, stall, half_a_request):
    # Given many clients that send half a request and stop
    with ExitStack() as stack:
        for _ in range(STALLED_CLIENTS):
            stall(stack, _address(live_server), half_a_request)
        # Then a person still gets pages at once
        for _ in range(4):
            with direct.open(f"{live_server.url}/healthz", timeout=3) as response:
                assert response.status == 200


def _received_until(connection: socket.socket, finished) -> bytes:
    """What the server sends until `finished(what came so far)`; it must not close before."""
    received = b""
    while not finished(received):
        chunk = connection.recv(65536)
        assert chunk, f"closed after {received!r}"
        received += chunk
    return received


def _answers(connection: socket.socket, count: int) -> list[bytes]:
    """The status lines of the next `count` responses (each ends with its body, `ok`)."""
    received = _received_until(connection, lambda received: received.count(b"\r\n\r\nok") >= count)
    return [line.split(b"\r\n")[0] for line in received.split(b"HTTP/1.1 ")[1:]]


def _answers_within(server, seconds: float) -> bool:
    """Whether the server answers a request within `seconds`."""
    try:
        with direct.open(f"{server.url}/healthz", timeout=seconds) as response:
            return response.status == 200
    except (urllib.error.URLError, TimeoutError):
        return False


def test_a_request_sent_in_pieces_is_answered(live_server):
    with socket.create_connection(_address(live_server), timeout=5) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for piece in (b"GET /healthz HTTP/1.1\r", b"\nHost: 127.0.0.1\r\n", b"\r", b"\n"):
            connection.sendall(piece)
        assert _answers(connection, 1) == [b"200 OK"]


def test_a_client_that_waits_to_be_told_to_go_on_is_told_and_answered(live_server):
    with socket.create_connection(_address(live_server), timeout=5) as connection:
        connection.sendall(b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
                           b"Expect: 100-continue\r\n\r\n")
        assert connection.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        connection.sendall(b"{}")
        # healthz takes no POST: it is answered once the body has come
        _received_until(connection, lambda received: b"HTTP/1.1 405" in received)


def test_a_head_larger_than_any_browser_sends_is_refused(live_server):
    # Fields each within gunicorn's limit for one, and no end: exactly as much as the worker holds
    fields = b"".join(b"X-Large-%d: %s\r\n" % (number, b"y" * 8000) for number in range(20))
    with socket.create_connection(_address(live_server), timeout=5) as connection:
        connection.sendall((b"GET / HTTP/1.1\r\n" + fields)[:LARGEST_HELD])
        assert connection.recv(1024).startswith(b"HTTP/1.1 431 ")
        assert connection.recv(1024) == b""


def test_a_body_larger_than_a_worker_holds_is_refused_before_it_is_sent(live_server):
    with socket.create_connection(_address(live_server), timeout=5) as connection:
        connection.sendall(b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n")
        assert connection.recv(1024).startswith(b"HTTP/1.1 413 ")
        assert connection.recv(1024) == b""


def test_a_body_in_chunks_is_refused_as_browsers_send_its_length(live_server):
    with socket.create_connection(_address(live_server), timeout=5) as connection:
        connection.sendall(b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"2\r\n{}\r\n0\r\n\r\n")
        assert connection.recv(1024).startswith(b"HTTP/1.1 411 ")
        assert connection.recv(1024) == b""


def test_requests_sent_together_are_each_answered(live_server):
    with socket.create_connection(_address(live_server), timeout=5) as connection:
        connection.sendall(A_WHOLE_REQUEST * 3)
        assert _answers(connection, 3) == [b"200 OK"] * 3


def test_many_requests_sent_together_are_each_answered(live_server):
    # More than Python's recursion allows for, should each answer begin the next
    many = 3 * sys.getrecursionlimit()
    with socket.create_connection(_address(live_server), timeout=10) as connection:
        # sent while the answers are read: neither side waits for the other's buffer to empty
        sending = threading.Thread(target=connection.sendall, args=(A_WHOLE_REQUEST * many,))
        sending.start()
        assert _answers(connection, many) == [b"200 OK"] * many
        sending.join()


@pytest.fixture(scope="module")
def impatient_server(tmp_path_factory):
    """The served app, dropping a request that has not arrived whole within a second."""
    yield from serve(tmp_path_factory, environment={"GUNICORN_CMD_ARGS": "--timeout 1"})


@pytest.mark.parametrize("half_a_request", [HALF_A_HEAD, HALF_A_BODY], ids=["head", "body"])
def test_a_request_that_never_arrives_whole_is_dropped(impatient_server, half_a_request):
    with socket.create_connection(_address(impatient_server), timeout=10) as stalled:
        stalled.sendall(half_a_request)
        assert stalled.recv(1024) == b""  # closed by the server, without an answer


def test_a_client_that_never_reads_its_answers_holds_a_worker_for_the_timeout_at_most(impatient_server):
    # Given clients that send many requests at once and never read an answer (the answers fill
    # their connections' buffers)
    many_answers = b"GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 1000
    with ExitStack() as stack:
        for _ in range(STALLED_CLIENTS):
            _stall_new(stack, _address(impatient_server), many_answers)
        # When each worker waits to send the rest of an answer, and the site answers no one
        deadline = time.monotonic() + 10
        while _answers_within(impatient_server, 0.5):
            assert time.monotonic() < deadline, "the workers never waited to send"
        # Then it answers again within its timeout: gunicorn replaces a worker that has not come
        # back to its loop within it
        assert _answers_within(impatient_server, 5)


def test_an_oversized_body_gets_a_friendly_413(live_server):
    body = urllib.parse.urlencode({"question": "age_band", "text": "x" * 100_000}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        direct.open(urllib.request.Request(f"{live_server.url}/chat", data=body), timeout=5)
    assert refused.value.code == 413
    page = refused.value.read().decode()
    assert "<h1>" in page and "Traceback" not in page


def test_a_request_waiting_for_the_database_holds_only_its_worker(live_server):
    # Given the database's write lock held (as a long transaction would hold it)
    database = sqlite3.connect(live_server.instance / "indgang.sqlite3", isolation_level=None)
    database.execute("BEGIN IMMEDIATE")
    try:
        with socket.create_connection(_address(live_server), timeout=15) as waiting:
            # When a new visitor's first answer waits for it
            waiting.sendall(A_FIRST_ANSWER)
            waiting.settimeout(0.5)
            with pytest.raises(TimeoutError):
                waiting.recv(1024)
            waiting.settimeout(15)
            # Then the site still answers others at once
            for _ in range(4):
                with direct.open(f"{live_server.url}/healthz", timeout=3) as response:
                    assert response.status == 200
            # And the waiting answer is answered once the lock is free
            database.execute("ROLLBACK")
            assert _received_until(waiting, lambda received: b"\r\n\r\n" in received).startswith(b"HTTP/1.1 303 ")
    finally:
        database.close()
