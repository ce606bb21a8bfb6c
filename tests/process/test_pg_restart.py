"""PostgreSQL restarted under load (issue 13 item 6): a gunicorn node on PostGIS answers searches and profile
reads while the database stops and starts again; under 1 % of requests fail, no answer or log line carries a
traceback, and the node takes a change written after the restart without being restarted itself."""
from __future__ import annotations

import threading
import time

import pytest

from locator.db import Database
from tests.conftest import start_cluster
from tests.factories import partner_data
from tests.process.test_multinode import get, import_partners, node, total, wait_until

pytestmark = pytest.mark.slow


def test_a_database_restart_under_load(tmp_path):
    cluster = start_cluster()
    try:
        url = cluster.createdb("restart")
        db = Database(url)
        db.create_all()
        db.engine.dispose()
        import_partners(url, tmp_path, [partner_data(id=f"PGR{n:03d}", name=f"Pgrestart Partner {n}",
                                                     description="pgrestartword") for n in range(30)])
        with node(url, tmp_path / "node") as (port, _):
            slugs = [r["slug"] for r in get(port, "/api/v1/search?q=pgrestartword&per_page=30")[1]["results"]]
            assert len(slugs) == 30
            for slug in slugs:
                assert get(port, f"/api/v1/partners/{slug}")[0] == 200
            statuses: list[int] = []
            tracebacks: list[str] = []
            stop = threading.Event()

            def client(offset: int) -> None:
                n = offset
                while not stop.is_set():
                    path = (f"/api/v1/search?q=pgrestartword&page={n % 3 + 1}&per_page=10" if n % 2
                            else f"/api/v1/partners/{slugs[n % len(slugs)]}")
                    status, body = get(port, path)
                    statuses.append(status)
                    if "Traceback" in str(body):
                        tracebacks.append(path)
                    n += 1

            clients = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(2)]
            for c in clients:
                c.start()
            time.sleep(2)
            cluster.halt()  # PostgreSQL stops (fast shutdown: every connection is cut) ...
            time.sleep(1.5)
            cluster.resume()  # ... and starts again
            time.sleep(3)
            stop.set()
            for c in clients:
                c.join(30)
            failed = [s for s in statuses if s != 200]
            print(f"\n{len(statuses)} requests during the restart, {len(failed)} failed")
            assert len(statuses) >= 50
            assert len(failed) / len(statuses) < 0.01, f"{len(failed)} of {len(statuses)} failed: {sorted(set(failed))}"
            assert tracebacks == []
            import_partners(url, tmp_path, [partner_data(id="PGRAFTER", name="Afterrestart Partner")])
            wait_until(lambda: total(port, "afterrestart") == 1, 30, "a change after the restart")
        log = (tmp_path / "node" / "gunicorn.log").read_text(errors="replace")
        assert "Traceback" not in log, log[-3000:]
    finally:
        cluster.stop()
