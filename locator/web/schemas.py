"""The JSON schemas (OpenAPI 3.0) of API v1's responses. Objects the API builds list every member and
forbid others (additionalProperties: false), so a field added to a response without its schema fails
tests/web/test_response_schemas.py, which validates real responses of every endpoint against these."""
from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def closed(properties: dict[str, Any], required: tuple[str, ...] | str = "all", **extra: Any) -> dict[str, Any]:
    """An object with exactly these members (`required`: which must be present; "all" by default)."""
    needed = list(properties) if required == "all" else list(required)
    schema = {"type": "object", "properties": properties, "additionalProperties": False, **extra}
    return {**schema, "required": needed} if needed else schema  # OpenAPI 3.0: required has at least one item


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


STRING, NUMBER, INTEGER, BOOLEAN = {"type": "string"}, {"type": "number"}, {"type": "integer"}, {"type": "boolean"}
CODES = {"type": "array", "items": STRING}
COUNTS = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": INTEGER}}
LABELS = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": STRING}}

CONTACT = closed({"name": STRING, "role": nullable(STRING), "email": nullable(STRING), "phone": nullable(STRING)}, required=("name",))
INTERNAL = closed({"channel_account_manager": nullable(STRING), "contacts": {"type": "array", "items": CONTACT},
                   "notes": nullable(STRING)}, required=(), description="Sellers only: never in a public response")

NEAREST_OFFICE = closed({"label": nullable(STRING), "city": nullable(STRING), "country": nullable(STRING), "lat": NUMBER, "lon": NUMBER})
KINDS = ["point", "city", "postal_code", "region", "country"]
ALTERNATIVE = closed({"label": STRING, "kind": {"type": "string", "enum": KINDS},
                      "near": {**STRING, "description": "The `near` text that searches this reading"}},
                     description="Another reading of an ambiguous name (\"Did you mean London, Ontario?\")")
LOCATION = closed({"lat": NUMBER, "lon": NUMBER, "label": STRING,
                   "source": {**STRING, "description": "gazetteer | country | region | postal | nominatim | cache | coordinates"},
                   "country": nullable({**STRING, "description": "ISO 3166-1 alpha-2"}),
                   "kind": {"type": "string", "enum": KINDS,
                            "description": "An area (region, country) is searched as partners with an office in it or "
                                           "serving it, with no radius; the others by the radius around the point"},
                   "region": nullable({**STRING, "description": "ISO 3166-2 code of the region (US-TX), or of the "
                                                                "region the place is in"}),
                   "bbox": {"type": "array", "items": NUMBER, "minItems": 4, "maxItems": 4,
                            "description": "Areas only: their bounds, west, south, east, north"},
                   "alternatives": {"type": "array", "items": ALTERNATIVE,
                                    "description": "The other readings of the name, most likely first"}},
                  required=("lat", "lon", "label", "source", "country", "kind", "region", "alternatives"))

# OpenAPI 3.0 ignores `nullable` beside a $ref, so a schema that may be null is written out in place.
RESULT_PROPERTIES: dict[str, Any] = {
    "id": {**STRING, "description": "The partner's stable external id"},
    "slug": STRING,
    "name": STRING,
    "track": {"type": "string", "enum": ["select", "open"]},
    "types": CODES, "languages": CODES, "services": CODES, "segments": CODES,
    "completeness": {"type": "integer", "minimum": 0, "maximum": 100},
    "distance_km": nullable({**NUMBER, "description": "To the nearest office, on the WGS84 ellipsoid; null without a location"}),
    "nearest_office": nullable(NEAREST_OFFICE),
    "serves_remotely": {**BOOLEAN, "description": "Serves the location (countries served, service area) without an office in the radius"},
    "url": {**STRING, "description": "Path of the profile page"},
    "score": NUMBER,
    "logo_url": nullable(STRING),
    "website": nullable(STRING),
    "description": STRING,
    "countries": {**CODES, "description": "Countries of its offices (ISO 3166-1 alpha-2)"},
    "matched": {"type": "object", "additionalProperties": CODES,
                "description": "kind → the vocabulary entries named by `q` (query.understood) that the partner has"},
    "remote_from": nullable({**STRING, "description": "Serving remotely: the city of the nearest office it serves from"}),
    "published": {**BOOLEAN, "description": "Always true in a public response"},
    "explain": ref("Explain"),
    "internal": INTERNAL,
    "display": ref("Display"),
}
OPTIONAL_RESULT = ("explain", "internal", "display")  # explain=1; sellers; JSON and GeoJSON (the pages' words)
RESULT = closed(RESULT_PROPERTIES, required=tuple(k for k in RESULT_PROPERTIES if k not in OPTIONAL_RESULT))

