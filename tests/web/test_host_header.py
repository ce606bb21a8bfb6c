"""Absolute URLs never come from a forged Host header: from `public_url`, else only from a host in
`allowed_hosts`; anything else is a 400 on the pages that print absolute URLs."""
from __future__ import annotations

import re

import pytest

from locator.auth import create_token
from locator.config import Config
from tests.web.webapp import pages_app

EVIL = "evil.example"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("hosts"), xss=False) as (app, _):
        yield app


@pytest.fixture(scope="module")
def site_with_public_url(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("hosts-public"), xss=False,
                   public_url="https://partners.example.com/") as (app, _):
        yield app


def signed_in_client(app, host: str | None = None):
    with app.extensions["locator"].db.session() as db:
        token = create_token(db, "Host Seller", "seller")
    client = app.test_client()
    form = client.get("/sellers").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf}).status_code == 303
    return client


def get(client, path: str, host: str):
    """A request naming another host; the session cookie (kept for localhost) goes along all the same."""
    cookie = client.get_cookie("locator_session")
    headers = {"Host": host, **({"Cookie": f"locator_session={cookie.value}"} if cookie else {})}
    return client.application.test_client(use_cookies=False).get(path, headers=headers)


@pytest.mark.parametrize("host", [EVIL, f"{EVIL}:80", "localhost.evil.example", "127.0.0.1.evil.example",
                                  "evil.example@localhost", "LOCALHOST.evil.example:5000"])
def test_a_forged_host_never_reaches_the_widget_snippets(site, host):
    response = get(site.test_client(), "/widget", host)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "evil" not in body.replace("Host", "")
    assert "unknown host" in body.lower()


@pytest.mark.parametrize("host, base", [("localhost", "http://localhost"), ("localhost:5000", "http://localhost:5000"),
                                        ("127.0.0.1:8000", "http://127.0.0.1:8000"), ("[::1]:8000", "http://[::1]:8000"),
                                        ("LocalHost:5000", "http://localhost:5000")])
def test_allowed_hosts_with_any_port_build_the_snippets(site, host, base):
    response = get(site.test_client(), "/widget", host)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'src="{base}/widget.js"' in body.replace("&#34;", '"').replace("&quot;", '"') or f"{base}/widget.js" in body


def test_the_public_url_wins_over_any_host(site_with_public_url):
    response = get(site_with_public_url.test_client(), "/widget", EVIL)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "https://partners.example.com/widget.js" in body and EVIL not in body


def test_the_widget_page_has_cache_headers(site, site_with_public_url):
    for app, host in ((site, "localhost:5000"), (site_with_public_url, EVIL)):
        response = get(app.test_client(), "/widget", host)
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert "Host" in response.headers.get("Vary", "")


def assert_profile_urls(body: str, base: str) -> None:
    """Every profile link in the CSV (whatever its column is called) starts with `base`."""
    links = re.findall(r"[a-z]+://[^,\"\s]*/partners/[^,\"\s]+", body)
    assert len(links) >= 3 and all(link.startswith(base) for link in links), links[:5]
    assert EVIL not in body


def test_a_forged_host_never_reaches_the_seller_csv(site):
    client = signed_in_client(site)
    response = get(client, "/sellers/export.csv?near=Berlin&radius_km=50", EVIL)
    assert response.status_code == 400
    assert EVIL not in response.get_data(as_text=True)
    response = get(client, "/sellers/export.csv?near=Berlin&radius_km=50", "localhost:5000")
    assert response.status_code == 200
    assert_profile_urls(response.get_data(as_text=True), "http://localhost:5000/partners/")


def test_the_seller_csv_uses_the_public_url(site_with_public_url):
    client = signed_in_client(site_with_public_url)
    response = get(client, "/sellers/export.csv?near=Berlin&radius_km=50", EVIL)
    assert response.status_code == 200
    assert_profile_urls(response.get_data(as_text=True), "https://partners.example.com/partners/")


def test_other_pages_still_answer_any_host(site):
    """Only pages that print absolute URLs need a known host; relative links work behind any name."""
    for path in ("/", "/partners/acme-berlin-devops", "/api/v1/vocabularies", "/healthz"):
        assert get(site.test_client(), path, EVIL).status_code in (200, 503), path


def test_allowed_hosts_is_a_documented_setting():
    cfg = Config.from_env(env={"LOCATOR_ALLOWED_HOSTS": "partners.example.com, .Example.org"})
    assert cfg.allowed_hosts == "partners.example.com, .Example.org"
    assert Config().allowed_hosts == "localhost,127.0.0.1,[::1]"


@pytest.mark.parametrize("host, allowed", [
    ("localhost", True), ("localhost:1", True), ("[::1]:5000", True), ("127.0.0.1", True),
    ("partners.example.org", True), ("example.org:8443", True), ("a.b.example.org", True),
    ("example.org.evil", False), ("notexample.org", False), ("evil.example", False), ("", False),
    ("localhost:notaport", False), ("localhost/x", False), ("user@localhost", False), ("local host", False),
    ("[::2]:5000", False), ("127.0.0.2", False),
])
def test_host_allowed(host, allowed):
    from locator.web.security import host_allowed

    assert host_allowed(host, "localhost, 127.0.0.1,[::1], .Example.org") is allowed
