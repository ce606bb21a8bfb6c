"""The partner portal end to end in Chromium: an admin invites owner@partner.example (/admin/users); the link
arrives at the local SMTP server; the partner signs in, edits the description (live preview) and an office
(typed address placed by the geocoder, then the pin dragged), uploads a real PNG logo through the form, sees
completeness and the rank preview move, submits; the admin sees the diff and approves; the partner receives
the email; a public search shows the new description and office; the history lists each step."""
from __future__ import annotations

import json
import re
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from PIL import Image

from locator.config import Config
from tests.browser.conftest import MOBILE, run_axe, screenshot, serve
from tests.support.accounts import add_user
from tests.support.smtp import link_in, text_of
from tests.web.webapp import pages_app

pytestmark = pytest.mark.browser

NO_REQUEST_LIMITS = {name: "" for name in ("ratelimit_sign_in", "ratelimit_forms", "ratelimit_search",
                                           "ratelimit_geocode") if name in Config.__dataclass_fields__}
NEW_TEXT = "Acme runs GitLab <b>and</b> Kubernetes platforms for Brandenburg's public sector and its suppliers."


@pytest.fixture
def portal_site(tmp_path, smtp_server, host):
    host_server, _ = host
    with pages_app(tmp_path, xss=False, smtp_url=smtp_server.url, index_poll_s=0.2,
                   tile_url=f"{host_server.url}/tiles/{{z}}/{{x}}/{{y}}.png", **NO_REQUEST_LIMITS) as (app, slugs):
        add_user(app, "admin@vendor.example", "admin")
        server = serve(app)
        server.app, server.slugs = app, slugs
        yield server
        server.stop()


def sign_in(page, site, smtp_server, email: str, count: int) -> None:
    page.goto(site.url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.goto(link_in(smtp_server.wait_for(email, count=count)[-1]))
    page.get_by_role("button", name="Sign in").click()


def search(site, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{site.url}/api/v1/search?{query}", timeout=10) as response:
        return json.load(response)


def test_a_partner_edits_its_profile_and_the_admin_publishes_it(portal_site, smtp_server, watched, context_factory,
                                                               tmp_path):
    site = portal_site
    admin_w = watched()
    admin = admin_w.page
    sign_in(admin, site, smtp_server, "admin@vendor.example", 1)
    admin.goto(site.url + "/admin/users")
    admin.get_by_label("Email address").fill("owner@partner.example")
    admin.get_by_label("Role").select_option("partner")
    admin.get_by_label(re.compile("^Partner")).fill(site.slugs["acme"])
    admin.get_by_role("button", name="Send invitation").click()
    admin.get_by_text("Invitation sent.").wait_for()

    partner_w = watched()
    page = partner_w.page
    page.goto(link_in(smtp_server.wait_for("owner@partner.example")[0]))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("Your locator profile")).wait_for()
    assert urlsplit(page.url).path == "/partner"
    rank_before = page.locator("[data-rank-now]").first.inner_text()
    axe_context = context_factory(bypass_csp=True)
    axe_context.add_cookies(page.context.cookies())
    axe_page = axe_context.new_page()
    axe_page.goto(page.url)
    assert run_axe(axe_page) == []

    page.get_by_label("Description").fill(NEW_TEXT)
    preview = page.locator("[data-description-preview]")
    assert preview.inner_text() == NEW_TEXT and preview.locator("b").count() == 0  # text, not markup
    office = page.locator("#offices-0")
    office.get_by_label("Street address").fill("Friedrich-Ebert-Straße 1")
    office.get_by_label("City").fill("Potsdam")
    office.get_by_label("City").press("Tab")
    status = office.locator("[data-status]")
    status.get_by_text(re.compile(r"On the map at 52\.3")).wait_for()
    marker = office.locator(".leaflet-marker-icon")
    marker.wait_for()
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] + 10, steps=8)
    page.mouse.up()
    status.get_by_text("Placed by hand").wait_for()
    dragged = (float(office.locator("[data-point=lat]").input_value()), float(office.locator("[data-point=lon]").input_value()))
    assert 52.2 < dragged[0] < 52.5 and 12.9 < dragged[1] < 13.3

    logo = tmp_path / "acme-logo.png"
    Image.new("RGB", (640, 240), (90, 44, 160)).save(logo, "PNG")
    page.locator("#logo_file").set_input_files(str(logo))
    page.get_by_role("button", name="Preview completeness and ranking").click()
    page.get_by_text("This is a preview: nothing is saved until you submit.").wait_for()
    assert page.get_by_label("Description").input_value() == NEW_TEXT
    assert re.search(r"/logos/[0-9a-f]{64}\.png$", page.locator("#logo_url").input_value())
    assert page.locator("#offices-0 [data-point=source]").input_value() == "manual"
    guidance = page.locator(".portal-aside").inner_text()
    assert "Where customers find you" in guidance and "Now" in guidance
    assert page.locator("[data-rank-after]").count() >= 2
    screenshot(page, "portal-preview")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("your changes were sent to the channel team for review").wait_for()
    assert NEW_TEXT not in search(site, near="Potsdam", radius_km="30").__str__()  # nothing live yet

    admin.goto(site.url + "/admin")
    admin.get_by_role("link", name="Review").click()
    admin.get_by_role("heading", name=re.compile("Changes to")).wait_for()
    assert admin.locator(".text-diff ins").count() >= 1 and "<b>and</b>" in admin.locator(".text-diff").inner_text()
    assert admin.get_by_alt_text("Logo after").is_visible()
    changed = admin.locator(".diff-field").evaluate_all("els => els.map(e => e.id)")
    assert changed == ["diff-description", "diff-logo_url", "diff-offices"]  # choices kept as they were: no change
    admin.locator(".diff-map .leaflet-interactive").first.wait_for()
    screenshot(admin, "portal-admin-diff")
    axe_context = context_factory(bypass_csp=True)
    axe_context.add_cookies(admin.context.cookies())
    axe_page = axe_context.new_page()
    axe_page.goto(admin.url)
    assert run_axe(axe_page) == []
    admin.get_by_role("button", name="Approve and publish").click()
    admin.get_by_text("Approved: the changes are live").wait_for()

    decision = smtp_server.wait_for("owner@partner.example", count=2)[-1]
    assert "live" in decision["Subject"] and "/partners/" in text_of(decision)
    deadline = time.monotonic() + 10  # the keeper follows the change log (index_poll_s 0.2); generous on a busy machine
    while True:
        found = [r for r in search(site, near="Potsdam", radius_km="30")["results"] if r["slug"] == site.slugs["acme"]]
        if found and found[0]["description"] == NEW_TEXT:
            break
        assert time.monotonic() < deadline, "the approved profile did not reach the public search"
        time.sleep(0.1)
    assert found[0]["nearest_office"]["lat"] == pytest.approx(dragged[0], abs=1e-4)
    assert found[0]["logo_url"].startswith(site.url + "/logos/")

    admin.goto(site.url + f"/admin/partners/{site.slugs['acme']}")
    actions = admin.locator(".history-entry").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions[:3] == ["approved", "submitted", "import"]
    assert "owner@partner.example" in admin.locator(".history").inner_text()
    screenshot(admin, "portal-admin-history")

    page.goto(site.url + "/partner")
    page.get_by_text("Your last changes were approved and are live.").wait_for()
    screenshot(page, "portal-after-approval")
    page.set_viewport_size(MOBILE)
    screenshot(page, "portal-mobile", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    assert rank_before
    assert admin_w.errors == [] and partner_w.errors == []
