"""Throughput of the served app on this machine: gunicorn with two workers, as `make run` serves
it, loaded by wrk on loopback for a few seconds per page. Not part of `make test`.

    make bench            # needs Debian's wrk: apt-get install -y wrk
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from served import serve  # noqa: E402  (the test suite's server fixture, reused as is)

PAGES = ("/healthz", "/", "/code")
SECONDS = 5


class _Factory:
    """What `serve` expects of pytest's tmp_path_factory."""

    def mktemp(self, name):
        return Path(tempfile.mkdtemp(prefix=f"indgang-bench-{name}-"))


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk")
        return 1
    server = serve(_Factory())
    live = next(server)
    try:
        for page in PAGES:
            result = subprocess.run(
                ["wrk", "-t2", "-c32", f"-d{SECONDS}s", live.url + page],
                capture_output=True, text=True, check=True,
            ).stdout
            rate = re.search(r"Requests/sec:\s+([\d.]+)", result).group(1)
            latency = re.search(r"Latency\s+(\S+)", result).group(1)
            print(f"{page:10} {float(rate):8.0f} req/s   mean latency {latency}")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
