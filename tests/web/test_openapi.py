"""The OpenAPI document is valid and says exactly what the API accepts."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from locator import vocab
from locator.search.filters import FILTERS
from locator.search.params import OUTPUT_PARAMETERS
from locator.search.query import PARAMETERS
from locator.web.openapi import document


@pytest.fixture
def app(spatialite_db, make_app):
    return make_app(spatialite_db)


def test_document_is_valid_openapi(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    validate(spec)
    assert spec == document()


def test_every_route_is_documented_and_every_documented_path_exists(app):
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    assert routes == set(document()["paths"])
    for path, ops in document()["paths"].items():
        methods = {m.upper() for m in ops}
        rule = next(r for r in app.url_map.iter_rules() if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) == path)
        assert methods <= rule.methods


def test_search_parameters_match_the_parser(app):
    documented = {p["name"] for p in document()["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert documented == set(PARAMETERS) | set(OUTPUT_PARAMETERS)
    client = app.test_client()
    valid = {"lat": "1", "lon": "1", "sort": "name", "facets": "all", "format": "json", "include_remote": "1",
             "explain": "1", "page": "1", "per_page": "5", "radius_km": "10", "q": "x", "near": "Berlin",
             "geojson_features": "offices", **{f.name: next(iter(vocab.vocabulary(f.kind))) for f in FILTERS}}
    for name in documented:  # each documented parameter is accepted (with a valid value)
        value = valid[name]
        params = {name: value}
        if name in ("lat", "lon"):
            params = {"lat": "1", "lon": "1"}
        assert client.get("/api/v1/search", query_string=params).status_code == 200, name
    assert client.get("/api/v1/search", query_string={"undocumented": "1"}).status_code == 400


def test_docs_page_lists_every_endpoint_and_parameter(app):
    response = app.test_client().get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path in document()["paths"]:
        assert f"<code>{path}</code>" in html
    for name in PARAMETERS:
        assert f"<code>{name}</code>" in html
    assert "cdn" not in html.lower()
    assert all('src="/static/' in tag for tag in re.findall(r"<script\b[^>]*>", html))  # files only, never inline