QUERY = {"type": "object", "description": "The query as parsed, with its filters; `location` is the place searched",
         "required": ["q", "near", "lat", "lon", "radius_km", "include_remote", "sort", "page", "per_page", "facets", "explain", "location",
                      "understood"],
         "properties": {"q": STRING, "near": nullable(STRING), "lat": nullable(NUMBER), "lon": nullable(NUMBER),
                        "radius_km": nullable(NUMBER), "include_remote": BOOLEAN, "sort": STRING, "page": INTEGER,
                        "per_page": INTEGER, "facets": CODES, "explain": BOOLEAN, "location": nullable(LOCATION),
                        "understood": {"type": "object", "additionalProperties": CODES,
                                       "description": "kind (service, segment, type, industry, certification, language) → "
                                                      "the vocabulary entries the words of `q` name"}},
         "additionalProperties": {"oneOf": [CODES, nullable(STRING)], "description": "A filter: its codes (or one code, or null)"}}

PAGE = {"query": ref("Query"), "total": INTEGER, "page": INTEGER, "per_page": INTEGER, "facets": COUNTS,
        "facet_labels": {**LABELS, "description": "Display names of the facet codes (with facets)"}}

FEATURE_PROPERTIES = closed(
    {**RESULT_PROPERTIES,
     "office": closed({"label": nullable(STRING), "city": nullable(STRING), "country": nullable(STRING)},
                      description="geojson_features=offices: the office this Feature is at"),
     "nearest": {**BOOLEAN, "description": "geojson_features=offices: whether it is the partner's nearest office"}},
    required=RESULT["required"])

OFFICE = closed({"label": nullable(STRING), "address": nullable(STRING), "city": nullable(STRING), "region": nullable(STRING),
                 "postal_code": nullable(STRING), "country": nullable(STRING), "lat": nullable(NUMBER), "lon": nullable(NUMBER),
                 "headquarters": BOOLEAN, "geocode_source": nullable(STRING),
                 "region_code": nullable({**STRING, "description": "ISO 3166-2 code of its region (derived from its place)"})})

PROFILE_PROPERTIES: dict[str, Any] = {
    "id": STRING, "slug": STRING, "name": STRING, "description": STRING,
    "website": nullable(STRING), "logo_url": nullable(STRING), "email": nullable(STRING), "phone": nullable(STRING),
    "track": {"type": "string", "enum": ["select", "open"]}, "published": BOOLEAN,
    "types": CODES, "services": CODES, "segments": CODES, "languages": CODES, "certifications": CODES,
    "industries": CODES, "countries_served": CODES,
    "regions_served": {**CODES, "description": "ISO 3166-2 regions served without an office there"},
    "social": {"type": "object", "additionalProperties": STRING, "description": "network → URL"},
    "service_area": nullable(closed({"type": {"type": "string", "enum": ["MultiPolygon"]}, "coordinates": {"type": "array"}},
                                    description="GeoJSON MultiPolygon served")),
    "offices": {"type": "array", "items": OFFICE},
    "internal": INTERNAL,
    "completeness": {"type": "integer", "minimum": 0, "maximum": 100},
    "completeness_breakdown": closed({
        "score": INTEGER,
        "breakdown": {"type": "object", "additionalProperties": closed({"earned": NUMBER, "max": NUMBER})},
        "hints": {**CODES, "description": "How the partner can complete its profile, most valuable first"}}),
    "url": STRING,
}

SUGGESTION = {"oneOf": [
    closed({"kind": {"type": "string", "enum": ["partner"]}, "label": STRING, "slug": STRING, "url": STRING}),
    closed({"kind": {"type": "string", "enum": ["place"]}, "label": STRING, "lat": NUMBER, "lon": NUMBER,
            "country": nullable(STRING), "place_kind": STRING}),
]}

ERROR = closed({"error": closed({
    "code": STRING, "message": STRING, "field": nullable(STRING),
    "suggestions": {**CODES, "description": "Places, for an unknown place"},
    "country": {**STRING, "description": "For an unknown place: the country understood in it (ISO 3166-1 alpha-2)"},
    "allowed": {**CODES, "description": "Values the field takes (the nearest ones when there are many)"},
    "suggestion": nullable({**STRING, "description": "The allowed value nearest the one sent"}),
    "vocabulary": {**STRING, "description": "Where every allowed value is listed"},
    "request_id": {**STRING, "description": "This request's id (also its X-Request-Id header): quote it when reporting a problem"},
}, required=("code", "message", "field"))})

# Contact requests (locator.leads): the widget's form token and the lead it posts.
LEAD_FORM = closed({"form_token": {**STRING, "description": "Send it back with the request: signed, when and for which partner it was issued"},
                    "min_fill_s": {**NUMBER, "description": "A request sent sooner after the token is treated as a bot's (no lead)"},
                    "expires_in_s": INTEGER,
                    "services": {"type": "object", "additionalProperties": STRING, "description": "What the customer may need: code → label"},
                    "countries": {"type": "object", "additionalProperties": STRING, "description": "ISO 3166-1 alpha-2 → name"}})
