"""API v1: parse → Locator → format. JSON or GeoJSON; errors via locator.web.errors."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import orjson
from flask import Blueprint, Response, current_app, render_template, request

from locator import vocab
from locator.auth import verify_token
from locator import formats
from locator.errors import InvalidParameter, NotFound, PayloadTooLarge, Unauthorized, UriTooLong
from locator.geocoding import find_place
from locator.search.params import OUTPUT_PARAMETERS, geojson_features
from locator.search.query import SearchQuery
from locator.search.results import location_body
from locator.web.context import services
from locator.web.insights import record_search
from locator.web.search_view import visitor_country

bp = Blueprint("api", __name__)
V1 = "/api/v1"
MAX_URL_BYTES = 6144  # well under gunicorn.conf.py's limit_request_line (8190), so this JSON 414 is what clients get
SUGGEST_LIMIT = 10
VARY = "Accept, Authorization"
VARY_BY_LANGUAGE = f"{VARY}, Accept-Language"


@bp.before_request
def _limits() -> None:
    if len(request.query_string) > MAX_URL_BYTES:
        raise UriTooLong(f"the query string is longer than {MAX_URL_BYTES} bytes")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if request.content_length and limit and request.content_length > limit:
        raise PayloadTooLarge(f"the request body is larger than {limit} bytes")


def audience() -> str:
    """'seller' for a valid bearer token, 'public' without one; a bad token is a 401."""
    header = request.headers.get("Authorization", "")
    if not header:
        return "public"
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use Authorization: Bearer <token>", field="Authorization")
    with services().db.session() as session:
        if verify_token(session, token.strip()) is None:
            raise Unauthorized("invalid or revoked token", field="Authorization")
    return "seller"


def output_format() -> str:
    requested = request.args.get("format")
    if requested is not None:
        if requested not in formats.API_FORMATS:
            raise InvalidParameter(f"format must be one of {', '.join(formats.API_FORMATS)}", field="format")
        return requested
    by_mimetype = {formats.FORMATS[name].mimetype: name for name in formats.API_FORMATS}
    return by_mimetype.get(request.accept_mimetypes.best_match(list(by_mimetype), "application/json"), "json")


def cached_json(body, mimetype: str, who: str, by_language: bool = False) -> Response:
    """A JSON response with an ETag over its bytes; 304 when the client already has it. `by_language`: the answer
    reads a place in the visitor's country (Accept-Language), so caches keep one answer per language."""
    data = orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)  # UTF-8, compact; ~10x json.dumps
    etag = hashlib.sha256(data).hexdigest()[:32]
    response = Response(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-store" if who == "seller" else "public, max-age=30"
    response.headers["Vary"] = VARY_BY_LANGUAGE if by_language else VARY  # (a new response has no Vary to add to)
    return response.make_conditional(request)


@bp.get(f"{V1}/search")
def search():
    who = audience()
    fmt = output_format()
    query = SearchQuery.from_params(
        request.args, current_app.config["LOCATOR"], audience=who, strict=True, allowed_extra=OUTPUT_PARAMETERS
    )
    query = replace(query, context_country=visitor_country())  # how a place typed without its country is read
    options = {"features": geojson_features(request.args)} if fmt == "geojson" else {}
    results = services().locator.search(query)
    record_search(query, results, "api")
    body, mimetype = formats.render(results, fmt, **options)
    return cached_json(body, mimetype, who, by_language=True)


@bp.get(f"{V1}/partners/<slug>")
def partner(slug: str):
    who = audience()
    profile = services().locator.partner(slug, audience=who)
    if profile is None:
        raise NotFound(f"no partner {slug!r}", field="slug")
    return cached_json(profile, "application/json", who)


@bp.get(f"{V1}/suggest")
def suggest():
    who = audience()
    prefix = (request.args.get("q") or "").strip()
    if len(prefix) > 100:
        raise InvalidParameter("q is longer than 100 characters", field="q")
    items = services().locator.suggest(prefix, limit=SUGGEST_LIMIT, audience=who) if prefix else []
    return cached_json({"q": prefix, "items": items}, "application/json", who)


@bp.get(f"{V1}/geocode")
def geocode():
    text = (request.args.get("q") or "").strip()
    if not text:
        raise InvalidParameter("q is required", field="q")
    if len(text) > 200:
        raise InvalidParameter("q is longer than 200 characters", field="q")
    location = find_place(services().geocoder, text, field="q", context=visitor_country())
    return cached_json({"q": text, "location": location_body(location)}, "application/json", "public", by_language=True)


@bp.get(f"{V1}/vocabularies")
def vocabularies():
    return cached_json(vocab.all_vocabularies(), "application/json", "public")


@bp.get("/api/openapi.json")
def openapi():
    from locator.web.openapi import document

    return cached_json(document(), "application/json", "public")


@bp.get("/api/docs")
def docs():
    from locator.web.openapi import document

    return render_template("api/docs.html", spec=document())
