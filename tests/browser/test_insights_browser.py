"""/admin/insights in Chromium: an admin signs in through the emailed link and sees the coverage map (graduated
circles, the gap in red) and the zero-result table; the charts load as images; no CSP violation, no JS error."""
from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe, screenshot, serve
from tests.support.accounts import add_user
from tests.support.smtp import link_in
from tests.web.webapp import pages_app

pytestmark = pytest.mark.browser

LIMITS = {"ratelimit_sign_in": "", "ratelimit_forms": "", "ratelimit_search": ""}


@pytest.fixture
def insights_site(tmp_path, smtp_server, host):
    host_server, _ = host
    with pages_app(tmp_path, xss=False, smtp_url=smtp_server.url, tile_attribution="Test tiles",
                   tile_url=f"{host_server.url}/tiles/{{z}}/{{x}}/{{y}}.png", **LIMITS) as (app, slugs):
        add_user(app, "admin@vendor.example", "admin")
        client = app.test_client()
        for url in ["/?near=Berlin"] * 3 + ["/?near=Munich&language=de"] * 2 + ["/api/v1/search?near=Lyon"] * 6 \
                + ["/?q=quantum%20mainframe%20wizardry"] * 4 + ["/api/v1/search?near=Paris&service=training"]:
            assert client.get(url).status_code == 200, url
        app.extensions["insights"].flush()
        server = serve(app)
        yield server
        server.stop()


def test_the_admin_sees_the_coverage_map_and_the_zero_result_table(insights_site, smtp_server, watched, context_factory):
    seen = watched()
    page = seen.page
    page.goto(insights_site.url + "/sign-in?next=/admin/insights")
    page.get_by_label("Email address").fill("admin@vendor.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.goto(link_in(smtp_server.wait_for("admin@vendor.example", count=1)[-1]))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Search insights").wait_for()
    page.wait_for_function("document.getElementById('insights-map').dataset.regions !== undefined")
    assert page.locator("#insights-map path.region-gap").count() >= 1  # Lyon: six searches, no partner there
    assert page.locator("#insights-map path.region").count() >= 1  # Berlin: searched and supplied
    zero = page.locator("#zero-results")
    assert "quantum mainframe wizardry" in zero.inner_text()
    gap_row = page.locator("#regions-table tr.gap").first
    assert "Auvergne" in gap_row.inner_text() or "Rhône" in gap_row.inner_text()
    for chart in page.locator("img.chart").all():
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert seen.errors == []
    screenshot(page, "admin-insights-test")
    axe_page = context_factory(bypass_csp=True, storage_state=page.context.storage_state()).new_page()  # only to inject axe
    axe_page.goto(insights_site.url + "/admin/insights")
    axe_page.wait_for_function("document.getElementById('insights-map').dataset.regions !== undefined")
    assert run_axe(axe_page, "main") == []
