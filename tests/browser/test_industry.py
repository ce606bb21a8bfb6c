"""`industry` (added through the filter registry) in Chromium: the page's filter group finds the partner
in that industry, and the widget on another origin offers it, takes it as a preset and a lock."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_widget import host_page, shadow_texts

pytestmark = pytest.mark.browser


def test_the_page_filters_by_industry(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Berlin&radius_km=1000&sort=name")
    group = page.locator("fieldset[data-filter=industry]")
    assert group.locator("legend").inner_text() == "Industries"
    assert group.locator("label[for=industry-finance]").inner_text().startswith("Financial services")
    page.locator("#industry-finance").check()
    page.wait_for_url(re.compile(r"industry=finance"))
    page.wait_for_function("() => document.querySelector('#industry-finance').checked && !document.querySelector('#results').hasAttribute('aria-busy')")
    assert page.locator(".result-name a").all_inner_texts() == ["Acme Berlin DevOps"]
    group.scroll_into_view_if_needed()
    screenshot(page, "industry-filter-page", full_page=False)
    assert w.errors == []


def test_the_widget_offers_industry_as_a_preset_and_a_lock(site, host, watched):
    host_server, pages = host
    pages.pages["/industry.html"] = host_page(site.url, 'near="Berlin" radius-km="1000" industry="finance"', css="", includes=1)
    pages.pages["/industry-locked.html"] = host_page(site.url, 'near="Berlin" radius-km="1000" industry="finance" lock="industry"',
                                                     css="", includes=1)
    w = watched()
    page = w.page
    page.goto(host_server.url + "/industry.html")
    page.locator("partner-locator li.result").first.wait_for()
    assert shadow_texts(page, "li.result h3 a") == ["Acme Berlin DevOps"]
    industry = page.locator("partner-locator select[name=industry]")
    assert industry.input_value() == "finance"
    assert "Financial services" in industry.locator("option:checked").inner_text()
    screenshot(page, "industry-filter-widget")
    industry.select_option("")  # any industry: more partners
    page.wait_for_function("() => document.querySelector('partner-locator').shadowRoot.querySelectorAll('li.result').length > 1")
    page.evaluate("document.querySelector('partner-locator').setAttribute('industry', 'finance')")  # an observed attribute
    page.wait_for_function("() => document.querySelector('partner-locator').shadowRoot.querySelectorAll('li.result').length === 1")
    page.goto(host_server.url + "/industry-locked.html")
    page.locator("partner-locator li.result").first.wait_for()
    assert page.locator("partner-locator select[name=industry]").count() == 0
    assert "Financial services" in shadow_texts(page, "[data-filter=industry] .locked")[0]
    assert w.errors == []
