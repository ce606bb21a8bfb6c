"""Security headers: CSP without inline scripts on every page, nosniff, referrer policy, framing rules."""
from __future__ import annotations

import re

import pytest

from locator.web.security import content_security_policy, frame_ancestors, origin_of
from tests.web.webapp import pages_app

PAGES = ["/", "/?near=Berlin", "/widget", "/sellers", "/partners/acme-berlin-devops", "/partners/nope", "/embed"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("headers"), xss=False, cors_origins="https://shop.example,https://blog.example") as (app, _):
        yield app


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_headers(site, path):
    response = site.test_client().get(path)
    csp = directives(response)
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    assert "http://127.0.0.1:9" in csp["img-src"]  # the configured tile host
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/embed"] + ["/api/v1/vocabularies"])
def test_pages_may_not_be_framed(site, path):
    response = site.test_client().get(path)
    assert directives(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_embed_may_be_framed_by_the_configured_origins(site):
    response = site.test_client().get("/embed?near=Berlin")
    assert directives(response)["frame-ancestors"] == "'self' https://shop.example https://blog.example"
    assert "X-Frame-Options" not in response.headers


def test_seller_pages_are_not_cached(site):
    assert site.test_client().get("/sellers").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/widget", "/sellers", "/embed", "/partners/acme-berlin-devops"])
def test_pages_have_no_inline_scripts_or_handlers(site, path):
    body = site.test_client().get(path).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert 'src="' in tag or 'type="application/ld+json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", body), "inline event handler"
    assert not re.search(r"<[a-z][^>]*\sstyle=", body), "inline style attribute (style-src 'self' blocks it)"


def test_policy_helpers():
    assert origin_of("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert origin_of("/tiles/{z}/{x}/{y}.png") is None
    assert frame_ancestors("*") == "*"
    assert frame_ancestors("https://a.example") == "'self' https://a.example"
    assert "img-src 'self' data: https:" in content_security_policy("/local/{z}.png", "'none'")
