"""The widget on another origin (another port): finds partners, presets and locks apply, hostile host CSS
does not reach it, a second include is harmless, a disallowed origin is refused; the iframe embed sizes itself."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import MOBILE, run_axe, screenshot

pytestmark = pytest.mark.browser

HOSTILE_CSS = """
* { display: none !important; color: red !important; font-size: 3px !important; }
html, body { display: block !important; }
partner-locator, partner-locator * { display: none !important; background: red !important; visibility: hidden !important; }
li, a, h3, select, input, button { display: none !important; color: red !important; }
"""


def host_page(site_url: str, attrs: str, css: str = HOSTILE_CSS, includes: int = 2) -> str:
    script = f'<script src="{site_url}/widget.js" async></script>\n' * includes
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title>
<style>{css}</style></head><body><h1>Our partners</h1>
<partner-locator {attrs}></partner-locator>
{script}</body></html>"""


def shadow_texts(page, selector: str) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelector('partner-locator').shadowRoot.querySelectorAll(sel)].map(e => e.textContent)",
        selector,
    )


def test_widget_on_another_origin_with_presets_and_hostile_css(site, host, watched):
    host_server, pages = host
    pages.pages["/shop.html"] = host_page(site.url, 'near="Berlin" language="de" service="support" per-page="3" lock="language" radius-km="250"')
    w = watched()
    page = w.page
    page.goto(host_server.url + "/shop.html")
    page.locator("partner-locator li.result").first.wait_for()
    names = shadow_texts(page, "li.result h3 a")
    assert 1 <= len(names) <= 3
    assert all(name.startswith("Berlin Partner") for name in names)
    facts = shadow_texts(page, "li.result .facts")
    assert all("German" in f and "Support" in f for f in facts)
    status = shadow_texts(page, ".status")[0]
    assert "near Berlin" in status
    # presets: language is locked (shown as text, no control); service is preset but can be changed
    assert page.locator("partner-locator select[name=language]").count() == 0
    assert "German" in shadow_texts(page, "[data-filter=language] .locked")[0]
    assert page.locator("partner-locator select[name=service]").input_value() == "support"
    assert page.locator("partner-locator select[name=radius_km]").input_value() == "250"
    # the hostile CSS does not reach inside: visible, readable, normal size
    box = page.locator("partner-locator").bounding_box()
    assert box and box["height"] > 100
    link = page.locator("partner-locator li.result h3 a").first
    assert link.is_visible()
    style = link.evaluate("a => { const s = getComputedStyle(a); return [s.color, s.fontSize, s.display]; }")
    assert style[0] != "rgb(255, 0, 0)" and style[1] == "17px" and style[2] != "none"
    assert page.evaluate("document.querySelectorAll('partner-locator').length") == 1
    assert page.evaluate("customElements.get('partner-locator') !== undefined")
    # changing a filter searches again; the profile link points at the locator
    page.locator("partner-locator select[name=service]").select_option("")
    page.wait_for_function("() => document.querySelector('partner-locator').shadowRoot.querySelector('select[name=service]').value === ''")
    assert page.locator("partner-locator li.result h3 a").first.get_attribute("href").startswith(site.url + "/partners/")
    screenshot(page, "widget-host-desktop")
    page.set_viewport_size(MOBILE)
    screenshot(page, "widget-host-mobile")
    assert w.errors == []


def test_widget_theming_and_map(site, host, watched):
    host_server, pages = host
    css = "partner-locator { --pl-accent: rgb(11, 110, 79); --pl-font: Georgia, serif; }"
    pages.pages["/themed.html"] = host_page(site.url, 'near="Munich" map="true" radius-km="100"', css=css, includes=1)
    page = watched().page
    page.goto(host_server.url + "/themed.html")
    page.locator("partner-locator li.result").first.wait_for()
    button = page.locator("partner-locator button[type=submit]")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 110, 79)"
    assert "Georgia" in page.locator("partner-locator").evaluate("e => getComputedStyle(e).fontFamily")
    page.locator("partner-locator .leaflet-marker-icon").first.wait_for()
    screenshot(page, "widget-themed-map")


def test_widget_country_search_names_the_country_not_a_distance(site, host, watched):
    host_server, pages = host
    pages.pages["/country.html"] = host_page(site.url, 'near="Deutschland"', css="", includes=1)
    page = watched().page
    page.goto(host_server.url + "/country.html")
    page.locator("partner-locator li.result").first.wait_for()
    explains = shadow_texts(page, "li.result .explain")
    assert explains and all(re.match(r"(office in (.+, )?Germany|serves Germany remotely( from [^·]+)?) · ", e) for e in explains)
    status = shadow_texts(page, "p.status")[0]  # the radius select does not apply to an area: it says so
    assert " in Germany (an office there or serving it: the distance applies to a city or postal code, not to a " \
           "whole country)" in status, status


def test_widget_from_a_disallowed_origin_is_refused(site, other_host, watched):
    server, pages = other_host
    pages.pages["/evil.html"] = host_page(site.url, 'near="Berlin"', css="", includes=1)
    page = watched().page
    page.goto(server.url + "/evil.html")
    page.locator("partner-locator .status.error").wait_for()
    assert page.locator("partner-locator li.result").count() == 0


