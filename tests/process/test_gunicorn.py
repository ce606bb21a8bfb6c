"""The README's production command, for real: gunicorn with gunicorn.conf.py and 2 workers on 127.0.0.1.

Slow clients do not hold the workers, an over-long query string gets the API's JSON 414 (not gunicorn's
HTML), and seller sign-in works across both workers without a configured secret (single machine)."""
from __future__ import annotations

import http.client
import json
import re
import runpy
import socket
import threading
import time
from urllib.parse import urlencode

import pytest

from locator.auth import create_token
from locator.db import Database
from locator.web.api import MAX_URL_BYTES
from tests.conftest import ROOT
from tests.process.server import gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with gunicorn(tmp_path_factory.mktemp("gunicorn")) as running:
        yield running


def conf(monkeypatch, **env) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(ROOT / "no-such-metrics-dir"))  # the file must not set it here
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_the_config_file_is_fit_for_production(monkeypatch):
    settings = conf(monkeypatch)
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 4
    assert settings["workers"] == 2 and settings["preload_app"] is True  # workers share what never changes
    assert settings["raw_env"] == ["LOCATOR_WARM_ON_START=false"]  # the master loads no model: the hooks warm
    assert callable(settings["when_ready"]) and callable(settings["post_fork"])
    assert conf(monkeypatch, GUNICORN_PRELOAD="0")["preload_app"] is False
    assert settings["bind"] == ["0.0.0.0:8000"]
    assert 0 < settings["keepalive"] < settings["timeout"] and settings["graceful_timeout"] > 0
    # The app's own JSON 414 must be reachable: gunicorn lets through a request line well past it.
    assert settings["limit_request_line"] == 8190
    assert settings["limit_request_line"] - MAX_URL_BYTES >= 1024
    assert settings["limit_request_field_size"] <= 8190
    settings = conf(monkeypatch, GUNICORN_BIND="127.0.0.1:9000", GUNICORN_WORKERS="3", GUNICORN_THREADS="4")
    assert (settings["bind"], settings["workers"], settings["threads"]) == (["127.0.0.1:9000"], 3, 4)


def request(server, method: str, path: str, body: dict | None = None, cookie: str | None = None,
            timeout: float = 30) -> tuple[http.client.HTTPResponse, bytes]:
    """One request on a connection of its own (so the two workers share the work)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    headers = {"Connection": "close"}
    if cookie:
        headers["Cookie"] = f"locator_session={cookie}"
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    content = response.read()
    conn.close()
    return response, content


def session_cookie(response, current: str | None) -> str | None:
    match = re.search(r"locator_session=([^;]*)", response.getheader("Set-Cookie") or "")
    return match.group(1) if match else current


def csrf(body: bytes) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body.decode()).group(1)


def sign_in(server, token: str) -> str:
    response, body = request(server, "GET", "/sellers")
    cookie = session_cookie(response, None)
    response, body = request(server, "POST", "/sellers/sign-in", {"token": token, "csrf_token": csrf(body)}, cookie)
    assert response.status == 303, body[:300]
    return session_cookie(response, cookie)


def seller_page(server, cookie: str) -> str:
    response, body = request(server, "GET", "/sellers?near=Berlin", cookie=cookie)
    assert response.status == 200
    return body.decode()


def test_seller_sign_in_works_across_two_workers_without_a_configured_secret(server):
    db = Database(server.database_url)
    with db.session() as session:
        token = create_token(session, "Gunicorn Seller", "seller")
    db.engine.dispose()
    flows = 0
    while flows < 8 or (len(server.worker_pids()) < 2 and flows < 40):
        cookie = sign_in(server, token)
        for _ in range(3):
            assert "Signed in as" in seller_page(server, cookie)
        flows += 1
    assert len(server.worker_pids()) == 2, "both workers should have answered"


class Dribbler(threading.Thread):
    """A client that sends a request's headers one line every half second (bounded: at most `limit_s`)."""

    def __init__(self, server, limit_s: float = 30) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection((server.host, server.port), timeout=5)
        self.sock.sendall(b"GET /api/v1/vocabularies HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.stop = threading.Event()
        self.limit_s = limit_s
        self.lines_sent = 0

    def run(self) -> None:
        deadline = time.monotonic() + self.limit_s
        try:
            while not self.stop.wait(0.5) and time.monotonic() < deadline:
                self.sock.sendall(b"X-Slow: 1\r\n")
                self.lines_sent += 1
        except OSError:
            pass
        finally:
            self.sock.close()


def test_slow_clients_do_not_hold_the_workers(server):
    dribblers = [Dribbler(server) for _ in range(2)]  # one per worker: enough to stall sync workers
    for d in dribblers:
        d.start()
    try:
        time.sleep(1.5)  # the workers have taken the slow connections
        started = time.monotonic()
        response, body = request(server, "GET", "/api/v1/vocabularies", timeout=10)
        elapsed = time.monotonic() - started
        assert response.status == 200 and b'"track"' in body
        assert elapsed < 5, f"a third client waited {elapsed:.1f} s behind two slow ones"
        assert all(d.is_alive() and d.lines_sent >= 2 for d in dribblers)  # still dribbling meanwhile
    finally:
        for d in dribblers:
            d.stop.set()
        for d in dribblers:
            d.join(5)


def raw_get(server, target: str) -> tuple[int, str, bytes]:
    """A GET with an exact request line (http.client would do, but this says exactly what is sent)."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    content_type = next((l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("content-type:")), "")
    return status, content_type, body


@pytest.mark.parametrize("query_bytes", ["just over the app's limit", "the longest request line gunicorn takes"])
def test_a_long_url_gets_the_json_414(server, query_bytes):
    path = "/api/v1/search?q="
    if query_bytes == "just over the app's limit":
        length = MAX_URL_BYTES + 1
    else:
        length = 8190 - len(f"GET {path} HTTP/1.1") + len("q=")
    target = path + "x" * (length - len("q="))
    status, content_type, body = raw_get(server, target)
    assert status == 414
    assert content_type.startswith("application/json"), body[:200]
    error = json.loads(body)["error"]
    assert error["code"] == "uri_too_long" and str(MAX_URL_BYTES) in error["message"]
    assert set(error) >= {"code", "message", "field"}
