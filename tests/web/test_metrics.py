"""/metrics (Prometheus text), who may read it, the request id, the JSON request log (no personal data),
and /readyz (503 until the model is loaded and current enough, 200 after)."""
from __future__ import annotations

import json
import logging
import re

import pytest

from locator.store import apply_partner
from tests.factories import partner_data
from tests.web.webapp import pages_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("metrics"), metrics_token="") as (app, slugs):
        yield app


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        metric, _, value = line.rpartition(" ")
        got_name, _, got_labels = metric.partition("{")
        got = ",".join(sorted(got_labels.rstrip("}").split(","))) if got_labels else ""
        if got_name == name and got == want:
            return float(value)
    return 0.0


def scrape(app) -> str:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def test_requests_are_counted_by_endpoint_and_status_with_latency(site):
    client = site.test_client()
    before = scrape(site)
    for _ in range(3):
        assert client.get("/api/v1/search?near=Berlin").status_code == 200
    assert client.get("/api/v1/search?sort=nonsense").status_code == 400
    after = scrape(site)
    ok = dict(endpoint="api.search", method="GET", status="200")
    assert sample(after, "locator_http_requests_total", **ok) - sample(before, "locator_http_requests_total", **ok) == 3
    bad = dict(endpoint="api.search", method="GET", status="400")
    assert sample(after, "locator_http_requests_total", **bad) - sample(before, "locator_http_requests_total", **bad) == 1
    count = "locator_http_request_duration_seconds_count"
    assert sample(after, count, endpoint="api.search", status="200") - sample(before, count, endpoint="api.search", status="200") == 3
    assert "locator_http_request_duration_seconds_bucket{" in after


@pytest.mark.parametrize("query, kind", [("q=cloud", "text"), ("near=Berlin", "geo"), ("near=Germany", "area"),
                                         ("language=de", "filter-only"), ("q=cloud&near=Germany", "text")])
def test_search_latency_by_query_class(site, query, kind):
    name = "locator_search_duration_seconds_count"
    before = sample(scrape(site), name, query_class=kind)
    assert site.test_client().get(f"/api/v1/search?{query}").status_code == 200
    assert sample(scrape(site), name, query_class=kind) - before == 1


def test_the_read_model_gauges(site):
    site.test_client().get("/api/v1/search?q=x")
    text = scrape(site)
    assert sample(text, "locator_read_model_loaded") == 1
    assert sample(text, "locator_store_up") == 1
    assert sample(text, "locator_read_model_change_lag") >= 0
    assert sample(text, "locator_read_model_marker") == sample(text, "locator_store_last_change") - sample(text, "locator_read_model_change_lag")
    for defined in ("locator_index_build_duration_seconds", "locator_imports_total", "locator_sign_ins_total",
                    "locator_leads_total", "locator_rate_limited_total"):
        assert f"# TYPE {defined}" in text


def test_only_this_machine_reads_metrics_without_a_token(site):
    client = site.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    # A proxy on this machine forwards the world: not a local reader.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", headers={"Forwarded": "for=203.0.113.9"}).status_code == 404


def test_a_metrics_token_opens_it_from_anywhere_and_only_with_the_token(tmp_path):
    with pages_app(tmp_path, metrics_token="s3cret-scraper") as (app, _):
        far = {"REMOTE_ADDR": "203.0.113.9"}
        client = app.test_client()
        assert client.get("/metrics", environ_base=far, headers={"Authorization": "Bearer s3cret-scraper"}).status_code == 200
        assert client.get("/metrics", environ_base=far, headers={"Authorization": "Bearer wrong"}).status_code == 404
        assert client.get("/metrics", environ_base=far).status_code == 404
        assert client.get("/metrics").status_code == 404  # loopback without the token: the token is the rule now


