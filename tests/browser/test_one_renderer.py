"""One renderer for a result: the page, the iframe embed and the widget print the same server-made words, and
the JS reads only keys the API returns (a renamed key fails here, not silently on customers' pages)."""
from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "locator" / "web" / "static"


def api(site, path: str) -> dict:
    with urllib.request.urlopen(site.url + path) as response:
        return json.load(response)


def widget_page(site_url: str, attrs: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title>
<style>p, li {{ font-size: 30px; }} .explain {{ display: none; }}</style></head><body>
<partner-locator {attrs}></partner-locator><script src="{site_url}/widget.js" async></script></body></html>"""


def shadow_texts(page, selector: str) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelector('partner-locator').shadowRoot.querySelectorAll(sel)].map(e => e.textContent)",
        selector,
    )


def page_texts(page, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_text_contents()]


@pytest.mark.parametrize("near, radius, extra", [("Berlin", "100", ""), ("Germany", "", ""),
                                                 ("Berlin", "100", "&service=kubernetes&service=migration&language=de")])
def test_page_iframe_and_widget_say_the_same_sentence(site, host, watched, near, radius, extra):
    host_server, pages = host
    query = f"near={near}&per_page=5" + (f"&radius_km={radius}" if radius else "") + extra
    body = api(site, f"/api/v1/search?{query}&explain=1")
    expected = [r["display"]["explanation"] for r in body["results"]]
    assert len(expected) >= 3 and all(e.endswith((" Select partner", " Open partner")) for e in expected)
    assert [r["explain"]["sentence"] for r in body["results"]] == expected  # explain: the numbers and the sentence
    assert not any("% complete" in e for e in expected)  # customers see the profile's facts, not its percentage
    profiles = [r["display"]["profile"] for r in body["results"]]
    if extra:  # the words name what was asked and what the partner has of it
        assert any(e.startswith("Offers Kubernetes and Migration · ") and " · German · " in e for e in expected)

    w = watched()
    page = w.page
    page.goto(f"{site.url}/?{query}")
    on_page = page_texts(page, ".result .explain")
    page_profiles = page_texts(page, ".result .profile-facts")
    page_legend = page_texts(page, ".legend .track-legend dd")
    page.goto(f"{site.url}/embed?{query}")
    in_iframe = page_texts(page, ".result .explain")
    iframe_legend = page_texts(page, ".legend .track-legend dd")
    attrs = f'near="{near}" per-page="5"' + (f' radius-km="{radius}"' if radius else "")
    if extra:
        attrs += ' service="kubernetes,migration" language="de"'
    pages.pages[f"/same-{near}.html"] = widget_page(site.url, attrs)
    page.goto(f"{host_server.url}/same-{near}.html")
    page.locator("partner-locator li.result").first.wait_for()
    in_widget = shadow_texts(page, "li.result .explain")
    assert on_page == in_iframe == in_widget == expected
    assert page_profiles == [f"Profile: {p}" for p in profiles] == shadow_texts(page, "li.result .profile")
    from locator.display import track_legend

    legend = [t["help"] for t in track_legend()]
    assert page_legend == iframe_legend == shadow_texts(page, ".legend dd") == legend
    where = ("in " if near == "Germany" else "near ") + near  # the count line names the place as the page's heading
    assert where in shadow_texts(page, ".status")[0]
    screenshot(page, f"one-renderer-widget-{near.lower()}{'-asked' if extra else ''}")
    assert w.errors == []


def test_the_legend_reads_well_on_a_phone_and_a_desktop(site, host, watched):
    """The legend says what Select and Open mean, on the page and in the widget, at both sizes (screenshots)."""
    from tests.browser.conftest import DESKTOP, MOBILE

    host_server, pages = host
    pages.pages["/legend.html"] = widget_page(site.url, 'near="Berlin" radius-km="100" per-page="3"').replace(
        "p, li { font-size: 30px; } .explain { display: none; }", "")
    for size, viewport in (("phone", MOBILE), ("desktop", DESKTOP)):
        w = watched(viewport=viewport)
        page = w.page
        page.goto(f"{site.url}/?near=Berlin&radius_km=100&per_page=3")
        legend = page.locator(".legend")
        legend.scroll_into_view_if_needed()
        assert legend.is_visible()
        box = legend.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1  # no sideways scrolling
        assert page_texts(page, ".legend .track-legend dt") == ["Select", "Open"]
        badge_help = page.locator(".result .badge-select").first.get_attribute("title")
        assert badge_help and badge_help.startswith("GitLab's highest partner tier")
        page.screenshot(path=str(screenshot_path(f"legend-page-{size}")), full_page=False)
        page.goto(f"{host_server.url}/legend.html")
        page.locator("partner-locator li.result").first.wait_for()
        widget_legend = page.locator("partner-locator .legend")
        widget_legend.scroll_into_view_if_needed()
        assert widget_legend.is_visible()
        assert shadow_texts(page, ".legend dt") == ["Select", "Open"]
        page.screenshot(path=str(screenshot_path(f"legend-widget-{size}")), full_page=False)
        assert w.errors == []


def screenshot_path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_widget_prints_the_apis_words_for_a_result(site, host, watched):
    """Badge, facts and sentence are the API's `display`; radii and filter labels come from the injected config."""
    host_server, pages = host
    body = api(site, "/api/v1/search?near=Berlin&radius_km=100&per_page=3&facets=language,service,segment,type,track")
    pages.pages["/words.html"] = widget_page(site.url, 'near="Berlin" radius-km="100" per-page="3"')
    page = watched().page
    page.goto(host_server.url + "/words.html")
    page.locator("partner-locator li.result").first.wait_for()
    assert shadow_texts(page, "li.result .badge") == [r["display"]["track"] for r in body["results"]]
    assert shadow_texts(page, "li.result .facts") == [
        " · ".join(f"{f['label']}: {f['value']}" for f in r["display"]["facts"]) for r in body["results"]]
    radii = page.locator("partner-locator select[name=radius_km] option").all_text_contents()
    assert radii[-1] == "5,000 km" and "2,500 km" in radii  # the page's list, not a shorter copy
    legends = page.evaluate("[...document.querySelector('partner-locator').shadowRoot.querySelectorAll('.filter label')]"
                            ".map(l => l.firstChild.textContent)")
    assert legends == [f["label"] for f in widget_config(site)["filters"]]


# The JS objects that hold API data, and which part of which real response their keys must come from.
def _keys_of(site) -> dict[str, set[str]]:
    search = api(site, "/api/v1/search?near=Berlin&per_page=3")
    suggest = api(site, "/api/v1/suggest?q=Ber")
    result = search["results"][0]
    try:
        api(site, "/api/v1/search?near=Berlni")
        raise AssertionError("an unknown place must be an error")
    except urllib.error.HTTPError as exc:
        error = json.load(exc)["error"]
    places = [i for i in suggest["items"] if i["kind"] == "place"]
    partners = [i for i in suggest["items"] if i["kind"] == "partner"]
    assert places and partners
    return {
        "body": set(search) | set(suggest),
        "item": set(result) | set().union(*map(set, suggest["items"])),
        "item.display": set(result["display"]),
        "fact": set(result["display"]["facts"][0]),
        "o": set(result["nearest_office"]),
        "err": set(error),
        "location": set(search["query"]["location"]),
    }


def _reads(text: str, var: str) -> set[str]:
    return set(re.findall(rf"(?<![\w.]){re.escape(var)}\.([A-Za-z_]\w*)", text))


def test_the_js_reads_only_keys_the_api_returns(site):
    keys = _keys_of(site)
    widget = (STATIC / "widget.js").read_text(encoding="utf-8")
    locator = (STATIC / "locator.js").read_text(encoding="utf-8")
    wrong = {}
    # locator.js reads only the suggestions (its results come as server-rendered HTML); its `err` is a JS error
    for name, text, names in (("widget.js", widget, keys), ("locator.js", locator, ("body", "item"))):
        for var in names:
            missing = _reads(text, var) - keys[var]
            if missing:
                wrong[f"{name} {var}"] = sorted(missing)
    assert wrong == {}
    # what they read is really there: the widget's sentence, facts and badge, the suggestions' items
    assert {"explanation", "facts", "track"} <= _reads(widget, "item.display")
    assert "items" in _reads(widget, "body") and "items" in _reads(locator, "body")
    # no guessing between shapes
    for text in (widget, locator):
        assert "labelFor" not in text and "body.suggestions" not in text and "body.results ||" not in text


def test_a_renamed_display_key_fails_the_check(site):
    """The check above is not vacuous: a read of a key the API does not return is caught."""
    keys = _keys_of(site)
    assert _reads("x = item.display.sentence;", "item.display") - keys["item.display"] == {"sentence"}


def widget_config(site) -> dict:
    """The config /widget.js was served with."""
    text = urllib.request.urlopen(site.url + "/widget.js").read().decode()
    return json.loads(re.search(r"var CONFIG = (\{.*?\});\n", text).group(1))


def test_widget_config_is_the_pages_lists(site):
    from locator.web.search_view import RADII_KM

    text = urllib.request.urlopen(site.url + "/widget.js").read().decode()
    config = widget_config(site)
    assert [r["value"] for r in config["radii"]] == list(RADII_KM)
    assert {f["name"] for f in config["filters"]} >= {"language", "service", "segment", "type", "track"}
    assert all(f["values"] for f in config["filters"])
    assert "2500]" not in text and "RADII" not in text
