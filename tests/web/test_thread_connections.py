"""A thread keeps its connection from one request to the next (`app.context.get_db`), and a
forked child never uses its parent's (gunicorn preloads the app in its master, then forks)."""

import os
import threading

from app.context import get_db


def _connection_of_a_request(app):
    with app.test_request_context("/"):
        return get_db()


def test_a_thread_keeps_its_connection_for_its_next_request(app):
    assert _connection_of_a_request(app) is _connection_of_a_request(app)


def test_another_thread_opens_its_own(app):
    found = []
    other = threading.Thread(target=lambda: found.append(_connection_of_a_request(app)))
    other.start()
    other.join()
    assert found[0] is not _connection_of_a_request(app)


def test_a_forked_child_opens_its_own_and_the_parent_keeps_its(app):
    parent = _connection_of_a_request(app)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child answers through the pipe and leaves at once, whatever happens
        try:
            own = _connection_of_a_request(app)
            answer = b"own" if own is not parent and own.execute("select 1").fetchone() == (1,) else b"parent's"
        except BaseException:
            answer = b"failed"
        os.write(writing, answer)
        os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    with os.fdopen(reading, "rb") as answered:
        assert answered.read() == b"own"
    assert _connection_of_a_request(app) is parent
