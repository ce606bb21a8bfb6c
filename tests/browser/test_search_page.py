"""The public search page in Chromium: place autocomplete, my location, filters with counts, paging,
profile, shared URL, back button, a map that survives missing tiles."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MOBILE, screenshot

pytestmark = pytest.mark.browser


def names(page) -> list[str]:
    return page.locator(".result-name a").all_inner_texts()


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def count_of(page, option_id: str) -> int:
    text = page.locator(f"label[for='{option_id}'] .count").inner_text()
    return int(re.sub(r"\D", "", text))


def test_search_by_place_with_autocomplete(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/")
    assert page.locator("html.js").count() == 1
    page.fill("#near", "Berl")
    page.locator("#near-suggestions [role=option]").first.wait_for()
    assert page.locator("#near").get_attribute("aria-expanded") == "true"
    options = page.locator("#near-suggestions [role=option]").all_inner_texts()
    place = next(i for i, text in enumerate(options) if text.startswith("Berlin") and "(partner)" not in text)
    assert any("(partner)" in text for text in options)  # partner names are suggested too
    for _ in range(place + 1):
        page.keyboard.press("ArrowDown")
    assert page.locator("#near-suggestions [aria-selected=true]").inner_text() == options[place]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"near=Berlin"))
    page.locator(".results-heading", has_text="near Berlin").wait_for()
    assert "Acme Berlin DevOps" in names(page)
    explain = page.locator(".result", has_text="Acme Berlin DevOps").locator(".explain").inner_text()
    assert re.fullmatch(r"(in Berlin|[\d.,]+ km from Berlin) · Select partner", explain)
    page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
    screenshot(page, "search-desktop")
    assert w.errors == []


def test_use_my_location(site, watched):
    w = watched(geolocation={"latitude": 48.137, "longitude": 11.575}, permissions=["geolocation"])
    page = w.page
    page.goto(site.url + "/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r"lat=48\.137"))
    assert params(page.url)["lon"] == ["11.57500"]
    page.locator(".result").first.wait_for()
    assert names(page)[0] == "München Cloud Partner"
    assert page.locator("#near").get_attribute("placeholder") == "Your location"
    assert w.errors == []


def test_filters_change_counts_and_results_and_the_back_button(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Berlin&radius_km=1000&sort=name")
    before_names = names(page)
    before_total = page.locator(".results-heading").inner_text()
    before_de = count_of(page, "language-de")
    page.locator("#service-kubernetes").check()
    page.wait_for_url(re.compile(r"service=kubernetes"))
    page.wait_for_function("() => document.querySelector('#service-kubernetes').checked === true && !document.querySelector('#results').hasAttribute('aria-busy')")
    after_names = names(page)
    assert after_names and after_names != before_names
    assert all("Kubernetes" in facts for facts in page.locator(".result .facts").all_inner_texts())
    assert page.locator(".results-heading").inner_text() != before_total
    assert count_of(page, "language-de") < before_de
    assert page.evaluate("document.activeElement.id") == "service-kubernetes"  # focus stays on the control
    page.go_back()
    page.wait_for_function("() => !document.querySelector('#service-kubernetes').checked")
    page.wait_for_function(f"() => document.querySelector('.results-heading').innerText === {before_total!r}")
    assert names(page) == before_names
    assert "service" not in params(page.url)
    assert w.errors == []


def test_paging_and_back(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Berlin&radius_km=100&per_page=5&sort=name")
    first = names(page)
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function("() => document.querySelector('.pager [aria-current=page]').innerText === '2'")
    second = names(page)
    assert len(second) == 5 and not set(first) & set(second)
    page.go_back()
    page.wait_for_function("() => document.querySelector('.pager [aria-current=page]').innerText === '1'")
    assert names(page) == first
    page.go_forward()
    page.wait_for_function("() => document.querySelector('.pager [aria-current=page]').innerText === '2'")
    assert names(page) == second
    assert w.errors == []


def test_shared_url_gives_the_same_results(site, watched):
    page = watched().page
    page.goto(site.url + "/?near=Berlin&radius_km=1000")
    page.locator("#language-de").check()
    page.wait_for_url(re.compile(r"language=de"))
    page.locator("#sort").select_option("distance")
    page.wait_for_url(re.compile(r"sort=distance"))
    page.wait_for_function("() => !document.querySelector('#results').hasAttribute('aria-busy')")
    shared, shown = page.url, names(page)
    other = watched().page  # another browser context: no state but the URL
    other.goto(shared)
    assert names(other) == shown
    assert other.locator("#language-de").is_checked()
    assert other.locator("#sort").input_value() == "distance"


def test_open_a_profile(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Berlin&radius_km=50&sort=distance")
    page.get_by_role("link", name="Acme Berlin DevOps", exact=True).click()
    page.wait_for_url(re.compile(r"/partners/acme-berlin-devops(\?from=[0-9a-f]{12}\.1)?$"))  # ?from: search insights
    assert page.locator("h1").inner_text() == "Acme Berlin DevOps"
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator(".leaflet-control-attribution", has_text="Test tiles").count() == 1
    screenshot(page, "profile-desktop")
    page.set_viewport_size(MOBILE)
    screenshot(page, "profile-mobile")
    assert w.errors == []


def test_hebrew_profile_renders_right_to_left(site, watched):
    page = watched().page
    page.goto(site.url + f"/partners/{site.slugs['hebrew']}")
    assert page.locator(".description").evaluate("el => getComputedStyle(el).direction") == "rtl"
    screenshot(page, "profile-hebrew-desktop")


def test_page_is_usable_when_tiles_fail(site, context_factory):
    context = context_factory()
    context.route("**/tiles/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(site.url + "/?near=Berlin&radius_km=100")
    page.locator(".map-note", has_text="could not be loaded").wait_for()
    assert page.locator(".result").count() > 0
    assert page.locator(".leaflet-marker-icon, .marker-cluster").count() > 0


def test_works_without_javascript(site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(site.url + "/")
    page.fill("#near", "Berlin")
    page.locator("#radius_km").select_option("50")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"near=Berlin"))
    assert "Acme Berlin DevOps" in names(page)
    assert page.locator("#map").is_hidden()
    page.locator("#language-de").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"language=de"))
    assert params(page.url)["near"] == ["Berlin"]


def test_mobile_layout(site, watched):
    w = watched(viewport=MOBILE)
    page = w.page
    page.goto(site.url + "/?near=Berlin&radius_km=100")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], "no horizontal scrolling at 360 px"
    assert not page.locator(".filters-details").evaluate("el => el.open")
    screenshot(page, "search-mobile")
    page.locator(".filters-details summary").click()
    screenshot(page, "search-mobile-filters", full_page=False)


def test_logo_that_fails_to_load_becomes_the_initial(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Paris&radius_km=50")
    card = page.locator(".result", has_text="Paris Conseil")
    card.locator(".logo-placeholder").wait_for()
    assert card.locator(".logo-placeholder").inner_text() == "P"
    # the initial is rendered by the server; the broken <img> goes when its error event fires
    expect(card.locator(".result-logo img")).to_have_count(0)
    card.get_by_role("link", name="Paris Conseil", exact=True).click()
    page.locator(".logo-placeholder.profile-logo").wait_for()
    expect(page.locator("img.profile-logo")).to_have_count(0)
    assert w.errors == []
