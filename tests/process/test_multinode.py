"""Two nodes, one store (issue 13 item 3): two gunicorn processes with their own index directories on one
throwaway PostGIS cluster. An import written with one node's settings is searchable on the other within a
poll or two, and a node killed with SIGKILL while it absorbs a change catches up when restarted."""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from locator.db import Database
from tests.conftest import ROOT, start_cluster, unavailable
from tests.factories import office, partner_data
from tests.process.server import GUNICORN, free_port

pytestmark = pytest.mark.slow
LOCATOR = Path(sys.executable).parent / "locator"
SECRET = "multinode-test-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def store():
    cluster = start_cluster()
    url = cluster.createdb("multinode")
    db = Database(url)
    db.create_all()
    db.engine.dispose()
    yield url
    cluster.stop()


def environment(url: str, index_dir: Path, port: int | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOCATOR_", "GUNICORN_", "PROMETHEUS_"))}
    env.update(LOCATOR_DATABASE_URL=url, LOCATOR_INDEX_DIR=str(index_dir), LOCATOR_SECRET_KEY=SECRET,
               LOCATOR_INSTANCE_DIR=str(index_dir.parent / "instance"), GUNICORN_WORKERS="1", GUNICORN_THREADS="4",
               LOCATOR_INDEX_POLL_S="0.5", LOCATOR_RATELIMIT_SEARCH="100000/minute")
    if port is not None:
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    return env


def get(port: int, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        return response.status, (json.loads(body) if body[:1] == b"{" else {})
    except OSError:
        return 0, {}
    finally:
        conn.close()


def wait_until(condition, timeout_s: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"{what}: not within {timeout_s} s")
        time.sleep(0.1)
    return time.monotonic() - started


@contextmanager
def node(url: str, folder: Path):
    """A gunicorn node (one worker) with its own index directory; yields its port once /readyz is 200."""
    if not GUNICORN.exists():
        unavailable(f"{GUNICORN} is missing")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = open(folder / "gunicorn.log", "ab")
    process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT, env=environment(url, folder / "index", port), start_new_session=True)
    try:
        try:
            wait_until(lambda: get(port, "/readyz")[0] == 200 or process.poll() is not None, 120, "node ready")
        finally:
            log.flush()
        assert process.poll() is None, (folder / "gunicorn.log").read_text(errors="replace")[-3000:]
        yield port, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        log.close()


def import_partners(url: str, folder: Path, partners: list[dict]) -> None:
    """`locator import` with a node's settings (the CLI writes through the same store code a node does)."""
    path = folder / f"import-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(partners), encoding="utf-8")
    result = subprocess.run([str(LOCATOR), "import", str(path)], env=environment(url, folder / "index"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]


def total(port: int, q: str) -> int:
    status, body = get(port, f"/api/v1/search?q={q}&per_page=1")
    return body.get("total", -1) if status == 200 else -1


def test_a_change_through_one_node_is_searchable_on_the_other(store, tmp_path):
    with node(store, tmp_path / "a") as (a, _), node(store, tmp_path / "b") as (b, _):
        assert total(a, "zanzibarquokka") == total(b, "zanzibarquokka") == 0
        import_partners(store, tmp_path / "a", [partner_data(id="MN1", name="Zanzibarquokka Consulting",
                                                               offices=[office(52.52, 13.40, city="Berlin")])])
        seen_on_b = wait_until(lambda: total(b, "zanzibarquokka") == 1, 30, "the import on node b")
        wait_until(lambda: total(a, "zanzibarquokka") == 1, 30, "the import on node a")
        print(f"\nsearchable on the other node after {seen_on_b:.2f} s")
        assert seen_on_b < 10  # issue 13 asks 2 s; generous here, for a shared machine (poll 0.5 s)


def test_a_node_killed_mid_delta_catches_up_after_a_restart(store, tmp_path):
    batch = [partner_data(id=f"KILL{n:04d}", name=f"Killdelta Partner {n}", description="killdeltaword")
             for n in range(400)]
    with node(store, tmp_path / "a") as (a, _):
        with node(store, tmp_path / "b") as (b, process_b):
            import_partners(store, tmp_path / "a", batch)  # one transaction: the change log grows by 400 at once
            os.killpg(process_b.pid, signal.SIGKILL)  # the master and its worker, while b takes in the delta
            process_b.wait(10)
        wait_until(lambda: total(a, "killdeltaword") == 400, 60, "node a has the whole import")
        with node(store, tmp_path / "b") as (b, _):  # the same index directory, restarted
            wait_until(lambda: total(b, "killdeltaword") == 400, 60, "the restarted node catches up")
            assert total(b, "zanzibarquokka") == total(a, "zanzibarquokka")
