"""Places through the API: /api/v1/suggest ranks the obvious place first and says its kind; /api/v1/geocode
answers regions and postal codes and refuses what names nothing, naming the country it understood."""
from __future__ import annotations

import pytest


@pytest.fixture
def client(spatialite_db, make_app):
    return make_app(spatialite_db).test_client()


def places(client, q: str) -> list[dict]:
    response = client.get("/api/v1/suggest", query_string={"q": q})
    assert response.status_code == 200
    return [item for item in response.get_json()["items"] if item["kind"] == "place"]


def test_suggest_puts_the_obvious_place_first_and_says_its_kind(client):
    munich = places(client, "Münch")[0]
    assert (munich["label"], munich["place_kind"], munich["country"]) == ("Munich, Germany", "city", "DE")
    texas = places(client, "TX")[0]
    assert (texas["label"], texas["place_kind"]) == ("Texas, United States", "region")
    assert "Bavaria, Germany" in [p["label"] for p in places(client, "Bay")[:3]]
    assert places(client, "Deutschl")[0]["place_kind"] == "country"


@pytest.mark.parametrize("q,kind,country,region", [
    ("Texas", "region", "US", "US-TX"),
    ("Bayern", "region", "DE", "DE-BY"),
    ("78701", "postal_code", "US", "US-TX"),
    ("80331 DE", "postal_code", "DE", "DE-BY"),
    ("Ontario, Canada", "region", "CA", "CA-ON"),
])
def test_geocode_answers_regions_and_postal_codes(client, q, kind, country, region):
    response = client.get("/api/v1/geocode", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    location = response.get_json()["location"]
    assert (location["kind"], location["country"], location["region"]) == (kind, country, region)


@pytest.mark.parametrize("q", ["Foo, USA", "Kubernetes, USA", "Texas, Germany", "🙂", "Berlin東京"])
def test_geocode_refuses_what_names_nothing(client, q):
    response = client.get("/api/v1/geocode", query_string={"q": q})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_place" and error["field"] == "q"
    if q.endswith("USA"):
        assert error["country"] == "US" and error["message"].endswith("in United States")
    if q == "Texas, Germany":
        assert error["country"] == "DE"
