"""The OpenAPI document, the API's responses and the code agree: real responses of every endpoint, public
and seller, successes and errors, validate against the document's response schemas (OpenAPI 3.0, nullable
included), on both backends. Result and its siblings forbid undeclared members, so a field added to a
response without its schema fails here."""
from __future__ import annotations

import re

import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator

from locator.auth import create_token
from locator.web.openapi import document
from tests.factories import make_partner, office

SECRET = {"channel_account_manager": "Cam Manager", "contacts": [{"name": "Sam Secret", "email": "sam@example.com"}],
          "notes": "internal note"}
AREA = {"type": "Polygon", "coordinates": [[[13.0, 52.0], [14.0, 52.0], [14.0, 53.0], [13.0, 52.0]]]}


@pytest.fixture
def app(fresh_db, make_app):
    with fresh_db.session() as session:
        make_partner(session, id="A", name="Berlin Kubernetes Shop", track="select", languages=["de", "en"],
                     services=["kubernetes", "migration"], certifications=["kcsp"], industries=["finance"],
                     logo_url="https://shop.example/logo.png", website="https://shop.example", email="hi@shop.example",
                     phone="+49 30 1234567", social={"linkedin": "https://linkedin.example/shop"}, service_area=AREA,
                     internal=SECRET, offices=[office(), office(48.137, 11.575, city="Munich", label="München", headquarters=True)])
        make_partner(session, id="B", name="Hidden Hamburg", published=False, internal=SECRET,
                     offices=[office(53.55, 9.99, city="Hamburg")])
        make_partner(session, id="C", name="Paris Remote", languages=["fr"], countries_served=["DE"],
                     offices=[office(48.857, 2.352, city="Paris", country="FR")])
        make_partner(session, id="D", name="Nowhere Yet", offices=[])
    return make_app(fresh_db)


@pytest.fixture
def seller(app):
    with app.extensions["locator"].db.session() as session:
        return {"Authorization": f"Bearer {create_token(session, 'Schema seller')}"}


