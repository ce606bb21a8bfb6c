"""The OpenAPI 3 document of API v1, built from the same names the parser accepts."""
from __future__ import annotations

from functools import lru_cache

from locator.search.params import GEOJSON_FEATURES
from locator.search.filters import FILTERS, Filter
from locator.search.query import FACETS, SORTS
from locator.web.schemas import SCHEMAS, ref

ERROR = {"$ref": "#/components/responses/Error"}


def _param(name: str, schema: dict, description: str, required: bool = False, explode: bool | None = None) -> dict:
    param = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if explode is not None:
        param.update(style="form", explode=explode)
    return param


def search_parameters() -> list[dict]:
    params = [
        _param("q", {"type": "string", "maxLength": 200}, "Free text: name, description, services (stemmed, accent-folded, typo-tolerant). Never parsed as query syntax. Not an AND: results cover some or all of it, those covering more first. Words naming a vocabulary entry (a service, segment, type, industry, certification or language, in English, de, fr, es, pt, ja, ko, zh, he, ru, pl or by a synonym: kubernetes, k8s, 쿠버네티스, public sector, german, MSP) match partners having it; `query.understood` lists them, each result's `matched` those it has."),
        _param("near", {"type": "string", "maxLength": 200}, "A place: city, 'City, Country', postal code (with its country, or read in the visitor's: the one `country` filter, else Accept-Language's region), a first-level region (Texas, TX, Bayern) or a country. A region or country is an area: partners with an office in it or serving it remotely, with no radius. `query.location` says what was understood (kind, region, bbox, alternatives)."),
        _param("lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude (WGS84); needs lon; not with near."),
        _param("lon", {"type": "number", "minimum": -180, "maximum": 180}, "Longitude (WGS84); needs lat."),
        _param("radius_km", {"type": "number", "minimum": 0.001, "maximum": 20000}, "Radius around the location, exact on the WGS84 ellipsoid (default 100)."),
    ]
    params += [_filter_param(f) for f in FILTERS]
    params += [
        _param("include_remote", {"type": "boolean", "default": True}, "Also return partners serving the location without an office in the radius (serves_remotely: true)."),
        _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"}, "Order of results; distance needs a location."),
        _param("page", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}, "1-based page."),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Results per page."),
        _param("facets", {"type": "string"}, f"'all' or a comma list of {', '.join(FACETS)}; counts are disjunctive."),
        _param("explain", {"type": "boolean", "default": False}, "Add each result's score components and the sentence they make (`explain.sentence`, the same as `display.explanation`)."),
        _param("format", {"type": "string", "enum": ["json", "geojson"]}, "Output format (or send Accept: application/geo+json)."),
        _param("geojson_features", {"type": "string", "enum": list(GEOJSON_FEATURES), "default": GEOJSON_FEATURES[0]},
               "GeoJSON only: one Feature per partner (at its nearest office) or one per office of each partner "
               "(its properties add `office` and `nearest`)."),
    ]
    return params


def _filter_param(f: Filter) -> dict:
    """A registered filter: an array of codes (repeat or comma-separate), or one code of a small vocabulary."""
    from locator import vocab

    if not f.repeatable:
        return _param(f.name, {"type": "string", "enum": list(vocab.vocabulary(f.kind))},
                      f"Filter by {f.label.lower()}; AND with the other filters. {f.note}".strip())
    return _param(f.name, {"type": "array", "items": {"type": "string"}, "maxItems": 20},
                  f"Filter by {f.label.lower()} ({f.kind} codes from /api/v1/vocabularies): repeat or comma-separate "
                  f"values (OR within, AND across filters). {f.note}".strip(), explode=True)


def _ok(description: str, schema: dict, geojson: bool = False) -> dict:
    content = {"application/json": {"schema": schema}}
    if geojson:
        content["application/geo+json"] = {"schema": ref("FeatureCollection")}
    return {"description": description, "content": content}


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}, "description": "The partner's slug."}


