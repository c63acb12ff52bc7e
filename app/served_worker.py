"""gunicorn's threaded worker's loop, receiving each request whole and answering it itself.

gunicorn's own `gthread` worker hands a connection to a thread as soon as it has a byte to read,
and the thread then waits for the rest of the request. A client that sends half a request and
stops (a stalled phone, or someone doing it on purpose) holds that thread, and a worker whose
threads are all held serves no one. So a worker had to keep many threads, which take turns at
Python's lock: with eight, a page's slowest responses took twice as long as with two (README,
Performance).

Here the worker's own loop receives each request, the first of a connection and every later one
on a kept-alive connection, into a buffer without blocking, and answers it only when its head has
arrived, and its body too when the head gives its length (a client that waits to be told to go on
before it sends its body is told so by the loop). A body in chunks, which has no length to wait
for, is refused (411), as are a head that never ends (431) and a request declared larger than the
worker holds (413). A connection that has not delivered a whole request within `timeout` seconds
is closed. Stalled clients then cost memory (at most `LARGEST_HELD` each, `worker_connections` at
most), not the worker.

A whole request is answered in the loop itself, as gunicorn's `sync` worker answers one: a page
takes milliseconds, and a thread handed each request would only take turns with the loop at
Python's lock (an answer's slowest responses took 1.5 times as long, README, Performance).
Requests at once are the workers' (processes') business: a worker answers one at a time.
"""

import contextlib
import errno
import re
import selectors
import time
from concurrent import futures
from functools import partial

from gunicorn.errors import ConfigError
from gunicorn.workers.gthread import TConn, ThreadWorker

#: The largest request held before it is answered: more than a head and a body of the largest
#: this site takes (`MAX_REQUEST_BYTES`, 64 KiB; a body up to this size gets the app's own 413
#: page). A request declared larger is refused here as soon as its head is in: answered with a
#: part of it, the worker would wait for the rest (gunicorn drains a body the app did not read, for
#: up to 5 s, before it keeps a connection alive). A head this large, which no browser sends, is
#: refused too.
LARGEST_HELD = 128 * 1024
#: What is read from a socket at a time: a request of a browser comes in one read.
READ_SIZE = 64 * 1024
#: A body sent in chunks has no length to wait for: it is refused, as HTTP allows (RFC 9112, 6.3).
#: Browsers send a form's length.
LENGTH_REQUIRED = b"411 Length Required"
HEAD_TOO_LARGE = b"431 Request Header Fields Too Large"
CONTENT_TOO_LARGE = b"413 Content Too Large"

HEAD_END = re.compile(rb"\r?\n\r?\n")
#: A head's declared body length. Read only to know when to stop waiting: gunicorn's parser reads
#: the request again and judges it (a length given twice is refused there).
BODY_LENGTH = re.compile(rb"\ncontent-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n", re.IGNORECASE)
#: A head that announces its body in chunks (refused: `LENGTH_REQUIRED`).
IN_CHUNKS = re.compile(rb"\ntransfer-encoding[ \t]*:", re.IGNORECASE)
#: A client that asks to be told to go on (`Expect: 100-continue`) sends its body only when told.
EXPECT = re.compile(rb"\nexpect[ \t]*:[ \t]*100-continue[ \t]*\r?\n", re.IGNORECASE)
#: What tells it. gunicorn tells it again when it reads the request, which HTTP allows:
#: a client reads any number of interim answers before the final one (RFC 9110, 15.2).
GO_ON = b"HTTP/1.1 100 Continue\r\n\r\n"


class Arrival:
    """A request as it arrives: what has come so far and, once its head is whole, how long the
    request is. Each chunk is searched once (a client sending a byte at a time costs no more)."""

    def __init__(self):
        self.received = bytearray()
        self.length = None  # head and declared body, once the head has arrived
        self.waits_to_go_on = False  # until it is told (`GO_ON`)
        self.in_chunks = False

    def add(self, chunk: bytes) -> bool:
        """Add `chunk`; whether the request is now `whole`."""
        searched = max(len(self.received) - 3, 0)  # a line break can straddle two chunks
        self.received += chunk
        if self.length is None:
            end = HEAD_END.search(self.received, searched)
            if end is not None:
                head = bytes(self.received[:end.end()])
                declared = BODY_LENGTH.search(head)
                # ten digits at most: a longer length is as much more than is ever held (refused)
                self.length = end.end() + (int(declared[1][:10]) if declared else 0)
                self.waits_to_go_on = bool(declared and EXPECT.search(head))
                self.in_chunks = IN_CHUNKS.search(head) is not None
        return self.whole

    @property
    def whole(self) -> bool:
        """Whether the request has arrived whole (it is answered, unless it is refused)."""
        return self.length is not None and len(self.received) >= self.length

    @property
    def refusal(self) -> bytes | None:
        """The answer that refuses the request in the app's stead, if it is refused: a head
        that has not ended within `LARGEST_HELD` bytes, a body in chunks, or a request declared
        larger than `LARGEST_HELD`."""
        if self.length is None:
            return _refusal(HEAD_TOO_LARGE) if len(self.received) >= LARGEST_HELD else None
        if self.in_chunks:
            return _refusal(LENGTH_REQUIRED)
        return _refusal(CONTENT_TOO_LARGE) if self.length > LARGEST_HELD else None

    @property
    def settled(self) -> bool:
        """Whether the request is to be handed over or refused: no more is waited for."""
        return self.whole or self.refusal is not None


