"""When the served worker answers a request (app/served_worker.py): only once it has arrived
whole, however it is cut into pieces; and the settings it refuses to start with."""

import contextlib
import logging

import pytest
from gunicorn.config import Config
from gunicorn.errors import ConfigError
from gunicorn.http import get_parser
from gunicorn.http.errors import ParseException

from app import gunicorn_conf
from app.served_worker import LARGEST_HELD, Arrival, WholeRequestWorker

HEAD = b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: indgang=abc\r\n\r\n"
POST = (b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 27\r\n\r\nquestion=age_band&answer=18")


def _complete_after(pieces) -> list[bool]:
    arrival = Arrival()
    return [arrival.add(piece) for piece in pieces]


@pytest.mark.parametrize("request_", [HEAD, POST], ids=["GET", "POST"])
def test_a_request_is_complete_with_its_last_byte_and_not_before(request_):
    # Cut anywhere, and also a byte at a time (a line break across two pieces)
    for cut in range(1, len(request_)):
        assert _complete_after([request_[:cut], request_[cut:]]) == [False, True]
    assert _complete_after([bytes([byte]) for byte in request_]) == [False] * (len(request_) - 1) + [True]


def test_a_body_is_waited_for_by_its_declared_length_in_any_case_and_spacing():
    head = b"POST /chat HTTP/1.1\r\nHost: x\r\ncOnTeNt-LeNgTh:\t5 \r\n\r\n"
    assert _complete_after([head, b"abcd", b"e"]) == [False, False, True]


def test_a_client_that_waits_to_be_told_to_go_on_is_told_once_its_head_is_in():
    arrival = Arrival()
    assert not arrival.add(b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-")
    assert not arrival.waits_to_go_on
    assert not arrival.add(b"continue\r\n\r\n")
    assert arrival.waits_to_go_on
    assert arrival.add(b"abcde")


def test_only_a_client_with_a_body_waits_to_be_told_to_go_on():
    arrival = Arrival()
    assert arrival.add(b"GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n")
    assert not arrival.waits_to_go_on


def test_a_length_in_the_body_is_not_the_heads():
    assert _complete_after([HEAD + b"\r\nContent-Length: 50\r\n"]) == [True]


def test_a_head_with_bare_line_feeds_ends_at_its_blank_line():
    assert _complete_after([b"GET / HTTP/1.1\nHost: x\n", b"\n"]) == [False, True]


@pytest.mark.parametrize("digits", [b"131073", b"12345678901", b"9" * 5000])
def test_a_request_declared_larger_than_is_held_is_refused_once_its_head_is_in(digits):
    # The app would refuse it by its length; answered with a part of it, the worker would wait for the rest
    arrival = Arrival()
    arrival.add(b"POST /chat HTTP/1.1\r\nContent-Length: " + digits + b"\r\n")
    assert arrival.refusal is None and not arrival.settled
    arrival.add(b"\r\n")
    assert arrival.refusal.startswith(b"HTTP/1.1 413 ") and arrival.settled


def test_a_request_as_large_as_is_held_is_waited_for():
    head = b"POST /chat HTTP/1.1\r\nContent-Length: %d\r\n\r\n"
    declared = head % (LARGEST_HELD - len(head % 100_000))
    arrival = Arrival()
    assert [arrival.add(declared), arrival.add(b"x" * (LARGEST_HELD - len(declared) - 1)), arrival.add(b"x")] == [
        False, False, True]
    assert arrival.refusal is None


def test_a_head_that_never_ends_is_refused_at_the_largest_held():
    arrival = Arrival()
    arrival.add(b"GET / HTTP/1.1\r\nX: " + b"y" * (LARGEST_HELD - 100))
    assert arrival.refusal is None
    assert not arrival.add(b"y" * 100)
    assert arrival.refusal.startswith(b"HTTP/1.1 431 ")


def test_a_body_in_chunks_is_refused_once_the_head_is_in():
    arrival = Arrival()
    arrival.add(b"POST /chat HTTP/1.1\r\nTransfer-Encoding: chunked\r\n")
    assert arrival.refusal is None and not arrival.settled
    arrival.add(b"\r\n")
    assert arrival.refusal.startswith(b"HTTP/1.1 411 ") and arrival.settled


def test_a_whole_request_is_settled_without_refusal():
    arrival = Arrival()
    arrival.add(POST)
    assert arrival.settled and arrival.refusal is None


class _NothingMore:
    """A socket with nothing more to read than the worker received."""

    def recv(self, _size):
        raise AssertionError("gunicorn's parser read past what the worker held")


#: Requests as a client may send them, whole: the worker holds them until they are, and then
#: gunicorn's parser must find all it reads in what the worker hands over (or refuse from it).
SENT_WHOLE = {
    "GET": HEAD,
    "POST": POST,
    "length in lower case, no space": b"POST / HTTP/1.1\r\nHost: x\r\ncontent-length:3\r\n\r\nabc",
    "length with leading zeros": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 003\r\n\r\nabc",
    "two lengths": b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc",
    "a length in another header's name": b"POST / HTTP/1.1\r\nX-Content-Length: 30\r\nContent-Length: 3\r\n\r\nabc",
    "a space before the colon": b"POST / HTTP/1.1\r\nContent-Length : 3\r\n\r\nabc",
    "bare line feeds": b"POST / HTTP/1.1\nContent-Length: 3\n\nabc",
    "empty lines first": b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "a folded line": b"GET / HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n",
}


@pytest.mark.parametrize("sent", SENT_WHOLE.values(), ids=SENT_WHOLE.keys())
def test_gunicorns_parser_finds_all_it_reads_in_what_is_handed_over(sent):
    arrival = Arrival()
    assert arrival.add(sent)
    parser = get_parser(Config(), _NothingMore(), ("127.0.0.1", 1))
    parser.unreader.unread(bytes(arrival.received))
    with contextlib.suppress(ParseException):  # refused from what it has: that is fine too
        next(parser).body.read()


def _config(**settings) -> Config:
    config = Config()
    for name, value in settings.items():
        config.set(name, value)
    return config


@pytest.mark.parametrize("settings", [
    {"certfile": "site.crt", "keyfile": "site.key"},  # TLS: the worker reads plain HTTP/1.1 itself
    {"http2_cleartext": "prior-knowledge"},
    {"http2_cleartext": "upgrade"},  # gunicorn holds a thread for an HTTP/2 connection while it is open
    {"timeout": 0},  # no time for a request to arrive in: a waiting one would be dropped at once
    {"threads": 4},  # the worker answers in its own loop: threads would never be used
], ids=["TLS", "HTTP/2 prior knowledge", "HTTP/2 by upgrade", "no timeout", "threads"])
def test_settings_the_worker_cannot_serve_are_refused_at_start(settings):
    with pytest.raises(ConfigError):
        WholeRequestWorker.check_config(_config(**settings), logging.getLogger("test"))


def test_the_settings_make_run_serves_with_are_accepted():
    WholeRequestWorker.check_config(_config(timeout=gunicorn_conf.timeout), logging.getLogger("test"))