@lru_cache(maxsize=1)
def document() -> dict:
    errors = {"400": ERROR, "401": ERROR, "405": ERROR, "413": ERROR, "414": ERROR, "503": ERROR}
    limited = {"429": {"$ref": "#/components/responses/TooManyRequests"}}  # the per-client limits (locator/web/limits.py)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Partner Locator API",
            "version": "1",
            "description": "Find authorised channel partners by place, language, services and segment. "
            "Sellers send Authorization: Bearer <token> and also get unpublished partners and internal fields.",
        },
        "tags": [
            {"name": "partners", "description": "Find partners and read their profiles"},
            {"name": "reference", "description": "Places and the filters' vocabularies"},
            {"name": "contact", "description": "Contact requests to partners (leads)"},
            {"name": "documentation", "description": "This API's description"},
        ],
        "paths": {
            "/api/v1/search": {"get": {
                "operationId": "search", "summary": "Search partners", "tags": ["partners"],
                "parameters": search_parameters(),
                "responses": {"200": _ok("Ranked partners, facets and the resolved location", ref("SearchResults"), geojson=True),
                              "304": {"description": "Not modified (If-None-Match matched the ETag)"}, **errors, **limited},
                "security": [{}, {"bearer": []}],
            }},
            "/api/v1/partners/{slug}": {"get": {
                "operationId": "partner", "summary": "A partner's profile", "tags": ["partners"],
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
                                "description": "The partner's slug (a search result's `slug`)."}],
                "responses": {"200": _ok("The profile (sellers: unpublished partners too, and `internal`)", ref("Profile")), "404": ERROR, **errors},
                "security": [{}, {"bearer": []}],
            }},
            "/api/v1/suggest": {"get": {
                "operationId": "suggest", "summary": "Partner names and places as you type (at most 10)", "tags": ["partners"],
                "parameters": [_param("q", {"type": "string", "maxLength": 100}, "The prefix typed so far.")],
                "responses": {"200": _ok("Suggestions", ref("Suggestions")), **errors, **limited},
                "security": [{}, {"bearer": []}],
            }},
            "/api/v1/geocode": {"get": {
                "operationId": "geocode", "summary": "Resolve a place name", "tags": ["reference"],
                "parameters": [_param("q", {"type": "string", "maxLength": 200}, "The place.", required=True)],
                "responses": {"200": _ok("The location", ref("Geocoded")), **errors, **limited},
            }},
            "/api/v1/vocabularies": {"get": {
                "operationId": "vocabularies", "summary": "Codes and labels of every filter vocabulary", "tags": ["reference"],
                "responses": {"200": _ok("kind → code → label", ref("Vocabularies"))},
            }},
            "/api/v1/partners/{slug}/lead-form": {"get": {
                "operationId": "leadForm", "summary": "A form token for a contact request to this partner", "tags": ["contact"],
                "parameters": [SLUG],
                "responses": {"200": _ok("The token (no cookie is set)", ref("LeadForm")), "404": ERROR, **errors},
            }},
            "/api/v1/partners/{slug}/leads": {"post": {
                "operationId": "createLead", "summary": "Send the partner a contact request (a lead)", "tags": ["contact"],
                "description": "Cross-origin JSON without cookies. The customer gets a confirmation and the partner the request, "
                               "by email. A filled `website` or a request sent sooner than `min_fill_s` after its token gets "
                               "a 201 too, but nothing is stored or sent.",
                "parameters": [SLUG],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("LeadRequest")}}},
                "responses": {"201": {"description": "Received: its reference", "content": {"application/json": {"schema": ref("LeadCreated")}}},
                              "404": ERROR, **errors, **limited},
            }},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "tags": ["documentation"], "responses": {"200": _ok("OpenAPI 3 document", {"type": "object"})}}},
            "/api/docs": {"get": {"operationId": "docs", "summary": "This document as a page", "tags": ["documentation"], "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "TooManyRequests": {"description": "This client sent too many requests; wait Retry-After seconds",
                                              "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
                                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": SCHEMAS,
        },
    }
