"""The API's JSON body of a search and its GeoJSON form (a FeatureCollection of the same results)."""
from __future__ import annotations

from typing import Any

from locator import vocab
from locator.display import results_display
from locator.search.results import NearestOffice, SearchResults


def facet_labels(results: SearchResults) -> dict[str, dict[str, str]]:
    """Display labels of the facet codes (language and country names, vocabulary labels)."""
    return {facet: {code: vocab.label(facet, code) for code in counts} for facet, counts in results.facets.items()}


def as_json(results: SearchResults) -> dict[str, Any]:
    body = results.as_dict()
    displays = results_display(results.results, results.location, results.query)
    for shown, item, display in zip(body["results"], results.results, displays):
        shown["display"] = display
        if item.explain is not None:  # the numbers and the sentence they make
            shown["explain"] = dict(item.explain, sentence=shown["display"]["explanation"])
    if results.facets:
        body["facet_labels"] = facet_labels(results)
    return body


def as_geojson(results: SearchResults, features: str = "partners") -> dict[str, Any]:
    """A FeatureCollection: one Feature per result at its nearest office (null geometry without one), or
    with features="offices" one per located office of each result (`office` and `nearest` in its properties)."""
    body = as_json(results)
    items = body.pop("results")
    out = []
    for item, result in zip(items, results.results):
        if features == "offices":
            for n, office in enumerate(result.offices):
                properties = dict(item, office={"label": office.label, "city": office.city, "country": office.country},
                                  nearest=office is result.nearest_office)
                out.append(_feature(f"{item['id']}/{n + 1}", office, properties))
        else:
            out.append(_feature(item["id"], result.nearest_office, item))
    return {"type": "FeatureCollection", "features": out, **body}


def _feature(feature_id: str, office: NearestOffice | None, properties: dict[str, Any]) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": [office.lon, office.lat]} if office is not None else None
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": properties}
