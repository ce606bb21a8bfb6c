"""What a search returns: plain dataclasses that formatters (JSON, GeoJSON, HTML) turn into output."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    label: str
    source: str  # gazetteer | country | postal | nominatim | cache | coordinates
    country: str | None = None
    kind: str = "city"  # city | country | postal | address | point


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
    explain: dict[str, Any] | None = None
    internal: dict[str, Any] | None = None  # sellers only
    published: bool = True


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
        body = asdict(self)
        body["query"] = dict(self.query, location=asdict(self.location) if self.location else None)
        body.pop("location")
        for item in body["results"]:
            if item["explain"] is None:
                item.pop("explain")
            if item["internal"] is None:
                item.pop("internal")
        return body