def test_every_response_has_a_request_id_and_errors_carry_it(site):
    client = site.test_client()
    first, second = client.get("/api/v1/vocabularies"), client.get("/api/v1/vocabularies")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    bad = client.get("/api/v1/search?radius_km=-4")
    assert bad.status_code == 400 and bad.get_json()["error"]["request_id"] == bad.headers["X-Request-Id"]
    page = client.get("/partners/no-such-partner", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["X-Request-Id"]
    # A load balancer's id is kept (tracing across hops); anything that is not an id is replaced.
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a9c21-0001"})
    assert kept.headers["X-Request-Id"] == "lb-7f3a9c21-0001"
    forged = client.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert forged.headers["X-Request-Id"] != "<script>alert(1)</script>"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_one_json_log_line_per_request_without_personal_data(tmp_path):
    with pages_app(tmp_path, request_log=True) as (app, _):
        handler = Lines()
        logger = logging.getLogger("locator.requests")
        logger.addHandler(handler)
        try:
            client = app.test_client()
            response = client.get("/api/v1/search?q=jane.doe@example.com&near=10115%20Berlin",
                                  environ_base={"REMOTE_ADDR": "198.51.100.23"},
                                  headers={"Authorization": "Bearer not-a-token", "Cookie": "locator_session=abc"})
            client.get("/partners/berlin-kubernetes-shop-secret")
        finally:
            logger.removeHandler(handler)
    assert len(handler.lines) == 2
    line = json.loads(handler.lines[0])
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["route"], line["endpoint"], line["status"]) == ("GET", "/api/v1/search", "api.search", 401)
    assert line["params"] == ["near", "q"] and line["authorized"] is True and line["duration_ms"] >= 0
    everything = "\n".join(handler.lines)
    for personal in ("jane.doe", "example.com", "10115", "198.51.100.23", "not-a-token", "abc", "secret"):
        assert personal not in everything, personal
    assert json.loads(handler.lines[1])["route"] == "/partners/<slug>"


def test_readyz_is_503_until_the_model_is_loaded_then_200(tmp_path):
    with pages_app(tmp_path) as (app, _):
        client = app.test_client()
        waiting = client.get("/readyz")
        assert waiting.status_code == 503 and waiting.headers["Retry-After"]
        assert waiting.get_json()["status"] == "not_ready" and "not loaded" in waiting.get_json()["reason"]
        assert client.get("/healthz").status_code == 200  # alive meanwhile
        assert client.get("/api/v1/search?q=x").status_code == 200  # loads the model
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


def test_readyz_is_503_while_the_model_lags_too_far_behind(tmp_path):
    with pages_app(tmp_path, ready_max_lag=1, index_poll_s=3600) as (app, _):
        client = app.test_client()
        app.extensions["locator"].locator.keeper.refresh()
        assert client.get("/readyz").status_code == 200
        with app.extensions["locator"].db.session() as session:
            for n in range(2):
                apply_partner(session, partner_data(id=f"LAG{n}", name=f"Lagging Partner {n}"))
        behind = client.get("/readyz")
        assert behind.status_code == 503 and behind.get_json()["lag"] == 2 and "behind" in behind.get_json()["reason"]
        app.extensions["locator"].locator.keeper.refresh()
        caught_up = client.get("/readyz")
        assert caught_up.status_code == 200 and caught_up.get_json()["lag"] == 0


def test_readyz_says_when_the_index_directory_lost_its_index_while_searches_go_on(tmp_path):
    import shutil

    with pages_app(tmp_path) as (app, _):
        client = app.test_client()
        assert client.get("/api/v1/search?q=x").status_code == 200
        assert client.get("/readyz").get_json()["index_on_disk"] is True
        shutil.rmtree(app.config["LOCATOR"].index_dir)
        body = client.get("/readyz").get_json()
        assert body["index_on_disk"] is False and "locator reindex" in body["warning"]
        assert client.get("/api/v1/search?near=Berlin").status_code == 200  # from the model in memory


def test_a_cross_origin_page_may_read_the_request_id_and_retry_after(site):
    response = site.test_client().get("/api/v1/vocabularies", headers={"Origin": "https://embedder.example"})
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"x-request-id", "retry-after", "etag"} <= exposed


def test_index_builds_and_imports_are_counted(tmp_path):
    import json as _json

    from locator.ingest.importer import import_path

    with pages_app(tmp_path) as (app, _):
        build = "locator_index_build_duration_seconds_count"
        before = scrape(app)
        assert app.test_client().get("/api/v1/search?q=x").status_code == 200  # the first search builds the index
        path = tmp_path / "two.json"
        path.write_text(_json.dumps([partner_data(id="IMP1", name="Imported One"), partner_data(id="IMP2", name="Imported Two")]))
        with app.extensions["locator"].db.session() as session:
            import_path(session, path, geocoder=None)
            import_path(session, path, geocoder=None, dry_run=True)
        after = scrape(app)
    assert sample(after, build) - sample(before, build) == 1
    assert sample(after, "locator_imports_total", outcome="written") - sample(before, "locator_imports_total", outcome="written") == 1
    assert sample(after, "locator_imports_total", outcome="dry_run") - sample(before, "locator_imports_total", outcome="dry_run") == 1
    assert sample(after, "locator_imported_partners_total") - sample(before, "locator_imported_partners_total") == 2