LEAD_REQUEST = closed({
    "name": {**STRING, "maxLength": 120}, "email": {**STRING, "format": "email", "maxLength": 254},
    "company": {**STRING, "maxLength": 200},
    "country": {**STRING, "description": "ISO 3166-1 alpha-2", "minLength": 2, "maxLength": 2},
    "needs": {"type": "array", "items": STRING, "maxItems": 10, "description": "Codes of the services vocabulary"},
    "message": {**STRING, "maxLength": 3000, "description": "At most 2 links"},
    "consent": {"type": "boolean", "enum": [True], "description": "The customer agrees that the request is shared with the partner"},
    "website": {**STRING, "description": "Leave empty (a field people never see)"},
    "form_token": {**STRING, "description": "From GET /api/v1/partners/{slug}/lead-form"},
    "source": {"type": "string", "enum": ["widget", "iframe", "page"], "description": "Where the form is (default widget)"},
    "search": {"type": "object", "additionalProperties": {"oneOf": [STRING, CODES]},
               "description": "The search that led to the partner: API search parameters (paging is dropped)"},
    "position": {"type": "integer", "minimum": 1, "description": "The partner's position in that search's results"},
}, required=("name", "email", "company", "message", "consent", "form_token"))
LEAD_CREATED = closed({"reference": {**STRING, "description": "The lead's reference, e.g. L-7K3Q-9XM2"}, "message": STRING})

SCHEMAS: dict[str, Any] = {
    "Error": ERROR,
    "Location": LOCATION,
    "NearestOffice": NEAREST_OFFICE,
    "Explain": closed({"distance_km": nullable(NUMBER),
                       "ranking_distance_km": nullable({**NUMBER, "description": "The distance ranked by: the nearest office's in "
                                                        "the radius (0 in an area); serving remotely, the effective distance: to "
                                                        "the nearest office, at least LOCATOR_REMOTE_DISTANCE_KM"}),
                       "text": nullable(NUMBER),
                       "completeness": INTEGER, "track": STRING, "serves_remotely": BOOLEAN,
                       "remote_from": nullable(STRING),
                       "coverage": nullable(closed({
                           "units": INTEGER, "covered": INTEGER, "credit": NUMBER,
                           "by_unit": {"type": "array", "items": closed({
                               "words": STRING, "entries": CODES, "level": {"type": "string", "enum": ["strong", "weak", "none"]}})}},
                           description="How much of `q` it covers: per unit (an entry named, or a word), strong (has the entry, or "
                                       "the word is in its name), weak (only in its other text) or none. Results rank by the units "
                                       "covered first; `credit` (0..1, the text part of the blend) averages the units' credit: half "
                                       "for strong, half the BM25 relative to the best")),
                       "matched": {"type": "object", "additionalProperties": CODES},
                       "matched_words": CODES,
                       "weighted": closed({"text": NUMBER, "distance": NUMBER, "completeness": NUMBER, "track": NUMBER}),
                       "score": NUMBER, "sentence": {**STRING, "description": "The same as display.explanation"}},
                      description="The score's components (explain=1) and the sentence they make"),
    "Display": closed({"explanation": {**STRING, "description": "Why the result is where it is, in one line"},
                       "distance": STRING, "track": STRING,
                       "track_help": {**STRING, "description": "What the partner's track means"},
                       "profile": {**STRING, "description": "The facts that make the profile complete (sellers: and its percentage)"},
                       "facts": {"type": "array", "items": closed({"label": STRING, "value": STRING})}},
                      required=(), description="The result in words, as the pages show it"),
    "Result": RESULT,
    "Query": QUERY,
    "SearchResults": closed({**PAGE, "results": {"type": "array", "items": ref("Result")}}, required=("query", "total", "page", "per_page", "results", "facets")),
    "Feature": closed({"type": {"type": "string", "enum": ["Feature"]}, "id": STRING,
                       "geometry": nullable(closed({"type": {"type": "string", "enum": ["Point"]},
                                                    "coordinates": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2}})),
                       "properties": FEATURE_PROPERTIES}),
    "FeatureCollection": closed({"type": {"type": "string", "enum": ["FeatureCollection"]},
                                 "features": {"type": "array", "items": ref("Feature")}, **PAGE},
                                required=("type", "features", "query", "total", "page", "per_page", "facets")),
    "Profile": closed(PROFILE_PROPERTIES, required=tuple(k for k in PROFILE_PROPERTIES if k != "internal")),
    "Suggestions": closed({"q": STRING, "items": {"type": "array", "items": SUGGESTION, "maxItems": 10}}),
    "Geocoded": closed({"q": STRING, "location": ref("Location")}),
    "Vocabularies": {"type": "object", "description": "kind → code → label", "additionalProperties": {"type": "object", "additionalProperties": STRING}},
    "LeadForm": LEAD_FORM,
    "LeadRequest": LEAD_REQUEST,
    "LeadCreated": LEAD_CREATED,
}
