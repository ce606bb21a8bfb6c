"""Output formats of search results, registered by name (Nominatim's v1/format.py pattern): one dispatcher,
`render`, for the API, the CLI (`locator search --format`) and the seller export.

The HTML fragment is not here: the web layer renders it with the app's Jinja templates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from locator.formats.api_json import as_geojson, as_json
from locator.formats.seller_csv import as_csv


@dataclass(frozen=True)
class Format:
    name: str
    mimetype: str
    render: Callable[..., Any]  # (results, **the format's own options) -> a JSON-ready body or text
    api: bool = True  # offered by GET /api/v1/search (format= or Accept)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "application/json", as_json),
    Format("geojson", "application/geo+json", as_geojson),
    Format("csv", "text/csv", as_csv, api=False),  # a spreadsheet file: the seller export and the CLI
)}
API_FORMATS = tuple(name for name, f in FORMATS.items() if f.api)


def render(results: Any, name: str, **options: Any) -> tuple[Any, str]:
    """(body, mimetype) of results in the named format; `options` are the format's own (geojson: features;
    csv: records, base_url, places). The body is a dict for JSON formats and text for CSV."""
    fmt = FORMATS[name]
    return fmt.render(results, **options), fmt.mimetype
