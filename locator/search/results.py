"""What a search returns: plain dataclasses that the registered formats (locator.formats) and the pages turn into output."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from locator.geocoding.location import Location  # the place searched (geocoding produces it)


@dataclass
class NearestOffice:
    label: str | None
    city: str | None
    country: str | None
    lat: float
    lon: float


@dataclass
class ResultItem:
    id: str  # the partner's external id
    slug: str
    name: str
    track: str
    types: list[str]
    languages: list[str]
    services: list[str]
    segments: list[str]
    completeness: int
    distance_km: float | None
    nearest_office: NearestOffice | None
    serves_remotely: bool
    url: str  # path of the profile page, /partners/<slug>
    score: float
    logo_url: str | None = None
    website: str | None = None
    description: str = ""
    countries: list[str] = field(default_factory=list)  # countries of its offices
    matched: dict[str, list[str]] = field(default_factory=dict)  # kind → the entries the query named that it has
    remote_from: str | None = None  # serving remotely: the city (else label, country) of its nearest office
    explain: dict[str, Any] | None = None
    internal: dict[str, Any] | None = None  # sellers only
    published: bool = True
    offices: list[NearestOffice] = field(default_factory=list)  # its located offices (GeoJSON per office); not in JSON


@dataclass
class SearchResults:
    query: dict[str, Any]  # the normalised query, as the API echoes it
    location: Location | None
    total: int
    page: int
    per_page: int
    results: list[ResultItem]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The API body; shallow (values are shared, not deep-copied: dataclasses.asdict cost ms)."""
        return {
            "query": dict(self.query, location=location_body(self.location) if self.location else None),
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [_item_dict(item) for item in self.results],
            "facets": self.facets,
        }


def location_body(location: Location) -> dict[str, Any]:
    """The place as responses give it: `bbox` for areas only; each other reading of the name with its kind and
    the `near` text that searches it."""
    body: dict[str, Any] = {k: getattr(location, k) for k in ("lat", "lon", "label", "source", "country", "kind", "region")}
    if location.is_area and location.bbox is not None:
        body["bbox"] = list(location.bbox)
    body["alternatives"] = [{"label": alt.label, "kind": alt.kind, "near": near_text(alt)} for alt in alternatives(location)]
    return body


def alternatives(location: Location) -> list[Location]:
    """The other readings worth offering: not those that read the same as the place chosen (Berlin the
    Land beside Berlin the city)."""
    return [alt for alt in location.alternatives if alt.label != location.label]


def near_text(location: Location) -> str:
    """What to type (`near=`) to search this place: its label, which names it with its region and country; for
    a country, its ISO alpha-3 code, as its name alone may be read as a region first (Georgia)."""
    if location.kind == "country" and location.country:
        import pycountry

        country = pycountry.countries.get(alpha_2=location.country)
        return country.alpha_3 if country is not None else location.label
    return location.label


def _shallow(obj: Any) -> dict[str, Any]:
    return dict(vars(obj))  # a dataclass's fields, in order


def _item_dict(item: ResultItem) -> dict[str, Any]:
    body = _shallow(item)
    if item.nearest_office is not None:
        body["nearest_office"] = _shallow(item.nearest_office)
    del body["offices"]
    for optional in ("explain", "internal"):
        if body[optional] is None:
            del body[optional]
    return body
