"""Seller flow in Chromium; the XSS test (payload partners everywhere: nothing runs, text shows literally);
axe-core on the main screens; screenshots at desktop and mobile widths."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from locator.auth import create_token
from tests.browser.conftest import DESKTOP, MOBILE, run_axe, screenshot
from tests.web.pagedata import PAYLOADS, SECRET, UNPUBLISHED_NAME

pytestmark = pytest.mark.browser

TRAP = "window.__alerted = 0; window.alert = window.confirm = window.prompt = () => { window.__alerted += 1; };"


def seller_token(site) -> str:
    with site.app.extensions["locator"].db.session() as session:
        return create_token(session, "Browser Seller", "seller")


def sign_in(page, site) -> None:
    page.goto(site.url + "/sellers")
    page.get_by_label("Seller token").fill(seller_token(site))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()


def test_seller_sign_in_internal_fields_export_and_sign_out(site, watched):
    w = watched(accept_downloads=True)
    page = w.page
    sign_in(page, site)
    cookie = next(c for c in page.context.cookies() if c["name"] == "locator_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""
    page.fill("#near", "Berlin")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/sellers\?.*near=Berlin"))
    page.get_by_text(UNPUBLISHED_NAME).first.wait_for()
    assert page.locator(".badge-unpublished").count() >= 1
    assert page.locator(".internal", has_text=f"CAM {SECRET} 1").count() == 1
    screenshot(page, "seller-desktop")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"Export these \d+ results as CSV")).click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert UNPUBLISHED_NAME in {r["Partner"] for r in rows}
    assert all(not r["Notes"].startswith("=") for r in rows)
    assert re.fullmatch(r"partners-[a-z0-9.-]+-\d{8}\.csv", info.value.suggested_filename), info.value.suggested_filename
    page.set_viewport_size(MOBILE)
    screenshot(page, "seller-mobile")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Seller sign-in").wait_for()
    page.goto(site.url + "/sellers?near=Berlin")
    assert SECRET not in page.content()
    assert w.errors == []


def test_payloads_never_run_and_show_literally(site, host, watched):
    w = watched()
    page = w.page
    page.context.add_init_script(TRAP)
    pages = ["/?near=Hamburg&radius_km=50", "/?q=XSS&per_page=50"] + [f"/partners/{site.slugs[f'xss{n}']}" for n in range(len(PAYLOADS))]
    for path in pages:
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, path
        assert page.evaluate("window.__alerted") == 0, path
        assert page.locator("img[src='x']").count() == 0 and page.locator("svg[onload]").count() == 0
    for n, payload in enumerate(PAYLOADS):
        page.goto(site.url + f"/partners/{site.slugs[f'xss{n}']}")
        assert page.locator("h1").inner_text() == f"XSS {n} {payload}"
        assert page.locator(".description").inner_text() == payload
    page.goto(site.url + "/?near=Hamburg&radius_km=50")
    page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for()
    screenshot(page, "xss-search-desktop")
    # the same partners through the widget on the customer's site
    host_server, host_pages = host
    host_pages.pages["/xss.html"] = f"""<!doctype html><html lang="en"><head><title>x</title></head><body>
<partner-locator near="Hamburg" radius-km="50" per-page="10" map="true"></partner-locator>
<script src="{site.url}/widget.js" async></script></body></html>"""
    page.goto(host_server.url + "/xss.html")
    page.locator("partner-locator li.result").first.wait_for()
    page.wait_for_timeout(500)
    names = page.evaluate("[...document.querySelector('partner-locator').shadowRoot.querySelectorAll('li.result h3 a')].map(a => a.textContent)")
    assert {f"XSS {n} {p}" for n, p in enumerate(PAYLOADS)} <= set(names)
    assert page.evaluate("window.__xss") is None and page.evaluate("window.__alerted") == 0
    assert w.errors == []


@pytest.mark.parametrize("name,path", [
    ("search", "/?near=Berlin&radius_km=100"),
    ("search-empty", "/?near=Paris&radius_km=10&language=de&include_remote=false"),
    ("profile", "/partners/acme-berlin-devops"),
    ("sellers-sign-in", "/sellers"),
    ("widget-docs", "/widget"),
    ("embed", "/embed?near=Berlin"),
])
def test_axe_no_serious_or_critical_violations(site, context_factory, name, path):
    for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page = context_factory(viewport=viewport, bypass_csp=True).new_page()  # bypass_csp only to inject axe
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        if name == "widget-docs":
            page.locator("partner-locator li.result").first.wait_for()
        violations = run_axe(page)
        assert violations == [], f"{name} {label}: {violations}"
        if name not in ("search", "profile"):
            screenshot(page, f"{name}-{label}")


def test_axe_check_can_fail(context_factory):
    page = context_factory(bypass_csp=True).new_page()
    page.set_content('<html><body><img src="data:,"><button></button></body></html>')
    assert {v["id"] for v in run_axe(page)} >= {"image-alt", "button-name"}


def test_axe_on_the_signed_in_seller_view(site, context_factory):
    page = context_factory(bypass_csp=True).new_page()
    sign_in(page, site)
    page.goto(site.url + "/sellers?near=Berlin&radius_km=100")
    assert run_axe(page) == []


def test_keyboard_reaches_the_search_and_results(site, watched):
    page = watched().page
    page.goto(site.url + "/?near=Berlin&radius_km=100")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim().slice(0, 30)"))
    assert "q" in focused and "near" in focused and "language-de" in focused
    assert any("Acme Berlin DevOps" in f for f in focused)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
