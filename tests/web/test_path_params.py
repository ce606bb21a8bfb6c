"""NUL and other control characters in path and query parameters: a clean 4xx on both backends, never a 500."""
from __future__ import annotations

import re

import pytest

from locator.auth import create_token
from locator.store import apply_partner
from tests.factories import partner_data

CONTROL_SLUGS = ["%00", "a%00b", "acme%01", "%1f", "a%0Ab", "a%09b", "%7f%00"]


@pytest.fixture
def app(fresh_db, make_app):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="A", name="Acme Berlin"))
    return make_app(fresh_db)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seller_token(app):
    with app.extensions["locator"].db.session() as session:
        return create_token(session, "Test seller")


@pytest.mark.parametrize("slug", CONTROL_SLUGS)
def test_api_profile_with_a_control_character_is_a_json_404(client, seller_token, slug):
    for headers in ({}, {"Authorization": f"Bearer {seller_token}"}):
        response = client.get(f"/api/v1/partners/{slug}", headers=headers)
        assert response.status_code == 404, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "not_found" and error["field"] == "slug"
        assert "control character" in error["message"]


@pytest.mark.parametrize("slug", CONTROL_SLUGS)
def test_profile_page_with_a_control_character_is_the_html_404(client, slug):
    response = client.get(f"/partners/{slug}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in response.get_data(as_text=True)


def test_seller_profile_with_a_control_character_is_a_404(client, seller_token):
    form = client.get("/sellers").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/sellers/sign-in", data={"token": seller_token, "csrf_token": csrf}).status_code == 303
    assert client.get("/sellers/partners/acme-berlin").status_code == 200  # signed in: the route reaches the store
    for slug in ("%00", "a%00b"):
        response = client.get(f"/sellers/partners/{slug}")
        assert response.status_code == 404 and response.mimetype == "text/html"


def test_the_real_profile_still_answers(client):
    assert client.get("/api/v1/partners/acme-berlin").status_code == 200
    assert client.get("/partners/acme-berlin").status_code == 200


@pytest.mark.parametrize("url, field", [
    ("/api/v1/search?q=%00", "q"),
    ("/api/v1/search?near=%00", "near"),
    ("/api/v1/search?near=Ber%00lin&radius_km=50", "near"),
    ("/api/v1/search?language=d%00e", "language"),
    ("/api/v1/search?q=acme&sort=name%1b", "sort"),
    ("/api/v1/suggest?q=ac%00", "q"),
    ("/api/v1/geocode?q=%00", "q"),
    ("/api/v1/geocode?q=Berlin%00", "q"),
])
def test_api_query_parameter_with_a_control_character_is_a_400_naming_it(client, url, field):
    response = client.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["field"] == field
    assert "control character" in error["message"]


def test_a_parameter_name_with_a_control_character_is_a_400(client):
    response = client.get("/api/v1/search?q%00=acme")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "\x00" not in error["message"] and "control character" in error["message"]


def test_page_query_parameter_with_a_control_character_is_a_400_page(client):
    response = client.get("/?near=%00")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "near" in response.get_data(as_text=True)


def test_whitespace_in_free_text_is_still_accepted(client):
    response = client.get("/api/v1/search?q=acme%09berlin%0A")
    assert response.status_code == 200
    assert [r["name"] for r in response.get_json()["results"]] == ["Acme Berlin"]
