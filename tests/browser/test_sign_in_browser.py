"""Sign-in by emailed link in Chromium: an admin asks for a link, reads it from the real SMTP server, confirms,
invites a partner user from /admin/users; the invitee signs in with the invitation's link; a used link is a
clear page. Cookies are HttpOnly and SameSite; axe finds nothing serious; screenshots of each screen."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from locator.config import Config
from tests.browser.conftest import MOBILE, run_axe, screenshot, serve
from tests.support.accounts import add_user
from tests.support.smtp import link_in
from tests.web.webapp import pages_app

pytestmark = pytest.mark.browser

NO_REQUEST_LIMITS = {name: "" for name in ("ratelimit_sign_in", "ratelimit_forms") if name in Config.__dataclass_fields__}


@pytest.fixture
def accounts_site(tmp_path, smtp_server):
    with pages_app(tmp_path, xss=False, smtp_url=smtp_server.url, **NO_REQUEST_LIMITS) as (app, slugs):
        add_user(app, "admin@vendor.example", "admin")
        server = serve(app)
        server.app, server.slugs = app, slugs
        yield server
        server.stop()


def test_admin_signs_in_by_link_invites_a_partner_user_who_signs_in_too(accounts_site, smtp_server, watched,
                                                                        context_factory):
    site = accounts_site

    def axe(page) -> list[dict]:
        """axe on the same page in a context that lets it inject its script (bypass_csp), same cookies."""
        context = context_factory(bypass_csp=True)
        context.add_cookies(page.context.cookies())
        other = context.new_page()
        other.goto(page.url)
        return run_axe(other)

    w = watched()
    page = w.page
    page.goto(site.url + "/admin/users")
    assert urlsplit(page.url).path == "/sign-in" and "next=" in page.url
    page.get_by_label("Email address").fill("Admin@Vendor.example")
    screenshot(page, "accounts-sign-in")
    assert axe(page) == []
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    screenshot(page, "accounts-check-email")

    link = link_in(smtp_server.wait_for("admin@vendor.example")[0])
    page.goto(link)
    page.get_by_role("heading", name="Sign in to the Partner Locator").wait_for()
    screenshot(page, "accounts-confirm")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Users", exact=True).wait_for()
    assert urlsplit(page.url).path == "/admin/users"
    cookie = next(c for c in page.context.cookies() if c["name"] == "locator_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""

    page.get_by_label("Email address").fill("owner@partner.example")
    page.get_by_label("Role").select_option("partner")
    page.get_by_label(re.compile("^Partner")).fill(site.slugs["acme"])
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent.").wait_for()
    row = page.locator("tr", has_text="owner@partner.example")
    assert row.count() == 1 and "Acme Berlin DevOps" in row.inner_text()
    screenshot(page, "accounts-admin-users")
    assert axe(page) == []
    page.set_viewport_size(MOBILE)
    screenshot(page, "accounts-admin-users-mobile")

    invitation = link_in(smtp_server.wait_for("owner@partner.example")[0])
    invitee = watched().page
    # Where a partner lands is the portal's page (its own tests); here only that the sign-in sends them there.
    invitee.route(re.compile(r".*/partner$"), lambda route: route.fulfill(status=200, body="the portal"))
    invitee.goto(invitation)
    invitee.get_by_role("button", name="Sign in").click()
    invitee.wait_for_url(re.compile(r"/partner$"))

    reused = watched().page
    response = reused.goto(invitation)
    assert response.status == 410
    reused.get_by_role("heading", name="This link has been used").wait_for()
    screenshot(reused, "accounts-link-used")
    assert axe(reused) == []

    page.get_by_role("button", name="Sign out").click()
    page.goto(site.url + "/admin/users")
    assert urlsplit(page.url).path == "/sign-in"
    assert w.errors == []
