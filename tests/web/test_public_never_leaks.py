"""Every public route, whatever parameters or headers are sent, never shows internal fields or
unpublished partners (on both backends). The routes are enumerated from the app, so a new one is covered."""
from __future__ import annotations

import re

import pytest

from sqlalchemy import select

from locator import leads, revisions
from locator.audit import Actor
from locator.auth import create_token
from locator.models import Partner
from tests.support.accounts import add_user, sign_in_by_link
from tests.web.pagedata import SECRET, UNPUBLISHED_NAME, add_pages_data

# Query strings that try to get more than the public sees.
QUERIES = [
    "",
    "near=Berlin&radius_km=1000&per_page=100",
    "q=Hidden&near=Berlin&radius_km=20000&per_page=100",
    "q=HYPERLINK",
    "near=Berlin&audience=seller&seller=1&include_unpublished=1&published=false&internal=1&explain=1&facets=all",
    "format=geojson&near=Berlin&radius_km=1000&per_page=100",
]
HEADERS = [
    {},
    {"X-Audience": "seller", "X-Role": "seller", "Accept": "application/json"},
    {"Accept": "application/geo+json"},
]


def public_routes(app) -> list[str]:
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/sellers", "/static")):
            continue
        rules.append(rule)
    return rules


def urls_for(rule, slugs: list[str]) -> list[str]:
    if not rule.arguments:
        return [rule.rule]
    numbered = re.sub(r"<int:[^<>]+>", "1", rule.rule)  # ids: the first revision, audit entry, ...
    return [re.sub(r"<(?:[^:<>]+:)?[^<>]+>", slug, numbered) for slug in slugs]


USER_EMAIL = "private-user-7f3a@partner.example"  # a partner user's address: never in a public response
OWN_PAGES = ("/partner", "/admin")  # a signed-in user's own pages (their data is theirs to see)
PENDING = "PENDING-REVISION-7f3a"  # in a partner's revision waiting for review: not public until approved
LEAD = "LEAD-PRIVATE-7f3a"  # in a customer's contact request (name, company, message, email): never public


@pytest.fixture
def site(fresh_db, make_app, smtp_server):
    with fresh_db.session() as session:
        slugs = add_pages_data(session, xss=False, extra_berlin=2)
        raw = create_token(session, "Leak Tester", "seller")
    app = make_app(fresh_db, smtp_url=smtp_server.url)
    add_user(app, USER_EMAIL, "partner", slugs["acme"])
    add_user(app, "private-admin-7f3a@vendor.example", "admin")
    with fresh_db.session() as session:
        acme = session.scalar(select(Partner).where(Partner.slug == slugs["acme"]))
        revisions.submit(session, acme, {"description": f"{PENDING} new words", "name": f"Acme {PENDING}"},
                         Actor.user(1, USER_EMAIL))
        form = leads.LeadForm(name=f"Dana {LEAD}", email=f"{LEAD.lower()}@customer.example", company=f"{LEAD} AG",
                              message=f"Call us {LEAD}", consent=True)
        leads.submit(session, app.config["LOCATOR"], acme, form,
                     leads.Provenance("widget", "https://shop.example", {"q": [LEAD]}, 1))
    return app, slugs, raw


API_DESCRIPTION = ("/api/openapi.json", "/api/docs")


def assert_clean(body: str, where: str, unpublished_slug: str) -> None:
    assert SECRET not in body, where
    assert UNPUBLISHED_NAME not in body, where
    assert USER_EMAIL not in body and "private-admin-7f3a" not in body, where
    assert PENDING not in body, where
    assert LEAD.lower() not in body.lower(), where
    if unpublished_slug not in where:  # an error may echo the slug that was asked for
        assert unpublished_slug not in body, where
    if not where.startswith(API_DESCRIPTION):  # the API's description names the seller-only fields; no values
        assert "channel_account_manager" not in body, where


def test_no_public_route_leaks(site, smtp_server):
    app, slugs, raw = site
    partner_user = app.test_client()  # a signed-in partner user's browser: public routes stay public for it
    sign_in_by_link(partner_user, smtp_server, USER_EMAIL)
    anonymous = app.test_client()
    seller = app.test_client()  # a signed-in seller's browser: the public routes stay public for it too
    form = seller.get("/sellers").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert seller.post("/sellers/sign-in", data={"token": raw, "csrf_token": token}).status_code == 303
    assert SECRET in seller.get("/sellers?near=Berlin").get_data(as_text=True)  # the data is there to leak

    rules = public_routes(app)
    paths = {rule.rule for rule in rules}
    assert {"/", "/partners/<slug>", "/embed", "/widget", "/widget.js", "/api/v1/search", "/api/v1/suggest",
            "/api/v1/partners/<slug>"} <= paths
    requests = 0
    for rule in rules:
        for url in urls_for(rule, [slugs["acme"], slugs["unpublished"]]):
            for query in QUERIES:
                for headers in HEADERS:
                    own = rule.rule.startswith(OWN_PAGES)
                    for client in (anonymous, seller) if own else (anonymous, seller, partner_user):
                        response = client.get(f"{url}?{query}" if query else url, headers=headers)
                        assert response.status_code < 500, (url, query)
                        assert_clean(response.get_data(as_text=True), f"{url}?{query} {headers}", slugs["unpublished"])
                        requests += 1
    assert anonymous.get("/api/v1/search?q=HYPERLINK").get_json()["total"] == 0  # internal notes are not searchable
    for prefix in ("Hid", "Hidden", "Hidden Unp"):
        for client in (anonymous, seller):
            assert_clean(client.get(f"/api/v1/suggest?q={prefix}").get_data(as_text=True), prefix, slugs["unpublished"])
    assert requests >= len(rules) * len(QUERIES) * len(HEADERS) * 2
    assert {"/sign-in", "/sign-in/<token>", "/partner", "/partner/revisions/<int:revision_id>", "/admin",
            "/admin/revisions/<int:revision_id>", "/admin/partners/<slug>", "/logos/<name>"} <= paths
    assert {"/admin/insights", "/admin/insights/<name>.csv", "/admin/insights/<name>.svg", "/partner/insights",
            "/partner/insights/positions.svg"} <= paths  # search insights: signed-in pages, tried above


def test_the_unpublished_partner_is_a_404_everywhere_public(site):
    app, slugs, _ = site
    client = app.test_client()
    assert client.get(f"/partners/{slugs['unpublished']}").status_code == 404
    assert client.get(f"/api/v1/partners/{slugs['unpublished']}").status_code == 404
    assert client.get(f"/partners/{slugs['acme']}").status_code == 200
