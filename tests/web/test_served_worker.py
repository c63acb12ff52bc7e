"""When the served worker hands a request to a thread (app/served_worker.py): only once it has
arrived whole, however it is cut into pieces."""

import pytest

from app.served_worker import LARGEST_HELD, Arrival

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


def test_a_body_larger_than_the_site_takes_is_handed_over_at_the_largest_held():
    # The app refuses it by its declared length: it is not held back
    declared = b"POST /chat HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n"
    assert _complete_after([declared, b"x" * (LARGEST_HELD - len(declared) - 1), b"x"]) == [False, False, True]


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
