"""A real gunicorn (the README's production command) on 127.0.0.1, on a fresh SpatiaLite store with the
page-test partners; stopped (SIGTERM, then SIGKILL) when the block ends."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tests.conftest import ROOT, unavailable
from tests.web.webapp import pages_app

GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT_S = 90


@dataclass
class Gunicorn:
    host: str
    port: int
    url: str
    database_url: str
    access_log: Path
    process: subprocess.Popen = field(repr=False)
    slugs: dict = field(default_factory=dict)

    def worker_pids(self) -> set[str]:
        """The pids of the workers that have answered so far (the access log's first column)."""
        text = self.access_log.read_text(encoding="utf-8") if self.access_log.exists() else ""
        return {line.split()[0] for line in text.splitlines() if line.strip()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status in (200, 503)
    except OSError:
        return False
    finally:
        conn.close()


@contextmanager
def gunicorn(directory: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Gunicorn]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` from the repository root, bound by GUNICORN_BIND.

    No LOCATOR_SECRET_KEY unless `env` gives one: the instance folder is the test's own."""
    if not GUNICORN.exists():
        unavailable(f"{GUNICORN} is missing (pip install gunicorn; make setup does)")
    with pages_app(directory, xss=False) as (app, slugs):
        app.extensions["locator"].locator.model()  # build the index once, before the workers start
        database_url = app.config["LOCATOR"].database_url
    port = free_port()
    access_log = directory / "access.log"
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("LOCATOR_", "GUNICORN_")) or k.startswith("LOCATOR_RATELIMIT_")}
    environment.update(LOCATOR_DATABASE_URL=database_url, LOCATOR_INDEX_DIR=str(directory / "index"),
                       LOCATOR_INSTANCE_DIR=str(directory / "instance"), GUNICORN_BIND=f"127.0.0.1:{port}",
                       LOCATOR_TILE_URL="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png")
    environment.update(env or {})
    log = open(directory / "gunicorn.log", "wb")
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app", "--access-logfile", str(access_log),
               "--access-logformat", "%(p)s %(s)s %(r)s", *args]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (directory / "gunicorn.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"gunicorn did not start (exit {process.poll()}):\n{tail}")
            time.sleep(0.2)
        yield Gunicorn("127.0.0.1", port, f"http://127.0.0.1:{port}", database_url, access_log, process, slugs)
    finally:
        _stop(process)
        log.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this helper started (gunicorn and its workers)
            process.wait(10)
