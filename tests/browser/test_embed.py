"""The iframe embed on another origin: locked filters stay fixed (every search, no control, no way out drops
them, kept across submits and pages); "Use my location" is offered only where the host page allows
geolocation, and its messages are short and keep the form's layout; the configurator's iframe snippet
carries both the lock and `allow="geolocation"`."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import MOBILE, screenshot

pytestmark = pytest.mark.browser

MUNICH = {"latitude": 48.137, "longitude": 11.575}


def frame_page(site_url: str, src: str, allow: str | None = None) -> str:
    allowed = f' allow="{allow}"' if allow else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title></head>
<body style="margin:0"><h1>Our partners</h1>
<iframe id="pl" src="{html.escape(site_url + src)}"{allowed} title="Partner search" data-partner-locator
        style="width:100%;height:700px;border:0"></iframe>
<script src="{site_url}/embed-host.js" async></script></body></html>"""


def frame_args(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.frames[1].url).query)


def unfold(frame) -> None:
    """On a phone the form folds into a one-line summary after a search: open it."""
    change = frame.locator("[data-action=change-search]")
    if change.count() and change.is_visible():
        change.click()


def result_languages(frame) -> list[str]:
    return [t for t in frame.locator(".result .facts").all_text_contents()]


def assert_only_german(frame) -> None:
    frame.locator(".result").first.wait_for()
    facts = result_languages(frame)
    assert facts and all("German" in f for f in facts), facts
    # the language filter is not offered to change: no control, the fixed value shown as text
    assert frame.locator("input[name=language]:not([type=hidden]), select[name=language]").count() == 0
    assert frame.locator("[data-filter=language]").count() == 0
    assert "German" in frame.locator(".locked-filters").inner_text()


def test_locked_language_stays_fixed_across_submit_paging_and_ways_out(site, host, watched):
    host_server, pages = host
    pages.pages["/locked.html"] = frame_page(site.url, "/embed?near=Berlin&radius_km=100&language=de&lock=language&per_page=3")
    w = watched()
    page = w.page
    page.goto(host_server.url + "/locked.html")
    frame = page.frame_locator("#pl")
    assert_only_german(frame)
    screenshot(page, "issue8-2-after-lock")

    # a submit of the form (new keyword) keeps the lock and the locked value
    frame.locator("#q").fill("support")
    frame.locator("form[role=search] button[type=submit]").click()
    page.frames[1].wait_for_function("() => location.search.includes('q=support')")
    assert_only_german(frame)
    args = frame_args(page)
    assert args["language"] == ["de"] and args["lock"] == ["language"]

    # another page of results keeps it too
    frame.locator(".pager a[rel=next]").click()
    page.frames[1].wait_for_function("() => location.search.includes('page=2')")
    assert_only_german(frame)
    assert frame_args(page)["lock"] == ["language"]

    # an empty result's ways out never drop the locked filter
    page.frames[1].goto(site.url + "/embed?near=Paris&q=Conseil&language=de&lock=language")
    frame.locator(".widenings a").first.wait_for()
    ways = frame.locator(".widenings a").all_text_contents()
    assert not any("Language" in text for text in ways), ways
    for href in frame.locator(".widenings a").evaluate_all("links => links.map(a => a.href)"):
        query = parse_qs(urlsplit(href).query)
        assert query["language"] == ["de"] and query["lock"] == ["language"], href
    assert w.errors == []


def test_embed_refuses_an_unknown_lock(site):
    response = site.app.test_client().get("/embed?near=Berlin&lock=colour")
    assert response.status_code == 400
    assert "lock" in response.get_data(as_text=True)


def test_locate_button_hides_where_the_host_does_not_allow_geolocation(site, host, context_factory):
    host_server, pages = host
    pages.pages["/no-allow.html"] = frame_page(site.url, "/embed?near=Berlin&per_page=3")
    for name, viewport in (("desktop", None), ("mobile", MOBILE)):
        options = {"permissions": ["geolocation"], "geolocation": MUNICH}
        if viewport:
            options["viewport"] = viewport
        page = context_factory(**options).new_page()
        page.goto(host_server.url + "/no-allow.html")
        frame = page.frame_locator("#pl")
        frame.locator(".result").first.wait_for()
        frame.locator("[data-action=locate]").wait_for(state="hidden", timeout=5000)
        screenshot(page, f"issue8-2-after-no-allow-{name}", full_page=False)


