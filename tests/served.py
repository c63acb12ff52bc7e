"""The real app under gunicorn on a free loopback port, for browser and HTTP tests.

The server runs as in production (`app/gunicorn_conf.py`, two workers) on a fresh instance
folder with the embedded default configuration; tests poll /healthz, never sleep, until ready.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class LiveServer:
    url: str
    log_path: Path
    instance: Path
    pid: int  # gunicorn's master; its workers are its children


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


#: urllib without proxies from the environment: the test talks to loopback only.
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(url: str) -> bool:
    try:
        with direct.open(f"{url}/healthz", timeout=1) as response:
            return response.status == 200 and response.read().decode() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def serve(tmp_path_factory, port: int | None = None, environment: dict | None = None):
    """Start gunicorn, wait until it answers, yield a `LiveServer`, stop it afterwards.
    `environment` is added to the server's (e.g. INDGANG_CONFIG, else the embedded default)."""
    instance = tmp_path_factory.mktemp("instance")
    log_path = instance / "gunicorn.log"
    port = port or free_port()
    url = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "INDGANG_INSTANCE": str(instance)}
    env.pop("INDGANG_CONFIG", None)  # the embedded default: Ishøj and Vallensbæk
    env.update(environment or {})
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", "app/gunicorn_conf.py",
        "--bind", f"{LOOPBACK}:{port}",
        "--workers", "2",
        "app:create_app()",
    ]
    with running(command, env, log_path, lambda: _healthy(url), "gunicorn") as server:
        yield LiveServer(url=url, log_path=log_path, instance=instance, pid=server.pid)


@contextlib.contextmanager
def running(command: list[str], env: dict, log_path: Path, ready, name: str):
    """Start `command`, poll `ready()` (never a fixed sleep) until it is true, stop it afterwards."""
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not ready():
            if server.poll() is not None:
                pytest.fail(f"{name} exited with {server.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer within {STARTUP_SECONDS} s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
