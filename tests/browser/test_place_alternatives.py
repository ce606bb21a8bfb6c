"""The other readings of an ambiguous place in Chromium: the page's "Did you mean" link and the widget's
button each search that reading."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_widget import host_page, shadow_texts

pytestmark = pytest.mark.browser


def test_the_page_and_the_widget_offer_the_other_readings(site, host, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Paris&radius_km=50")
    page.locator(".results-heading", has_text="near Paris, France").wait_for()
    link = page.locator(".did-you-mean a", has_text="Paris, TX, United States")
    assert "Did you mean" in page.locator(".did-you-mean").inner_text()
    screenshot(page, "did-you-mean-page")
    link.click()
    page.wait_for_url(re.compile(r"near=Paris%2C\+TX"))
    page.locator(".results-heading", has_text="near Paris, TX, United States").wait_for()

    host_server, pages = host
    pages.pages["/paris.html"] = host_page(site.url, 'near="Paris" radius-km="50"', css="", includes=1)
    page.goto(host_server.url + "/paris.html")
    page.locator("partner-locator li.result").first.wait_for()
    assert "Did you mean" in shadow_texts(page, ".status")[0]
    choice = page.locator("partner-locator .did-you-mean button", has_text="Paris, TX, United States")
    screenshot(page, "did-you-mean-widget")
    choice.click()
    page.locator("partner-locator .status", has_text="near Paris, TX").wait_for()
    assert page.locator("partner-locator input[name=near]").input_value() == "Paris, TX, United States"
    assert w.errors == []
