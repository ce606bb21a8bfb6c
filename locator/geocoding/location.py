"""A resolved place: what every geocoder (and the gazetteer behind them) returns. A leaf module."""
from __future__ import annotations

from dataclasses import dataclass

# What a place is. An area (region, country) is searched as "an office in it or serving it", with no radius.
KINDS = ("point", "city", "postal_code", "region", "country")
AREA_KINDS = frozenset({"region", "country"})


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    label: str
    source: str  # gazetteer | country | region | postal | nominatim | cache | coordinates
    country: str | None = None  # ISO 3166-1 alpha-2
    kind: str = "city"  # one of KINDS
    region: str | None = None  # ISO 3166-2 code ("US-TX", "DE-BY") of a region, or of the region a place is in
    bbox: tuple[float, float, float, float] | None = None  # (west, south, east, north), for areas
    alternatives: tuple["Location", ...] = ()  # the other readings of an ambiguous name, most likely first

    @property
    def is_area(self) -> bool:
        return self.kind in AREA_KINDS
