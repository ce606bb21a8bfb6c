"""Per-client rate limits: searches share one budget (API, page, seller), suggest and geocode have their own,
every form post counts (sign-in posts against their own limit), and a refusal is a 429 with Retry-After in
the API's JSON error shape (the error page elsewhere). Each test sets tight limits of its own."""
from __future__ import annotations

import re

import pytest

from locator.auth import create_token
from locator.web.openapi import document
from tests.web.webapp import pages_app

# Hourly windows: a slow machine cannot see a window end in the middle of a test.
TIGHT = {"ratelimit_search": "3/hour", "ratelimit_suggest": "2/hour", "ratelimit_geocode": "2/hour",
         "ratelimit_sign_in": "2/hour", "ratelimit_forms": "2/hour"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("limits"), **TIGHT) as (app, slugs):
        yield app


def client_at(app, address: str, **headers):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return client


def assert_json_429(response) -> dict:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert 1 <= int(response.headers["Retry-After"]) <= 3601
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and error["field"] is None and "retry in" in error["message"]
    assert error["request_id"] == response.headers["X-Request-Id"]
    return error


def test_searches_share_one_budget_across_the_api_and_the_page(site):
    client = client_at(site, "192.0.2.1")
    assert client.get("/api/v1/search?near=Berlin").status_code == 200
    assert client.get("/?near=Berlin").status_code == 200
    assert client.get("/api/v1/search?q=cloud").status_code == 200
    error = assert_json_429(client.get("/api/v1/search?near=Berlin"))
    assert "search" in error["message"]
    page = client.get("/?near=Berlin", headers={"Accept": "text/html"})
    assert page.status_code == 429 and page.mimetype == "text/html" and int(page.headers["Retry-After"]) >= 1
    assert "too many requests" in page.get_data(as_text=True)
    # Other limits and unlimited routes are not touched by the search budget.
    assert client.get("/api/v1/suggest?q=be").status_code == 200
    assert client.get("/api/v1/vocabularies").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_clients_are_counted_apart(site):
    for _ in range(3):
        assert client_at(site, "192.0.2.2").get("/api/v1/search?q=x").status_code == 200
    assert client_at(site, "192.0.2.2").get("/api/v1/search?q=x").status_code == 429
    assert client_at(site, "192.0.2.3").get("/api/v1/search?q=x").status_code == 200


def test_a_forwarded_for_header_is_ignored_without_trusted_proxies(site):
    """Without proxy_hops a client cannot pick a fresh budget by sending X-Forwarded-For."""
    for n in range(3):
        assert client_at(site, "192.0.2.4", **{"X-Forwarded-For": f"198.51.100.{n}"}).get("/api/v1/search").status_code == 200
    assert client_at(site, "192.0.2.4", **{"X-Forwarded-For": "198.51.100.99"}).get("/api/v1/search").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_counts(tmp_path):
    with pages_app(tmp_path, proxy_hops=1, ratelimit_search="2/hour") as (app, _):
        proxy = "10.0.0.5"
        for _ in range(2):
            assert client_at(app, proxy, **{"X-Forwarded-For": "spoofed, 198.51.100.7"}).get("/api/v1/search").status_code == 200
        assert client_at(app, proxy, **{"X-Forwarded-For": "other, 198.51.100.7"}).get("/api/v1/search").status_code == 429
        assert client_at(app, proxy, **{"X-Forwarded-For": "198.51.100.8"}).get("/api/v1/search").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/suggest?q=ber", "/api/v1/geocode?q=Berlin"])
def test_suggest_and_geocode_have_their_own_limits(site, path):
    client = client_at(site, f"192.0.2.{10 + len(path)}")
    for _ in range(2):
        assert client.get(path).status_code == 200
    assert_json_429(client.get(path))
    assert client.get("/api/v1/search?q=x").status_code == 200


def csrf(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def test_sign_in_posts_are_limited_per_client_and_gets_are_not(site):
    with site.extensions["locator"].db.session() as session:
        token = create_token(session, "Limit Seller", "seller")
    client = client_at(site, "192.0.2.30")
    form = client.get("/sellers").get_data(as_text=True)
    for _ in range(2):
        assert client.post("/sellers/sign-in", data={"token": "wrong", "csrf_token": csrf(form)}).status_code == 401
    refused = client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf(form)})
    assert refused.status_code == 429 and refused.mimetype == "text/html" and refused.headers["Retry-After"]
    assert client.get("/sellers").status_code == 200  # the form itself still shows
    other = client_at(site, "192.0.2.31")
    form = other.get("/sellers").get_data(as_text=True)
    assert other.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf(form)}).status_code == 303


def test_every_other_form_post_counts_against_the_forms_limit(site):
    """A form no one listed (here: sign-out) is limited all the same."""
    client = client_at(site, "192.0.2.40")
    for _ in range(2):
        assert client.post("/sellers/sign-out").status_code != 429
    assert client.post("/sellers/sign-out").status_code == 429


def test_an_empty_setting_turns_a_limit_off(tmp_path):
    with pages_app(tmp_path, ratelimit_suggest="") as (app, _):
        client = client_at(app, "192.0.2.50")
        assert all(client.get("/api/v1/suggest?q=b").status_code == 200 for _ in range(5))


def test_the_api_description_names_the_429():
    paths = document()["paths"]
    for path in ("/api/v1/search", "/api/v1/suggest", "/api/v1/geocode"):
        assert "429" in paths[path]["get"]["responses"]
    too_many = document()["components"]["responses"]["TooManyRequests"]
    assert "Retry-After" in too_many["headers"]


def test_the_emailed_link_sign_in_counts_against_the_sign_in_limit(site):
    """POST /sign-in (a link by email) is a sign-in post: its endpoint's name puts it under ratelimit_sign_in,
    before its own per-address limit (3 different addresses here)."""
    client = client_at(site, "192.0.2.60")
    form = client.get("/sign-in").get_data(as_text=True)
    for n in range(2):
        assert client.post("/sign-in", data={"email": f"person{n}@example.org", "csrf_token": csrf(form)}).status_code != 429
    refused = client.post("/sign-in", data={"email": "person9@example.org", "csrf_token": csrf(form)})
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert client.get("/sign-in").status_code == 200
