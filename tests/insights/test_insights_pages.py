"""/admin/insights (admins only) and /partner/insights (a partner's own figures) through real HTTP and real
sign-in links: who may see them, the zero-result table, the charts (SVG without scripts) and the CSVs."""
from __future__ import annotations

import pytest

from tests.support.accounts import add_user
from tests.web.portal_support import portal_site, signed_in

PAGES = ("/admin/insights", "/admin/insights/zero.csv", "/admin/insights/searches.svg")


@pytest.fixture
def site(tmp_path, make_app, smtp_server):
    app, slugs = portal_site(tmp_path, make_app, smtp_server)
    add_user(app, "seller@vendor.example", "seller")
    return app, slugs


def searched(app, *urls: str) -> None:
    client = app.test_client()
    for url in urls:
        assert client.get(url).status_code == 200, url
    app.extensions["insights"].flush()


def test_only_an_admin_reaches_the_insights(site, smtp_server):
    app, _ = site
    public = app.test_client()
    for path in PAGES:
        response = public.get(path)
        assert response.status_code == 303 and "/sign-in" in response.headers["Location"], path
    for email in ("owner@partner.example", "seller@vendor.example"):
        client = signed_in(app, smtp_server, email)
        assert [client.get(p).status_code for p in PAGES] == [404, 404, 404], email
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    assert [admin.get(p).status_code for p in PAGES] == [200, 200, 200]


def test_the_zero_result_table_shows_a_search_that_found_nobody(site, smtp_server):
    app, _ = site
    searched(app, "/?q=mainframe%20cobol%20wizardry", "/api/v1/search?q=mainframe%20cobol%20wizardry",
             "/?near=Berlin&service=kubernetes")
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    page = admin.get("/admin/insights").get_data(as_text=True)
    zero = page[page.index('id="zero-results"'):page.index("</table>", page.index('id="zero-results"'))]
    assert "“mainframe cobol wizardry”" in zero and '<td class="num">2</td>' in zero
    assert "kubernetes" not in zero.lower()
    regions = page[page.index('id="regions-table"'):]
    assert "Berlin" in regions[:regions.index("</table>")]
    csv = admin.get("/admin/insights/zero.csv").get_data(as_text=True)
    assert "mainframe cobol wizardry" in csv and csv.splitlines()[0].lstrip("\ufeff").startswith("label,q")


def test_the_charts_are_svg_images_that_carry_no_script(site, smtp_server):
    app, _ = site
    searched(app, "/?near=Berlin&service=kubernetes", "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&service=kubernetes")
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    for name in ("searches", "filters", "positions"):
        response = admin.get(f"/admin/insights/{name}.svg")
        body = response.get_data()
        assert response.mimetype == "image/svg+xml" and body.lstrip().startswith(b"<?xml")
        assert b"<script" not in body.lower() and b"javascript:" not in body.lower()
    assert admin.get("/admin/insights?days=5").status_code == 400
    assert b"days" in admin.get("/admin/insights?days=5").get_data()


def test_a_partner_sees_only_its_own_figures(site, smtp_server):
    app, slugs = site
    client = app.test_client()
    page = client.get("/?near=Berlin").get_data(as_text=True)
    import re

    acme = re.search(rf'href="(/partners/{slugs["acme"]}\?from=[0-9a-f]+\.\d+)"', page)
    assert acme, "Acme is not among the results"
    client.get(acme.group(1))
    client.get(f"/partners/{slugs['other']}")
    client.get(f"/partners/{slugs['other']}")
    app.extensions["insights"].flush()
    owner = signed_in(app, smtp_server, "owner@partner.example")
    mine = owner.get("/partner/insights").get_data(as_text=True)
    assert '<strong id="appearances">1</strong>' in mine and '<strong id="views">1</strong>' in mine
    other = signed_in(app, smtp_server, "someone@other.example")
    theirs = other.get("/partner/insights").get_data(as_text=True)
    assert '<strong id="views">2</strong>' in theirs and "Acme" not in theirs
    assert other.get("/partner/insights/positions.svg").status_code == 200
    assert app.test_client().get("/partner/insights").status_code == 303
    admin = signed_in(app, smtp_server, "admin@vendor.example")
    assert admin.get("/partner/insights").status_code == 404
