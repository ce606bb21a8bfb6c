"""A PostgreSQL outage (a real server stopped and started again): searches, suggestions and profiles
already served keep answering from memory; routes that need the store answer 503 with Retry-After;
/healthz says degraded; the change follower logs the outage once and catches up afterwards."""
from __future__ import annotations

import logging
import time

import pytest

from locator.db import Database
from locator.store import apply_partner
from tests.factories import office, partner_data


@pytest.fixture
def own_cluster():
    """A PostgreSQL server of this test's own: the test stops it."""
    from tests.conftest import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop()


def wait_for(predicate, seconds: float) -> None:
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < seconds, "did not happen in time"
        time.sleep(0.05)


def test_an_outage_keeps_searches_answering_and_the_follower_catches_up(own_cluster, make_app, caplog):
    db = Database(own_cluster.url())
    db.create_all()
    with db.session() as session:
        apply_partner(session, partner_data(id="A", name="Alpha Kubernetes", offices=[office()]))
        apply_partner(session, partner_data(id="B", name="Beta Cloud", offices=[office(48.137, 11.575, city="München")]))
    app = make_app(db, index_poll_s=0.1)
    client = app.test_client()
    assert client.get("/api/v1/search?q=kubernetes").get_json()["total"] == 1
    slug_a = client.get("/api/v1/search?q=alpha").get_json()["results"][0]["slug"]
    assert client.get(f"/api/v1/partners/{slug_a}").status_code == 200  # served once: kept in memory
    assert client.get(f"/partners/{slug_a}").status_code == 200
    slug_b = client.get("/api/v1/search?q=beta").get_json()["results"][0]["slug"]

    caplog.set_level(logging.INFO, logger="locator")
    own_cluster.halt()
    try:
        statuses = []
        deadline = time.monotonic() + 2.0  # several follower rounds fail meanwhile
        while time.monotonic() < deadline:
            search = client.get("/api/v1/search?q=kubernetes&near=Berlin")
            statuses.append(search.status_code)
            assert search.get_json()["total"] == 1
            statuses.append(client.get("/api/v1/suggest?q=alp").status_code)
            statuses.append(client.get("/?q=cloud").status_code)
            time.sleep(0.05)
        assert set(statuses) == {200}
        assert client.get(f"/api/v1/partners/{slug_a}").get_json()["name"] == "Alpha Kubernetes"
        assert client.get(f"/partners/{slug_a}").status_code == 200

        never_served = client.get(f"/api/v1/partners/{slug_b}")
        assert never_served.status_code == 503
        assert never_served.headers["Retry-After"].isdigit()
        assert never_served.get_json()["error"]["code"] == "store_unavailable"

        health = client.get("/healthz")
        assert health.status_code == 503 and health.headers["Retry-After"]
        assert health.get_json()["status"] == "degraded"
        assert health.get_json()["store"]["status"] == "unavailable"
        assert health.get_json()["search"]["status"] == "ok"

        sign_in = client.post("/sellers/sign-in", data={"token": "x"})  # needs the store
        assert sign_in.status_code in (400, 503)  # 400: no CSRF session yet — either way, no 500
    finally:
        own_cluster.resume()

    outage_logs = [r for r in caplog.records if r.name == "locator.search.keeper" and r.levelno >= logging.ERROR]
    assert len(outage_logs) == 1, [r.getMessage() for r in outage_logs]
    assert "change log" in outage_logs[0].getMessage()

    with db.session() as session:
        apply_partner(session, partner_data(id="C", name="Gamma Kubernetes", offices=[office()]))
    wait_for(lambda: client.get("/api/v1/search?q=kubernetes").get_json()["total"] == 2, seconds=40)
    assert client.get("/healthz").status_code == 200
    assert any("works again" in r.getMessage() for r in caplog.records if r.name == "locator.search.keeper")
    db.engine.dispose()
