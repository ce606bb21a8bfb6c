"""API v1 on both backends: an unknown filter value is a 400 that names the field, lists the allowed
values (the nearest ones when there are many) and suggests the nearest; GeoJSON per partner or per office."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from locator import vocab
from locator.cli import main
from locator.store import apply_partner
from tests.factories import office, partner_data


@pytest.fixture
def app(fresh_db, make_app):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="K", name="Kube Berlin", services=["kubernetes"], offices=[
            office(52.52, 13.405, label="Berlin HQ", headquarters=True),
            office(48.137, 11.575, label="Munich", city="Munich"),
            office(40.7128, -74.006, label="New York", city="New York", country="US")]))
        apply_partner(session, partner_data(id="P", name="Potsdam Partner", offices=[office(52.3906, 13.0645, city="Potsdam")]))
    return make_app(fresh_db)


@pytest.fixture
def client(app):
    return app.test_client()


def error_of(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 400, url
    return response.get_json()["error"]


def test_an_unknown_service_lists_the_allowed_values_and_suggests_the_nearest(client):
    error = error_of(client, "/api/v1/search?service=kubernets")
    assert error["code"] == "invalid_parameter" and error["field"] == "service"
    assert error["suggestion"] == "kubernetes"
    assert error["allowed"] == list(vocab.SERVICES)
    assert "kubernets" in error["message"] and "did you mean 'kubernetes'" in error["message"]


@pytest.mark.parametrize("url, field, suggestion", [
    ("/api/v1/search?type=var", "type", "reseller-var"),
    ("/api/v1/search?segment=enterprize", "segment", "enterprise"),
    ("/api/v1/search?certification=gold-star&service=training", "certification", None),
    ("/api/v1/search?service=training,kubernets", "service", "kubernetes"),
])
def test_every_filter_names_its_field_and_suggests(client, url, field, suggestion):
    error = error_of(client, url)
    assert error["field"] == field and error["suggestion"] == suggestion
    assert set(error["allowed"]) == set(vocab.vocabulary(field))


@pytest.mark.parametrize("url, field, suggestion", [
    ("/api/v1/search?language=german", "language", "de"),  # a label gives its code
    ("/api/v1/search?language=deu", "language", "de"),
    ("/api/v1/search?country=Germny", "country", "DE"),
    ("/api/v1/search?country=korea", "country", "KR"),
])
def test_large_vocabularies_list_the_nearest_values_and_where_to_find_all(client, url, field, suggestion):
    error = error_of(client, url)
    assert error["field"] == field and error["suggestion"] == suggestion
    assert error["allowed"][0] == suggestion and len(error["allowed"]) <= 10
    assert set(error["allowed"]) <= set(vocab.vocabulary(field))
    assert error["vocabulary"] == "/api/v1/vocabularies" and "/api/v1/vocabularies" in error["message"]
    assert client.get(error["vocabulary"]).get_json()[field][suggestion]


def test_geojson_gives_one_feature_per_partner_by_default(client):
    body = client.get("/api/v1/search?near=Berlin&radius_km=50&format=geojson&sort=distance").get_json()
    assert [f["id"] for f in body["features"]] == ["K", "P"]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [13.405, 52.52]}
    same = client.get("/api/v1/search?near=Berlin&radius_km=50&format=geojson&sort=distance&geojson_features=partners")
    assert same.get_json() == body


def test_geojson_can_give_one_feature_per_office(client):
    response = client.get("/api/v1/search?near=Berlin&radius_km=50&sort=distance&geojson_features=offices",
                          headers={"Accept": "application/geo+json"})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    assert [f["id"] for f in features] == ["K/1", "K/2", "K/3", "P/1"]
    assert [f["geometry"]["coordinates"] for f in features[:3]] == [[13.405, 52.52], [11.575, 48.137], [-74.006, 40.7128]]
    assert [f["properties"]["office"]["label"] for f in features[:3]] == ["Berlin HQ", "Munich", "New York"]
    assert [f["properties"]["nearest"] for f in features] == [True, False, False, True]
    assert {f["properties"]["name"] for f in features} == {"Kube Berlin", "Potsdam Partner"}
    assert features[0]["properties"]["nearest_office"]["label"] == "Berlin HQ"


def test_offices_without_a_place_are_all_not_nearest_and_json_is_unchanged(client):
    features = client.get("/api/v1/search?q=kube&format=geojson&geojson_features=offices").get_json()["features"]
    assert len(features) == 3 and not any(f["properties"]["nearest"] for f in features)
    result = client.get("/api/v1/search?q=kube").get_json()["results"][0]
    assert "offices" not in result  # the JSON body keeps its contract


def test_a_bad_geojson_features_value_names_the_field(client):
    error = error_of(client, "/api/v1/search?format=geojson&geojson_features=cities")
    assert error["field"] == "geojson_features" and error["allowed"] == ["partners", "offices"]


def test_the_cli_search_gives_the_same_features(app, client, monkeypatch):
    cfg = app.config["LOCATOR"]
    monkeypatch.setenv("LOCATOR_INDEX_DIR", cfg.index_dir)
    result = CliRunner().invoke(main, ["--database-url", cfg.database_url, "search", "--near", "Berlin", "--radius-km", "50",
                                       "--format", "geojson", "--geojson-features", "offices"])
    assert result.exit_code == 0, result.output
    api = client.get("/api/v1/search?near=Berlin&radius_km=50&format=geojson&geojson_features=offices").get_json()
    assert json.loads(result.output) == api and len(api["features"]) == 4