def operation(doc: dict, url: str) -> dict:
    """The documented GET operation whose path template matches the URL's path."""
    path = url.split("?")[0]
    for template, ops in doc["paths"].items():
        if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", template), path):
            return ops["get"]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def response_schema(doc: dict, url: str, status: int, mimetype: str) -> dict:
    responses = operation(doc, url)["responses"]
    assert str(status) in responses, f"{url}: status {status} is not documented"
    response = responses[str(status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    assert mimetype in response["content"], f"{url}: {mimetype} is not documented for {status}"
    return response["content"][mimetype]["schema"]


def validator(doc: dict, schema: dict) -> OAS30Validator:
    return OAS30Validator({"allOf": [schema], "components": doc["components"]})


PUBLIC = [
    ("/api/v1/search?near=Berlin&radius_km=700&facets=all&explain=1", {}),
    ("/api/v1/search?q=kubernetes", {}),  # no location: distances and location null
    ("/api/v1/search?near=Germany&facets=country", {}),  # an area
    ("/api/v1/search?near=Bayern", {}),  # a region: its code and bbox
    ("/api/v1/search?near=London", {"Accept-Language": "en-CA"}),  # the visitor's reading, with the alternatives
    ("/api/v1/search?near=80331", {"Accept-Language": "de-DE"}),  # a postal code
    ("/api/v1/search?lat=52.5&lon=13.4&sort=distance", {}),
    ("/api/v1/search?near=Berlin&radius_km=700", {"Accept": "application/geo+json"}),
    ("/api/v1/search?near=Berlin&radius_km=700&format=geojson&geojson_features=offices&explain=1", {}),
    ("/api/v1/search?q=nothingmatchesthis", {}),
    ("/api/v1/partners/berlin-kubernetes-shop", {}),
    ("/api/v1/partners/nowhere-yet", {}),
    ("/api/v1/suggest?q=berl", {}),
    ("/api/v1/suggest?q=", {}),
    ("/api/v1/geocode?q=Berlin", {}),
    ("/api/v1/geocode?q=Germany", {}),
    ("/api/v1/vocabularies", {}),
    ("/api/openapi.json", {}),
]
SELLER = [
    "/api/v1/search?near=Berlin&radius_km=700&facets=all&explain=1",
    "/api/v1/search?near=Hamburg&format=geojson",
    "/api/v1/partners/hidden-hamburg",
    "/api/v1/partners/berlin-kubernetes-shop",
    "/api/v1/suggest?q=hid",
]
ERRORS = [  # (url, headers, status)
    ("/api/v1/search?language=xx", {}, 400),  # allowed, suggestion, vocabulary
    ("/api/v1/search?track=gold", {}, 400),
    ("/api/v1/search?near=Berlinn", {}, 400),  # unknown place: suggestions
    ("/api/v1/search?near=Foo, USA", {}, 400),  # unknown place in a known country: the country
    ("/api/v1/search?colour=red", {}, 400),
    ("/api/v1/search?radius_km=-1&near=Berlin", {}, 400),
    ("/api/v1/search", {"Authorization": "Bearer nope"}, 401),
    ("/api/v1/partners/hidden-hamburg", {}, 404),
    ("/api/v1/partners/nobody", {}, 404),
    ("/api/v1/geocode", {}, 400),
    ("/api/v1/suggest?q=" + "x" * 101, {}, 400),
    ("/api/v1/search?q=" + "x" * 7000, {}, 414),
]


def test_every_response_validates_against_the_document(app, seller):
    doc = app.test_client().get("/api/openapi.json").get_json()
    client = app.test_client()
    seen: dict[str, int] = {}
    cases = ([(url, headers, 200) for url, headers in PUBLIC] + [(url, seller, 200) for url in SELLER] + ERRORS)
    for url, headers, status in cases:
        response = client.get(url, headers=headers)
        assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
        body = response.get_json()
        errors = sorted(validator(doc, response_schema(doc, url, status, response.mimetype)).iter_errors(body), key=str)
        assert not errors, f"{url} ({status}): " + "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
        operation_id = operation(doc, url)["operationId"]
        seen[operation_id] = seen.get(operation_id, 0) + 1
        if "results" in (body or {}):
            seen["result"] = seen.get("result", 0) + len(body["results"])
    assert set(seen) >= {"search", "partner", "suggest", "geocode", "vocabularies", "openapi", "result"}
    assert client.post("/api/v1/search").status_code == 405  # documented as an Error on the GET operation
    errors = list(validator(doc, response_schema(doc, "/api/v1/search", 405, "application/json"))
                  .iter_errors(client.post("/api/v1/search").get_json()))
    assert not errors


def test_a_member_without_a_schema_fails(app):
    """The test above can fail: an undeclared field in a result, a profile or an error is refused."""
    doc = document()
    body = app.test_client().get("/api/v1/search?near=Berlin&radius_km=700").get_json()
    schema = validator(doc, response_schema(doc, "/api/v1/search", 200, "application/json"))
    assert schema.is_valid(body) and body["results"]
    body["results"][0]["rating"] = 5
    with pytest.raises(ValidationError, match="rating"):
        schema.validate(body)
    profile = app.test_client().get("/api/v1/partners/berlin-kubernetes-shop").get_json()
    profile_schema = validator(doc, response_schema(doc, "/api/v1/partners/x", 200, "application/json"))
    assert profile_schema.is_valid(profile)
    assert not profile_schema.is_valid({**profile, "version": 3})
    assert not profile_schema.is_valid({k: v for k, v in profile.items() if k != "website"})  # a documented member missing


def test_every_object_the_api_builds_says_which_members_it_has():
    """Each response object schema with properties also says what else it allows (false, or a schema for
    map-like members), so the validation above can notice a member nobody documented."""
    open_objects = []

    def walk(schema, where):
        if isinstance(schema, dict):
            if "properties" in schema and "additionalProperties" not in schema:
                open_objects.append(where)
            for key, value in schema.items():
                if key == "properties":  # member name → schema
                    for name, member in value.items():
                        walk(member, f"{where}/properties/{name}")
                else:
                    walk(value, f"{where}/{key}")
        elif isinstance(schema, list):
            for i, value in enumerate(schema):
                walk(value, f"{where}/{i}")

    schemas = document()["components"]["schemas"]
    walk(schemas, "#/components/schemas")
    assert not open_objects
    assert schemas["Result"]["additionalProperties"] is False
