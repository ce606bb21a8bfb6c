"""Output formats of search results, registered by name (Nominatim's v1/format.py pattern)."""
from __future__ import annotations

from typing import Any, Callable

from locator.search.results import SearchResults

FORMATTERS: dict[str, tuple[str, Callable[[SearchResults], Any]]] = {}
MIMETYPES = {"json": "application/json", "geojson": "application/geo+json"}


def formatter(name: str):
    def register(fn: Callable[[SearchResults], Any]):
        FORMATTERS[name] = (MIMETYPES[name], fn)
        return fn

    return register


def facet_labels(results: SearchResults) -> dict[str, dict[str, str]]:
    """Display labels of the facet codes (language and country names, vocabulary labels)."""
    from locator.vocab import label

    return {facet: {code: label(facet, code) for code in counts} for facet, counts in results.facets.items()}


@formatter("json")
def as_json(results: SearchResults) -> dict[str, Any]:
    body = results.as_dict()
    if results.facets:
        body["facet_labels"] = facet_labels(results)
    return body


@formatter("geojson")
def as_geojson(results: SearchResults) -> dict[str, Any]:
    """A FeatureCollection: one Feature per result at its nearest office (null geometry without one)."""
    body = as_json(results)
    features = []
    for item in body.pop("results"):
        office = item.get("nearest_office")
        geometry = {"type": "Point", "coordinates": [office["lon"], office["lat"]]} if office else None
        features.append({"type": "Feature", "id": item["id"], "geometry": geometry, "properties": item})
    return {"type": "FeatureCollection", "features": features, **body}


def render(results: SearchResults, name: str) -> tuple[Any, str]:
    """(body, mimetype) of results in the named format."""
    mimetype, fn = FORMATTERS[name]
    return fn(results), mimetype
