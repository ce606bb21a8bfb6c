"""Contact requests end to end in Chromium: a customer searches, opens a partner, sends a request through the
page form; another customer sends one through the widget on a second origin; both arrive at the local SMTP
server (the partner, its channel account manager's copy, each customer's confirmation); the partner signs in,
sees both in the portal and updates one; each lead records its origin, search and position."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from locator import create_app
from locator.db import Database
from locator.models import Lead
from tests.browser.conftest import screenshot, serve
from tests.factories import make_partner, office
from tests.support.accounts import add_user
from tests.support.smtp import link_in, text_of

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"L-[0-9A-Z]{4}-[0-9A-Z]{4}")
NO_LIMITS = {"ratelimit_sign_in": "", "ratelimit_forms": "", "ratelimit_search": "", "ratelimit_geocode": "",
             "ratelimit_suggest": ""}


@pytest.fixture
def lead_site(tmp_path, smtp_server, host):
    host_server, _ = host
    url = f"sqlite:///{tmp_path / 'leads.sqlite'}"
    db = Database(url)
    db.create_all()
    with db.session() as session:
        acme = make_partner(session, name="Acme Kubernetes Berlin", email="hello@acme.example", track="select",
                            services=["kubernetes", "migration"], website="https://acme.example",
                            description="Kubernetes platforms and migrations in Berlin. " * 5,
                            internal={"channel_account_manager": "Cam Manager <cam@vendor.example>"},
                            offices=[office(label="Berlin HQ", headquarters=True)])
        for i in range(3):
            make_partner(session, name=f"Rival {i}", services=["kubernetes"], offices=[office(52.52 + 0.05 * (i + 1), 13.40)])
        slug = acme.slug
    db.engine.dispose()
    app = create_app({"database_url": url, "index_dir": str(tmp_path / "index"), "testing": True,
                      "secret_key": "test-secret", "smtp_url": smtp_server.url, "cors_origins": host_server.url,
                      "tile_url": f"{host_server.url}/tiles/{{z}}/{{x}}/{{y}}.png", "lead_min_fill_s": 1.0, **NO_LIMITS})
    add_user(app, "owner@acme.example", "partner", slug)
    app.extensions["locator"].locator.model()
    server = serve(app)
    server.app, server.slug, server.db = app, slug, Database(url)
    yield server
    server.stop()
    server.db.engine.dispose()
    app.extensions["locator"].close()


def leads_in(db) -> list[Lead]:
    with db.session() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))



def fill_lead_form(scope, name: str, email: str, company: str, message: str) -> None:
    """Fill the contact form (the page's or the widget's: same labels) and give consent."""
    scope.get_by_label("Your name").fill(name)
    scope.get_by_label("Work email").fill(email)
    scope.get_by_label("Company").fill(company)
    scope.get_by_label("Message").fill(message)
    scope.get_by_label(re.compile("I agree")).check()

def test_contact_requests_from_the_page_and_the_widget_reach_the_partner(lead_site, host, smtp_server, watched):
    site = lead_site
    host_server, pages = host

    # 1. The page: search, open the partner, send a request (the form is prefilled from the search)
    w = watched()
    page = w.page
    page.goto(site.url + "/?near=Berlin&service=kubernetes&radius_km=100")
    page.get_by_role("link", name="Acme Kubernetes Berlin", exact=True).click()
    page.get_by_role("link", name=re.compile("Send Acme Kubernetes Berlin a request")).click()
    page.get_by_role("heading", name=re.compile("Contact Acme")).wait_for()
    assert page.get_by_label("Country").input_value() == "DE"
    assert page.get_by_role("checkbox", name="Kubernetes", exact=True).is_checked()
    fill_lead_form(page, "Page Customer", "page.customer@example.com", "Page Customer GmbH",
                   "We want to move our CI to Kubernetes.")
    screenshot(page, "lead-page-form")
    time.sleep(1.1)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    page_reference = REFERENCE.search(page.locator(".lead-reference").inner_text()).group()
    screenshot(page, "lead-page-sent")

    # 2. The widget on another origin: Contact on the result, the form, sent cross-origin without cookies
    pages.pages["/partners.html"] = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title></head>
<body><h1>Find a partner</h1><partner-locator near="Berlin" service="kubernetes" per-page="5"></partner-locator>
<script src="{site.url}/widget.js" async></script></body></html>"""
    ww = watched()
    widget = ww.page
    widget.goto(host_server.url + "/partners.html")
    first = widget.locator("partner-locator li.result").first
    first.wait_for()
    assert "Acme Kubernetes Berlin" in first.locator("h3").inner_text()
    first.get_by_role("button", name=re.compile("^Contact")).click()
    form = widget.locator("partner-locator form.pl-contact")
    form.get_by_label("Your name").wait_for()
    assert form.get_by_label("Country").input_value() == "DE"
    fill_lead_form(form, "Widget Customer", "widget.customer@example.com", "Widget Customer AG",
                   "Please call us about a migration.")
    screenshot(widget, "lead-widget-form")
    time.sleep(1.1)
    form.get_by_role("button", name="Send request").click()
    widget.locator("partner-locator form.pl-contact[data-reference]").wait_for()
    widget_reference = form.get_attribute("data-reference")
    assert REFERENCE.fullmatch(widget_reference) and widget_reference != page_reference
    assert widget.evaluate("document.cookie") == ""
    screenshot(widget, "lead-widget-sent")
    assert w.errors == [] and ww.errors == []

    # 3. Both arrive: to the partner, the account manager's copy, each customer's confirmation
    to_partner = smtp_server.wait_for("hello@acme.example", count=2)
    assert {REFERENCE.search(str(m["Subject"])).group() for m in to_partner} == {page_reference, widget_reference}
    assert len(smtp_server.wait_for("cam@vendor.example", count=2)) == 2
    assert page_reference in text_of(smtp_server.wait_for("page.customer@example.com")[0])
    assert widget_reference in text_of(smtp_server.wait_for("widget.customer@example.com")[0])

    # 4. Where each came from
    by_reference = {lead.reference: lead for lead in leads_in(site.db)}
    from_page, from_widget = by_reference[page_reference], by_reference[widget_reference]
    assert (from_page.source, from_page.origin, from_page.position) == ("page", None, 1)
    assert from_page.search == {"near": ["Berlin"], "radius_km": ["100"], "service": ["kubernetes"]}
    assert (from_widget.source, from_widget.origin, from_widget.position) == ("widget", host_server.url, 1)
    assert from_widget.search["near"] == ["Berlin"] and from_widget.search["service"] == ["kubernetes"]

    # 5. The partner signs in, sees both in the portal and marks one contacted
    portal = watched().page
    portal.goto(site.url + "/sign-in")
    portal.get_by_label("Email address").fill("owner@acme.example")
    portal.get_by_role("button", name="Email me a sign-in link").click()
    portal.get_by_role("heading", name="Check your email").wait_for()
    portal.goto(link_in(smtp_server.wait_for("owner@acme.example")[-1]))
    portal.get_by_role("button", name="Sign in").click()
    portal.wait_for_url(re.compile(r"/partner$"))
    portal.goto(site.url + "/partner/leads")
    for reference in (page_reference, widget_reference):
        assert portal.locator(f"li.lead[data-reference='{reference}']").count() == 1
    item = portal.locator(f"li.lead[data-reference='{widget_reference}']")
    item.get_by_label("Status").select_option("contacted")
    item.get_by_role("button", name="Save status").click()
    portal.get_by_text("Status saved.").wait_for()
    screenshot(portal, "lead-portal-list")
    statuses = {lead.reference: lead.status for lead in leads_in(site.db)}
    assert statuses == {page_reference: "new", widget_reference: "contacted"}
