"""API v1 over HTTP (Flask test client) on both backends: search, profiles, errors, formats, caching,
CORS, seller tokens."""
from __future__ import annotations

import json

import pytest

from locator.auth import create_token
from tests.factories import office, partner_data
from locator.store import apply_partner

SECRET = {"channel_account_manager": "Cam Manager", "contacts": [{"name": "Sam Secret"}], "notes": "internal note"}


@pytest.fixture
def app(fresh_db, make_app):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="A", name="Berlin Kubernetes Shop", languages=["de", "en"],
                                            services=["kubernetes"], track="select", internal=SECRET,
                                            description="Kubernetes migration and training in Berlin"))
        apply_partner(session, partner_data(id="B", name="Potsdam Partner", languages=["de"],
                                            offices=[office(52.3906, 13.0645, city="Potsdam")], internal=SECRET))
        apply_partner(session, partner_data(id="C", name="Hidden Hamburg", published=False, internal=SECRET,
                                            offices=[office(53.55, 9.99, city="Hamburg")]))
        apply_partner(session, partner_data(id="D", name="Paris Remote", languages=["fr"], countries_served=["DE"],
                                            offices=[office(48.857, 2.352, city="Paris", country="FR")]))
    return make_app(fresh_db, cors_origins="https://allowed.example")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seller_headers(app):
    with app.extensions["locator"].db.session() as session:
        token = create_token(session, "Test seller")
    return {"Authorization": f"Bearer {token}"}


def get(client, url, **kw):
    response = client.get(url, **kw)
    return response, response.get_json(silent=True)


def test_search_near_a_city_with_facets_and_explain(client):
    response, body = get(client, "/api/v1/search?near=Berlin&radius_km=300&language=de&facets=all&explain=1")
    assert response.status_code == 200
    assert body["query"]["location"]["label"].startswith("Berlin") and body["query"]["location"]["source"]
    names = [r["name"] for r in body["results"]]
    assert names[:2] == ["Berlin Kubernetes Shop", "Potsdam Partner"]
    assert "Paris Remote" not in names  # language filter
    first = body["results"][0]
    assert first["distance_km"] < 5 and first["nearest_office"]["city"] == "Berlin"
    assert set(first["explain"]) >= {"distance_km", "text", "completeness", "track", "weighted"}
    assert body["facets"]["language"] == {"de": 2, "fr": 1, "en": 1}  # disjunctive: ignores language=de
    assert body["facets"]["track"] == {"select": 1, "open": 1}
    assert body["facet_labels"]["language"]["de"] == "German" and body["facet_labels"]["country"]["DE"] == "Germany"
    assert body["total"] == 2


def test_remote_partners_are_marked_and_can_be_left_out(client):
    _, body = get(client, "/api/v1/search?near=Berlin&radius_km=20")
    remote = {r["name"]: r["serves_remotely"] for r in body["results"]}
    assert remote == {"Berlin Kubernetes Shop": False, "Paris Remote": True}
    _, body = get(client, "/api/v1/search?near=Berlin&radius_km=20&include_remote=0")
    assert [r["name"] for r in body["results"]] == ["Berlin Kubernetes Shop"]


def test_a_country_means_an_office_in_it_or_serving_it(client):
    response, body = get(client, "/api/v1/search?near=Germany&sort=name")
    assert body["query"]["location"]["kind"] == "country" and body["query"]["radius_km"] is None
    assert {r["name"]: r["serves_remotely"] for r in body["results"]} == {
        "Berlin Kubernetes Shop": False, "Paris Remote": True, "Potsdam Partner": False}
    _, body = get(client, "/api/v1/search?near=Germany&include_remote=false")
    assert "Paris Remote" not in [r["name"] for r in body["results"]]
    _, body = get(client, "/api/v1/search?country=FR")
    assert [r["name"] for r in body["results"]] == ["Paris Remote"]
    _, body = get(client, "/api/v1/search?country=DE&sort=name")
    assert [r["name"] for r in body["results"]] == ["Berlin Kubernetes Shop", "Paris Remote", "Potsdam Partner"]


def test_text_search_with_typo(client):
    _, body = get(client, "/api/v1/search?q=kubernets")
    assert [r["name"] for r in body["results"]] == ["Berlin Kubernetes Shop"]


