"""A resolved place: what every geocoder (and the gazetteer behind them) returns. A leaf module."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    label: str
    source: str  # gazetteer | country | postal | nominatim | cache | coordinates
    country: str | None = None
    kind: str = "city"  # city | country | postal | address | point
