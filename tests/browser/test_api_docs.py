"""/api/docs in Chromium: the vendored Swagger UI renders the OpenAPI document under the site's CSP (no
violations), lists /api/v1/search, and "Try it out" calls the API on the same origin (200); without
JavaScript the server-rendered reference lists every endpoint and parameter."""
from __future__ import annotations

import re

import pytest

from locator.search.query import PARAMETERS
from tests.browser.conftest import screenshot
from tests.conftest import ROOT, unavailable

pytestmark = pytest.mark.browser

BUNDLE = ROOT / "locator" / "web" / "static" / "vendor" / "swagger-ui" / "swagger-ui-bundle.js"


@pytest.fixture(autouse=True)
def _vendored():
    if not BUNDLE.exists():
        unavailable("Swagger UI is not vendored: run scripts/vendor-assets.sh (npm ci)")


def test_swagger_ui_renders_and_try_it_out_calls_the_api(site, watched):
    w = watched()
    page = w.page
    page.goto(f"{site.url}/api/docs")
    page.wait_for_selector("html.api-viewer-ready", timeout=20000)
    search = page.locator("#operations-partners-search")
    search.wait_for(timeout=10000)
    assert "/api/v1/search" in search.locator(".opblock-summary").inner_text()
    assert page.locator(".api-fallback").is_hidden()  # the viewer replaces the static listing
    search.locator(".opblock-summary").click()
    search.get_by_role("button", name="Try it out").click()
    search.locator('tr[data-param-name="near"] input').fill("Berlin")
    search.locator('tr[data-param-name="radius_km"] input').fill("50")
    with page.expect_response(lambda r: "/api/v1/search?" in r.url) as caught:
        search.get_by_role("button", name="Execute").click()
    response = caught.value
    assert response.status == 200 and response.url.startswith(f"{site.url}/api/v1/search?")
    assert "near=Berlin" in response.url and "radius_km=50" in response.url
    status = search.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=10000)
    assert status.inner_text().strip() == "200"
    assert "Acme Berlin DevOps" in search.locator(".live-responses-table").inner_text()
    screenshot(page, "api-docs-swagger-try-it-out")
    assert w.errors == [], w.errors


def test_an_invalid_value_shows_the_api_error_with_its_suggestion(site, watched):
    w = watched()
    page = w.page
    page.goto(f"{site.url}/api/docs#/partners/search")
    search = page.locator("#operations-partners-search")
    search.wait_for(timeout=20000)
    if not search.get_by_role("button", name="Try it out").is_visible():
        search.locator(".opblock-summary").click()
    search.get_by_role("button", name="Try it out").click()
    row = search.locator('tr[data-param-name="service"]')
    row.get_by_role("button", name="Add string item").click()
    row.locator("input").first.fill("kubernets")
    with page.expect_response(lambda r: "/api/v1/search?" in r.url) as caught:
        search.get_by_role("button", name="Execute").click()
    assert caught.value.status == 400
    body = search.locator(".live-responses-table tbody .response-col_description").first
    body.wait_for(timeout=10000)
    assert '"suggestion": "kubernetes"' in body.inner_text()
    assert w.errors == [], w.errors


def test_without_javascript_the_reference_lists_everything(site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(f"{site.url}/api/docs")
    fallback = page.locator(".api-fallback")
    assert fallback.is_visible()
    text = fallback.inner_text()
    for path in ("/api/v1/search", "/api/v1/partners/{slug}", "/api/v1/vocabularies"):
        assert path in text
    rows = {row.locator("td").first.inner_text().split()[0]: row.inner_text()
            for row in page.locator("#search tbody tr").all()}
    assert set(PARAMETERS) <= set(rows)
    assert re.search(r"lat\s+query\s+number, -90 to 90", rows["lat"])
    assert "list of string" in rows["language"] and "string of" not in text and "number of" not in text
    # Styled by the site's stylesheets (a <style> block would be blocked by the CSP)
    assert page.evaluate("getComputedStyle(document.querySelector('.api-operation')).borderTopStyle") == "solid"
    screenshot(page, "api-docs-without-javascript")
