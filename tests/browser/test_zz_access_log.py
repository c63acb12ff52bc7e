"""Last in the browser run (the file name sorts last): after all the citizen and staff traffic on
the shared server, gunicorn's access log holds no client address."""

import time
import urllib.error
import uuid

import pytest

from served import direct
from test_citizen_browser import IPV4

pytestmark = pytest.mark.browser


def test_access_log_holds_no_client_address(live_server):
    probe = f"/log-probe-{uuid.uuid4().hex}"
    with pytest.raises(urllib.error.HTTPError) as not_found:
        direct.open(f"{live_server.url}{probe}", timeout=5)
    not_found.value.close()

    expect_line = f'"GET {probe}"'
    lines = wait_for_log_line(live_server.log_path, expect_line)

    requests = [line for line in lines if '"GET ' in line or '"POST ' in line]
    assert len(requests) > 1
    assert [line for line in requests if IPV4.search(line)] == []


def wait_for_log_line(log_path, needle: str, seconds: float = 5) -> list[str]:
    """gunicorn writes an access line after the response: poll the log until `needle` is in."""
    deadline = time.monotonic() + seconds
    while True:
        lines = log_path.read_text(errors="replace").splitlines()
        if any(needle in line for line in lines):
            return lines
        if time.monotonic() > deadline:
            pytest.fail(f"{needle} never reached the log:\n" + "\n".join(lines[-20:]))
        time.sleep(0.05)
