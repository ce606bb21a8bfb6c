"""/metrics under the README's gunicorn command (2 workers): gunicorn.conf.py puts prometheus_client in
multiprocess mode, so one scrape counts the requests every worker answered, and /readyz answers."""
from __future__ import annotations

import http.client

import pytest

from tests.process.server import gunicorn
from tests.web.test_metrics import sample

pytestmark = pytest.mark.slow


def get(server, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close"})  # a new connection: the workers share the work
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_one_scrape_adds_up_every_worker(tmp_path):
    with gunicorn(tmp_path) as server:
        sent = 0
        while sent < 10 or (len(server.worker_pids()) < 2 and sent < 200):
            status, _ = get(server, "/api/v1/search?near=Berlin")
            assert status == 200
            sent += 1
        assert len(server.worker_pids()) == 2, "both workers should have answered"
        status, text = get(server, "/metrics")
        assert status == 200
        assert sample(text, "locator_http_requests_total", endpoint="api.search", method="GET", status="200") == sent
        assert sample(text, "locator_search_duration_seconds_count", query_class="geo") == sent  # warm-ups are not counted
        assert sample(text, "locator_read_model_loaded") == 1
        status, body = get(server, "/readyz")
        assert status == 200 and '"ready"' in body
