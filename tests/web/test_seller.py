"""The seller view: token sign-in with CSRF, internal fields and unpublished partners, CSV export, sign-out,
revocation; and the `locator token` commands."""
from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from locator.cli import main
from locator.models import SellerToken
from locator.formats.seller_csv import FORMULA_PREFIXES, neutralise
from tests.web.pagedata import SECRET, UNPUBLISHED_NAME
from tests.web.webapp import pages_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages_app(tmp_path_factory.mktemp("seller"), xss=False) as (app, slugs):
        yield app, slugs


def cli(app, *args: str):
    url = app.config["LOCATOR"].database_url
    result = CliRunner().invoke(main, ["--database-url", url, *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


@pytest.fixture(scope="module")
def token(site):
    return cli(site[0], "token", "create", "--role", "seller", "--name", "Sam Seller")


def csrf(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def sign_in(client, token: str):
    form = client.get("/sellers").get_data(as_text=True)
    return client.post("/sellers/sign-in", data={"token": token, "csrf_token": csrf(form)})


def test_sign_in_needs_the_csrf_token(site, token):
    client = site[0].test_client()
    client.get("/sellers")
    response = client.post("/sellers/sign-in", data={"token": token})
    assert response.status_code == 400
    response = client.post("/sellers/sign-in", data={"token": token, "csrf_token": "forged"})
    assert response.status_code == 400
    assert "Signed in as" not in client.get("/sellers").get_data(as_text=True)


def test_wrong_token_is_refused(site):
    client = site[0].test_client()
    response = sign_in(client, "not-a-token")
    assert response.status_code == 401
    assert "not valid" in response.get_data(as_text=True)


def test_sign_in_sets_a_hardened_session_cookie_and_shows_internal_fields(site, token):
    client = site[0].test_client()
    response = sign_in(client, token)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert token not in cookie
    body = client.get("/sellers?near=Berlin&radius_km=50").get_data(as_text=True)
    assert "Signed in as <strong>Sam Seller</strong>" in body
    assert UNPUBLISHED_NAME in body and "Unpublished</span>" in body
    assert f"CAM {SECRET} 1" in body and f"{SECRET} contact" in body
    assert "/sellers/export.csv?near=Berlin&amp;radius_km=50" in body


def test_csv_export_has_every_result_with_formulas_neutralised(site, token):
    client = site[0].test_client()
    sign_in(client, token)
    response = client.get("/sellers/export.csv?near=Berlin&radius_km=50&per_page=3")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    names = {row["Partner"] for row in rows}
    assert len(rows) > 3  # all results, not one page
    assert {"Acme Berlin DevOps", UNPUBLISHED_NAME} <= names
    acme = next(row for row in rows if row["Partner"] == "Acme Berlin DevOps")
    assert acme["Notes"].startswith("'=HYPERLINK(")
    assert acme["Channel account manager"] == f"CAM {SECRET} 1"
    assert acme["Profile URL"].endswith("/partners/acme-berlin-devops")
    for row in rows:
        for value in row.values():  # a plain number ('-3.70380', a longitude) is no formula
            assert not value.startswith(FORMULA_PREFIXES) or re.fullmatch(r"-?\d+(\.\d+)?", value), value


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_neutralise_quotes_every_formula_prefix(prefix):
    assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"
    assert neutralise("plain") == "plain" and neutralise(None) == "" and neutralise(12) == "12"


def test_export_needs_a_seller(site):
    assert site[0].test_client().get("/sellers/export.csv").status_code == 401


def test_sign_out(site, token):
    client = site[0].test_client()
    sign_in(client, token)
    page = client.get("/sellers").get_data(as_text=True)
    assert client.post("/sellers/sign-out", data={}).status_code == 400  # no CSRF token: still signed in
    assert "Signed in as" in client.get("/sellers").get_data(as_text=True)
    response = client.post("/sellers/sign-out", data={"csrf_token": csrf(page)})
    assert response.status_code == 303
    body = client.get("/sellers").get_data(as_text=True)
    assert "Seller sign-in" in body and SECRET not in body
    assert client.get("/sellers/export.csv").status_code == 401


def test_revoked_token_ends_its_sessions(site):
    app = site[0]
    raw = cli(app, "token", "create", "--name", "Short Lived")
    client = app.test_client()
    assert sign_in(client, raw).status_code == 303
    assert "Signed in as" in client.get("/sellers").get_data(as_text=True)
    listing = cli(app, "token", "list")
    token_id = next(line.split("\t")[0] for line in listing.splitlines() if "Short Lived" in line)
    assert cli(app, "token", "revoke", token_id) == f"revoked token {token_id}"
    line = next(line for line in cli(app, "token", "list").splitlines() if line.startswith(f"{token_id}\t"))
    assert not line.endswith("\tactive")
    body = client.get("/sellers").get_data(as_text=True)
    assert "Seller sign-in" in body and SECRET not in body
    assert sign_in(app.test_client(), raw).status_code == 401


def test_tokens_are_stored_hashed(site, token):
    app = site[0]
    with app.extensions["locator"].db.session() as session:
        hashes = list(session.scalars(select(SellerToken.token_hash)))
    assert hashes and token not in hashes
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    assert token not in cli(app, "token", "list")


def test_seller_profiles_show_unpublished_partners_with_internal_fields(site, token):
    app, slugs = site
    client = app.test_client()
    assert client.get(f"/sellers/partners/{slugs['unpublished']}").status_code == 303  # not signed in
    sign_in(client, token)
    assert f'href="/sellers/partners/{slugs["acme"]}"' in client.get("/sellers?near=Berlin").get_data(as_text=True)
    body = client.get(f"/sellers/partners/{slugs['unpublished']}").get_data(as_text=True)
    assert UNPUBLISHED_NAME in body and "only sellers see this profile" in body and f"CAM {SECRET} 3" in body
    assert client.get(f"/partners/{slugs['unpublished']}").status_code == 404  # the public page stays public


def test_seller_screen_keeps_the_site_navigation_and_one_heading(site, token):
    client = site[0].test_client()
    sign_in(client, token)
    body = client.get("/sellers?near=Berlin").get_data(as_text=True)
    assert body.count("<h1") == 1 and body.count("Signed in as") == 1
    assert 'href="/widget"' in body