def _refusal(status: bytes) -> bytes:
    """An answer with `status` and nothing else, after which the connection is closed."""
    return b"HTTP/1.1 " + status + b"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class WholeRequestWorker(ThreadWorker):
    """`gthread`'s loop, answering only requests that have arrived whole (see above)."""

    @classmethod
    def check_config(cls, cfg, log):
        """The worker reads plain HTTP/1.1 itself, as the TLS proxy in front of it sends it
        (gunicorn serves an HTTP/2 connection, upgraded or not, in one thread for as long as it
        is open), gives a request `timeout` seconds to arrive (with none, one still arriving
        would be dropped at once), and has no threads to set."""
        if cfg.is_ssl or cfg.http2_cleartext != "off":
            raise ConfigError("WholeRequestWorker serves plain HTTP/1.1: no TLS, no HTTP/2")
        if cfg.timeout <= 0:
            raise ConfigError("WholeRequestWorker needs a timeout: the time a request has to arrive")
        if cfg.threads != 1:
            raise ConfigError("WholeRequestWorker answers in its own loop: set workers, not threads")
        super().check_config(cfg, log)

    def accept(self, listener):
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        self._receive_request(TConn(self.cfg, client, address, listener.getsockname()), Arrival())

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has its next request on the way."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._receive_request(conn, Arrival())

    def enqueue_req(self, conn):
        """gunicorn's `finish_request` calls this for a kept-alive connection whose next request
        was read ahead behind the last one: it may be a part of a request only. It is taken up in
        the loop's next turn: taken up here, it would be answered inside the answer before it, and
        requests sent together would nest as deep as they are many."""
        arrival = Arrival()
        arrival.add(conn.parser.unreader.take_buffered())
        self.method_queue.defer(self._receive_request, conn, arrival)

    def _receive_request(self, conn, arrival):
        """Settle `conn`'s request if it can be, else wait for the rest in this loop: with
        gunicorn's pending connections, which its loop closes at their deadline (in this worker
        no other connection is ever pending)."""
        if arrival.settled:
            self._settle(conn, arrival)
            return
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.timeout
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_more, conn, arrival))
        self._tell_to_go_on(conn, arrival)

    def _read_more(self, conn, arrival, client):
        try:
            chunk = client.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client has gone
            self._stop_waiting(conn)
            self._close(conn)
            return
        arrival.add(chunk)
        if arrival.settled:
            self._stop_waiting(conn)
            self._settle(conn, arrival)
        else:
            self._tell_to_go_on(conn, arrival)

    def _stop_waiting(self, conn):
        self.poller.unregister(conn.sock)
        self.pending_conns.remove(conn)

    def _close(self, conn):
        self.nr_conns -= 1
        conn.close()

    @staticmethod
    def _tell_to_go_on(conn, arrival):
        """Tell a client that waits for it to send its body. Should the connection not take the
        25 bytes (its client reads nothing), the client sends its body after its own wait."""
        if arrival.waits_to_go_on:
            arrival.waits_to_go_on = False
            with contextlib.suppress(OSError):
                conn.sock.send(GO_ON)

    def _settle(self, conn, arrival):
        """Refuse the request, or answer it."""
        refusal = arrival.refusal
        if refusal:
            with contextlib.suppress(OSError):
                conn.sock.send(refusal)
            self._close(conn)
            return
        conn.init()
        conn.parser.unreader.unread(bytes(arrival.received))
        self._answer(conn)

    def _answer(self, conn):
        """Answer the request here in the loop, then keep the connection for its next request or
        close it (gunicorn's `finish_request`, which takes the outcome as a thread's future).
        `handle` turns any error into an answer or a closed connection."""
        answered = futures.Future()
        answered.set_result(self.handle(conn))
        self.finish_request(conn, answered)
