"""gunicorn settings for `make run`: loopback only, and logs that never carry a client address."""

import os
import re

from gunicorn.glogging import Logger

bind = "127.0.0.1:5000"
# A worker answers one request at a time, and only one that has arrived whole
# (app/served_worker.py): a slow or stalled client waits in the worker's own loop, and is dropped
# when its request has not arrived within `timeout` seconds. So a worker needs no threads, which
# would only take turns at Python's lock (README, Performance): requests at once are served by
# the workers, one for each core the server may use. In production the TLS reverse proxy buffers
# requests as well.
workers = len(os.sched_getaffinity(0))
worker_class = "app.served_worker.WholeRequestWorker"
threads = 1
timeout = 30
keepalive = 5
preload_app = True
accesslog = "-"
# Method, path without query string, status, size and duration: no address, no referrer, no agent.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'

ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"  # IPv4
    r"|(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|[0-9a-fA-F:]*::[0-9a-fA-F:]*[0-9a-fA-F]"  # IPv6
)


class AddresslessLogger(Logger):
    """gunicorn logs "Invalid request from ip=..." itself: blank any address in a log line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_scrub)


def _scrub(record) -> bool:
    record.msg = ADDRESS.sub("[address]", record.getMessage())
    record.args = ()
    return True


logger_class = AddresslessLogger