@pytest.mark.parametrize("q", ['AND (', "name:*", '"unbalanced', "))))", "%", "a" * 200])
def test_query_syntax_never_fails(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200


def test_validation_errors_name_the_field(client):
    for url, field in [
        ("/api/v1/search?per_page=1000", "per_page"),
        ("/api/v1/search?radius_km=999999", "radius_km"),
        ("/api/v1/search?language=klingon", "language"),
        ("/api/v1/search?lat=52", "lon"),
        ("/api/v1/search?page=0", "page"),
        ("/api/v1/search?bogus=1", "bogus"),
        ("/api/v1/search?format=xml", "format"),
        ("/api/v1/search?q=" + "x" * 201, "q"),
    ]:
        response, body = get(client, url)
        assert response.status_code == 400, url
        assert body["error"]["field"] == field and body["error"]["code"] == "invalid_parameter"


def test_unknown_place_suggests_places(client):
    response, body = get(client, "/api/v1/search?near=Berlinn")
    assert response.status_code == 400
    assert body["error"]["code"] == "unknown_place" and body["error"]["field"] == "near"
    assert body["error"]["suggestions"][0] == "Berlin, Germany"  # the nearest known name first
    assert "Berlinn" in body["error"]["message"]


def test_not_found_and_method_not_allowed(client):
    response, body = get(client, "/api/v1/partners/nobody")
    assert response.status_code == 404 and body["error"]["code"] == "not_found"
    response = client.post("/api/v1/search")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_huge_requests(client):
    response = client.get("/api/v1/search?q=" + "x" * 9000)
    assert response.status_code == 414
    response = client.get("/api/v1/search", data=b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413


def test_geojson_by_accept_and_by_format(client):
    for kw in ({"headers": {"Accept": "application/geo+json"}}, {"query_string": {"format": "geojson"}}):
        params = {"near": "Berlin", "radius_km": "100", "include_remote": "0", **kw.pop("query_string", {})}
        response = client.get("/api/v1/search", query_string=params, **kw)
        assert response.mimetype == "application/geo+json"
        body = response.get_json(force=True)
        assert body["type"] == "FeatureCollection"
        lon, lat = body["features"][0]["geometry"]["coordinates"]
        assert (round(lat, 2), round(lon, 2)) == (52.52, 13.4)
        assert body["features"][0]["properties"]["name"] == "Berlin Kubernetes Shop"


def test_etag_and_not_modified(client):
    response = client.get("/api/v1/search?near=Berlin")
    etag = response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get("/api/v1/search?near=Berlin", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_cors_allowed_and_refused(client):
    ok = client.get("/api/v1/search", headers={"Origin": "https://allowed.example"})
    assert ok.headers.get("Access-Control-Allow-Origin") == "https://allowed.example"
    refused = client.get("/api/v1/search", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    preflight = client.options("/api/v1/search", headers={"Origin": "https://allowed.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Authorization"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == "https://allowed.example"


def test_public_never_sees_internal_fields_or_unpublished_partners(client):
    urls = ["/api/v1/search?near=Hamburg&radius_km=1000&explain=1&facets=all", "/api/v1/search?q=hidden",
            "/api/v1/search?audience=seller", "/api/v1/partners/potsdam-partner", "/api/v1/suggest?q=hid",
            "/api/v1/search?near=Hamburg&format=geojson"]
    for url in urls:
        text = client.get(url, headers={"X-Audience": "seller"}).get_data(as_text=True)
        assert "Cam Manager" not in text and "Sam Secret" not in text and "internal note" not in text, url
        assert "Hidden Hamburg" not in text, url
    assert client.get("/api/v1/partners/hidden-hamburg").status_code == 404


def test_seller_token_sees_internal_fields_and_unpublished(client, seller_headers):
    response, body = get(client, "/api/v1/search?near=Hamburg&radius_km=50", headers=seller_headers)
    assert [r["name"] for r in body["results"]][0] == "Hidden Hamburg"
    assert body["results"][0]["internal"]["channel_account_manager"] == "Cam Manager"
    assert response.headers["Cache-Control"].startswith("private")
    profile = client.get("/api/v1/partners/hidden-hamburg", headers=seller_headers).get_json()
    assert profile["internal"]["notes"] == "internal note"


def test_bad_or_revoked_tokens_are_refused(app, client, seller_headers):
    response, body = get(client, "/api/v1/search", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and body["error"]["field"] == "Authorization"
    from datetime import datetime, timezone
    from locator.models import SellerToken

    with app.extensions["locator"].db.session() as session:
        for token in session.query(SellerToken):
            token.revoked_at = datetime.now(timezone.utc)
    assert client.get("/api/v1/search", headers=seller_headers).status_code == 401


def test_suggest_geocode_vocabularies(client):
    _, body = get(client, "/api/v1/suggest?q=berl")
    assert len(body["items"]) <= 10
    assert body["items"][0] == {"kind": "partner", "label": "Berlin Kubernetes Shop", "slug": "berlin-kubernetes-shop", "url": "/partners/berlin-kubernetes-shop"}
    assert any(item["kind"] == "place" for item in body["items"])
    _, body = get(client, "/api/v1/geocode?q=Berlin")
    assert body["location"]["country"] == "DE"
    response, body = get(client, "/api/v1/geocode")
    assert response.status_code == 400 and body["error"]["field"] == "q"
    _, body = get(client, "/api/v1/vocabularies")
    assert body["track"] == {"select": "Select", "open": "Open"} and body["language"]["de"] == "German"


def test_cli_prints_the_same_json(app, client, fresh_db, monkeypatch):
    from click.testing import CliRunner

    from locator.cli import main

    cfg = app.config["LOCATOR"]
    monkeypatch.setenv("LOCATOR_INDEX_DIR", cfg.index_dir)
    result = CliRunner().invoke(main, ["--database-url", cfg.database_url, "search", "--near", "Berlin",
                                       "--radius-km", "300", "--language", "de", "--language", "fr", "--facets", "all"])
    assert result.exit_code == 0, result.output
    api = client.get("/api/v1/search?near=Berlin&radius_km=300&language=de&language=fr&facets=all").get_json()
    assert json.loads(result.output) == api


@pytest.mark.parametrize("warm", [True, False])
def test_a_started_app_has_loaded_the_search_unless_told_not_to(fresh_db, make_app, tmp_path, warm):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="W", name="Warm Start Partner"))
    from locator.search import index

    index.build(fresh_db, tmp_path / "index")  # where make_app puts it (`locator reindex`)
    app = make_app(fresh_db, testing=False, warm_on_start=warm)
    locator = app.extensions["locator"].locator
    assert (locator.keeper._model is not None) is warm
    response = app.test_client().get("/api/v1/search?q=warm")
    assert [r["id"] for r in response.get_json()["results"]] == ["W"]


def test_warming_without_an_index_builds_it_in_the_background(fresh_db, make_app, tmp_path):
    """A started app on an empty index directory builds in the background: searches meanwhile get a
    quick 503 with Retry-After (never a wait for the build), then the partner is found."""
    import fcntl
    import time

    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="W", name="Warm Start Partner"))
    index_dir = tmp_path / "none-yet"
    index_dir.mkdir()
    statuses = []
    with open(index_dir / ".build.lock", "w") as held:  # as if another process were building: the build waits
        fcntl.flock(held, fcntl.LOCK_EX)
        app = make_app(fresh_db, testing=False, warm_on_start=True, index_dir=str(index_dir))
        client = app.test_client()
        started = time.monotonic()
        response = client.get("/api/v1/search?q=warm")
        statuses.append(response.status_code)
        assert response.status_code == 503 and response.headers["Retry-After"], response.get_data(as_text=True)
        assert time.monotonic() - started < 4.0  # told to retry, not made to wait for the build
        fcntl.flock(held, fcntl.LOCK_UN)
    deadline = time.monotonic() + 120
    while True:
        started = time.monotonic()
        response = client.get("/api/v1/search?q=warm")
        statuses.append(response.status_code)
        if response.status_code == 200:
            break
        assert response.status_code == 503 and response.headers["Retry-After"], response.get_data(as_text=True)
        assert response.get_json()["error"]["code"]
        assert time.monotonic() - started < 4.0 and time.monotonic() < deadline
        time.sleep(0.05)
    assert [r["id"] for r in response.get_json()["results"]] == ["W"]
    assert statuses[0] == 503  # the first search came while the build (a child process) ran: it did not wait
    assert (tmp_path / "none-yet" / "CURRENT").exists()
