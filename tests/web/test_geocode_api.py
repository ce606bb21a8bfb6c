"""/api/v1/geocode asks the app's geocoder directly: a known place in the Location shape, an unknown one a
400 naming the parameter sent (q) with the nearest known names."""
from __future__ import annotations

import pytest


@pytest.fixture
def client(spatialite_db, make_app):
    return make_app(spatialite_db).test_client()


def test_a_known_place_is_a_location(client):
    response = client.get("/api/v1/geocode?q=Berlin")
    body = response.get_json()
    assert response.status_code == 200 and body["q"] == "Berlin"
    assert set(body["location"]) == {"lat", "lon", "label", "source", "country", "kind", "region", "alternatives"}
    assert body["location"]["country"] == "DE" and body["location"]["kind"] == "city"
    assert abs(body["location"]["lat"] - 52.52) < 0.1 and abs(body["location"]["lon"] - 13.40) < 0.1


def test_an_unknown_place_names_q_and_suggests_places(client):
    response = client.get("/api/v1/geocode?q=Berlinn")
    error = response.get_json()["error"]
    assert response.status_code == 400
    assert error["code"] == "unknown_place" and error["field"] == "q"
    assert "Berlin" in " ".join(error["suggestions"])