def test_configurator_iframe_snippet_locks_and_allows_geolocation(site, host, context_factory):
    host_server, pages = host
    docs = context_factory().new_page()
    docs.goto(site.url + "/widget")
    docs.locator("#cfg-near").fill("Berlin")
    docs.locator("#cfg-language").select_option("de")
    docs.locator("#cfg-lock-language").check()
    docs.locator("#cfg-per-page").fill("3")
    snippet = docs.locator("#iframe-snippet").text_content()
    assert 'allow="geolocation"' in snippet and "lock=language" in snippet
    screenshot(docs, "issue8-2-after-configurator")
    # the server writes the same snippet when the configurator is submitted without JavaScript
    served = docs.request.get(site.url + "/widget?near=Berlin&language=de&lock=language&per-page=3").text()
    assert html.unescape(re.search(r'<code id="iframe-snippet">(.*?)</code>', served, re.S).group(1)) == snippet

    pages.pages["/pasted.html"] = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title></head>
<body><h1>Our partners</h1>{snippet}</body></html>"""
    page = context_factory(permissions=["geolocation"], geolocation=MUNICH).new_page()
    page.goto(host_server.url + "/pasted.html")
    frame = page.frame_locator("iframe[data-partner-locator]")
    assert_only_german(frame)
    frame.locator("[data-action=locate]").click()
    page.frames[1].wait_for_function("() => location.search.includes('lat=')")
    assert_only_german(frame)
    args = frame_args(page)
    assert float(args["lat"][0]) == pytest.approx(48.137, abs=0.01)
    assert args["language"] == ["de"] and args["lock"] == ["language"]
    assert "München Cloud Partner" in frame.locator(".result-name").first.text_content()


def test_locate_refusal_is_a_short_message_that_keeps_the_form_layout(site, host, context_factory):
    host_server, pages = host
    pages.pages["/denied.html"] = frame_page(site.url, "/embed?near=Berlin&per_page=3", allow="geolocation")
    for name, viewport in (("desktop", None), ("mobile", MOBILE)):
        page = context_factory(**({"viewport": viewport} if viewport else {})).new_page()  # no permission: refused
        page.goto(host_server.url + "/denied.html")
        frame = page.frame_locator("#pl")
        frame.locator(".result").first.wait_for()
        unfold(frame)
        frame.locator("[data-action=locate]").click()
        status = frame.locator(".locate-status")
        page.frames[1].wait_for_function("() => document.querySelector('.locate-status').textContent.includes('place')")
        text = status.text_content().strip()
        assert len(text) <= 60, text
        inner = page.frames[1]
        layout = inner.evaluate("""() => {
            const box = s => document.querySelector(s).getBoundingClientRect();
            const status = box('.locate-status'), form = box('form[role=search]');
            return {q: box('#q').top, near: box('#near').top, statusRight: status.right, formRight: form.right,
                    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
        }""")
        assert layout["overflow"] <= 0 and layout["statusRight"] <= layout["formRight"] + 1, layout
        if name == "desktop":  # the fields of the search bar stay in one line
            assert abs(layout["q"] - layout["near"]) < 2, layout
        screenshot(page, f"issue8-2-after-refused-{name}", full_page=False)


def test_without_a_policy_api_the_locate_button_hides_on_the_policy_error(site, host, context_factory):
    host_server, pages = host
    pages.pages["/old-browser.html"] = frame_page(site.url, "/embed?near=Berlin&per_page=3")
    context = context_factory(permissions=["geolocation"], geolocation=MUNICH)
    # a browser that cannot say beforehand whether geolocation is allowed (no permissionsPolicy/featurePolicy)
    context.add_init_script("for (const name of ['permissionsPolicy', 'featurePolicy'])"
                            " Object.defineProperty(Document.prototype, name, {get: () => undefined, configurable: true});")
    page = context.new_page()
    page.goto(host_server.url + "/old-browser.html")
    frame = page.frame_locator("#pl")
    frame.locator(".result").first.wait_for()
    assert page.frames[1].evaluate("document.featurePolicy === undefined && document.permissionsPolicy === undefined")
    button = frame.locator("[data-action=locate]")
    button.click()
    button.wait_for(state="hidden")
    text = frame.locator(".locate-status").text_content().strip()
    assert "place" in text and len(text) <= 60 and "policy" not in text, text
