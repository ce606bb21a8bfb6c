"""The store's point geometry (EWKT, the same on SpatiaLite and PostGIS). Search geometry (distances on the
WGS84 ellipsoid, radius, service areas) is vectorised in numpy (locator/geodesy.py, locator/search/), not SQL."""
from __future__ import annotations


def point_wkt(lon: float, lat: float) -> str:
    return f"SRID=4326;POINT({lon!r} {lat!r})"