def test_iframe_embed_sizes_itself(site, host, watched):
    host_server, pages = host
    pages.pages["/frame.html"] = f"""<!doctype html><html lang="en"><head><title>Framed</title></head><body>
<iframe id="pl" src="{site.url}/embed?near=Berlin&per_page=4&radius_km=100" title="Partner search" data-partner-locator style="width:100%;height:150px;border:0"></iframe>
<script src="{site.url}/embed-host.js" async></script></body></html>"""
    page = watched().page
    page.goto(host_server.url + "/frame.html")
    frame = page.frame_locator("#pl")
    frame.locator(".result").first.wait_for()
    assert frame.locator(".result").count() == 4
    page.wait_for_function("() => document.getElementById('pl').getBoundingClientRect().height > 400")
    content = page.frames[1].evaluate("document.documentElement.getBoundingClientRect().height")
    assert abs(page.locator("#pl").bounding_box()["height"] - content) < 5
    assert frame.locator(".result-name a").first.get_attribute("target") == "_blank"
    screenshot(page, "embed-iframe-desktop")


def test_other_origins_cannot_frame_the_public_pages(site, other_host, watched):
    server, pages = other_host
    pages.pages["/frames.html"] = f"""<!doctype html><html><body>
<iframe id="a" src="{site.url}/sellers"></iframe><iframe id="b" src="{site.url}/embed?near=Berlin"></iframe></body></html>"""
    page = watched().page
    page.goto(server.url + "/frames.html")
    page.wait_for_timeout(1500)
    urls = [f.url for f in page.frames]
    texts = []
    for f in page.frames[1:]:
        try:
            texts.append(f.evaluate("document.body ? document.body.innerText : ''"))
        except Exception:
            texts.append("")
    assert not any("Seller sign-in" in t for t in texts), urls
    assert not any("partners" in t for t in texts), "the embed only allows the configured origins"


def test_widget_unknown_place_offers_the_apis_suggestions(site, host, watched):
    host_server, pages = host
    pages.pages["/typo.html"] = host_page(site.url, 'near="Berlni" radius-km="100"', css=HOSTILE_CSS, includes=1)
    w = watched()
    page = w.page
    page.goto(host_server.url + "/typo.html")
    page.locator("partner-locator .status.error").wait_for()
    status = shadow_texts(page, ".status")[0]
    assert "unknown place" not in status and "Berlni" in status
    choice = page.locator("partner-locator .did-you-mean button", has_text="Berlin, Germany")
    assert choice.is_visible()
    screenshot(page, "widget-unknown-place")
    choice.click()
    page.locator("partner-locator li.result").first.wait_for()
    assert page.locator("partner-locator input[name=near]").input_value() == "Berlin, Germany"
    assert "near Berlin" in shadow_texts(page, ".status")[0]
    assert page.locator("partner-locator .did-you-mean button").count() == 0
    assert w.errors == []


def test_widget_map_markers_go_with_an_error_and_a_new_search(site, host, watched):
    host_server, pages = host
    pages.pages["/markers.html"] = host_page(site.url, 'near="Berlin" map="true" radius-km="100"', css="", includes=1)
    page = watched().page
    page.goto(host_server.url + "/markers.html")
    markers = page.locator("partner-locator .leaflet-marker-icon")
    markers.first.wait_for()
    near = page.locator("partner-locator input[name=near]")
    near.fill("Berlni")
    page.locator("partner-locator button[type=submit]").click()
    page.locator("partner-locator .status.error").wait_for()
    assert markers.count() == 0
    assert page.locator("partner-locator .leaflet-interactive").count() == 0  # nor the searched place's mark
    # a new search shows only its own results' markers
    near.fill("Munich")
    page.locator("partner-locator button[type=submit]").click()
    page.locator("partner-locator li.result").first.wait_for()
    page.wait_for_function("() => document.querySelector('partner-locator').shadowRoot.querySelectorAll('.leaflet-marker-icon').length > 0")
    titles = markers.evaluate_all("icons => icons.map(i => i.getAttribute('title'))")
    names = shadow_texts(page, "li.result h3 a")
    # the map (map.js, as on the pages) shows the markers in view; a far office (Madrid) is off the map
    assert titles and set(titles) <= set(names) and "München Cloud Partner" in titles


def test_widget_place_autocomplete_is_a_keyboard_combobox(site, host, watched):
    host_server, pages = host
    pages.pages["/suggest.html"] = host_page(site.url, 'near="Berlin"', css=HOSTILE_CSS, includes=1)
    w = watched()
    page = w.page
    page.goto(host_server.url + "/suggest.html")
    page.locator("partner-locator li.result").first.wait_for()
    near = page.locator("partner-locator input[name=near]")
    assert near.get_attribute("role") == "combobox" and near.get_attribute("aria-expanded") == "false"
    listbox = page.locator("partner-locator #" + near.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox"
    # places only: a partner's name is not offered
    near.fill("")
    near.press_sequentially("Ber")
    page.locator("partner-locator [role=option]").first.wait_for()
    options = page.locator("partner-locator [role=option]").all_text_contents()
    assert options and not any("Partner" in o or "Acme" in o for o in options), options
    near.fill("")
    near.press_sequentially("Muni")
    page.locator("partner-locator [role=option]", has_text="Munich, Germany").wait_for()
    assert near.get_attribute("aria-expanded") == "true"
    assert run_axe(page, "partner-locator") == []
    screenshot(page, "widget-place-autocomplete")
    near.press("ArrowDown")
    first = page.locator("partner-locator [role=option]").first
    assert near.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    near.press("Escape")
    assert not listbox.is_visible() and near.get_attribute("aria-expanded") == "false"
    near.press("ArrowDown")  # opens it again
    page.locator("partner-locator [role=option]", has_text="Munich, Germany").wait_for()
    near.press("Enter")
    page.wait_for_function("() => document.querySelector('partner-locator').shadowRoot.querySelector('.status').textContent.includes('near Munich')")
    assert near.input_value() == "Munich, Germany"
    assert not listbox.is_visible()
    assert "München Cloud Partner" in shadow_texts(page, "li.result h3 a")
    assert w.errors == []
