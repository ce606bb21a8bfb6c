"""/api/docs over HTTP: the server-rendered reference says each parameter's type properly, the page loads
the vendored Swagger UI and its initializer as files under the site's unchanged CSP (no inline script or
style), and the vendored assets are served from this origin."""
from __future__ import annotations

import html
import re

import pytest

from locator.search.query import PARAMETERS
from locator.web.openapi import document
from tests.conftest import ROOT


@pytest.fixture
def app(spatialite_db, make_app):
    return make_app(spatialite_db)


def rows(body: str) -> dict[str, str]:
    """parameter name → its row's text, for /api/v1/search's table."""
    section = re.search(r'<section id="search".*?</section>', body, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", section, re.S):
        text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split()))
        out[text.split()[0]] = text
    return out


def test_scalar_types_are_said_properly(app):
    body = app.test_client().get("/api/docs").get_data(as_text=True)
    assert "string of" not in body and "number of" not in body and " of </td>" not in body
    table = rows(body)
    assert set(PARAMETERS) | {"format", "geojson_features"} == set(table)
    assert "query number, -90 to 90 Latitude" in table["lat"]
    assert "string, at most 200 characters" in table["q"]
    assert "list of string (at most 20); repeatable" in table["language"]
    assert "string: relevance , distance , completeness , name ; default \"relevance\"" in table["sort"]
    assert "integer, 1 to 100; default 20" in table["per_page"]
    assert "boolean; default true" in table["include_remote"]


def test_the_page_loads_the_viewer_from_files_under_the_site_csp(app):
    response = app.test_client().get("/api/docs")
    body = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts == ['<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js" defer>',
                       '<script src="/static/api-docs.js" defer>']
    assert re.search(r'<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">', body)
    assert "<style" not in body and not re.search(r"<[a-z][^>]*\sstyle=", body)
    assert 'id="swagger-ui"' in body and 'data-spec-url="/api/openapi.json"' in body
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()
    for path in document()["paths"]:
        assert f"<code>{path}</code>" in body


def test_the_initializer_is_served_and_the_viewer_when_vendored(app):
    client = app.test_client()

    def fetch(path: str) -> tuple[int, str]:
        with client.get(path) as response:
            return response.status_code, response.get_data(as_text=True)

    status, script = fetch("/static/api-docs.js")
    assert status == 200 and "SwaggerUIBundle" in script
    assert fetch("/static/api-docs.css")[0] == 200
    bundle = ROOT / "locator" / "web" / "static" / "vendor" / "swagger-ui" / "swagger-ui-bundle.js"
    if not bundle.exists():
        pytest.skip("Swagger UI is not vendored here (scripts/vendor-assets.sh)")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert fetch(f"/static/vendor/swagger-ui/{name}")[0] == 200, name
