"""Dialect shims: the only place SpatiaLite and PostGIS differ. Distances are metres on WGS84."""
from __future__ import annotations

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean
from geoalchemy2 import Geometry


class point(FunctionElement):
    """point(lon, lat): a WGS84 point geometry."""

    type = Geometry("POINT", srid=4326)
    inherit_cache = True


@compiles(point)
def _point_pg(element, compiler, **kw):
    lon, lat = list(element.clauses)
    return f"ST_SetSRID(ST_MakePoint({compiler.process(lon, **kw)}, {compiler.process(lat, **kw)}), 4326)"


@compiles(point, "sqlite")
def _point_sqlite(element, compiler, **kw):
    lon, lat = list(element.clauses)
    return f"MakePoint({compiler.process(lon, **kw)}, {compiler.process(lat, **kw)}, 4326)"


class distance_m(FunctionElement):
    """distance_m(a, b): geodesic distance in metres on the WGS84 ellipsoid."""

    type = Float()
    inherit_cache = True


@compiles(distance_m)
def _distance_pg(element, compiler, **kw):
    a, b = list(element.clauses)
    return f"ST_Distance(({compiler.process(a, **kw)})::geography, ({compiler.process(b, **kw)})::geography, true)"


@compiles(distance_m, "sqlite")
def _distance_sqlite(element, compiler, **kw):
    a, b = list(element.clauses)
    return f"ST_Distance({compiler.process(a, **kw)}, {compiler.process(b, **kw)}, 1)"


class within_m(FunctionElement):
    """within_m(a, b, metres): true when the geodesic distance is at most `metres`."""

    type = Boolean()
    inherit_cache = True


@compiles(within_m)
def _within_pg(element, compiler, **kw):
    a, b, m = list(element.clauses)
    return (
        f"ST_DWithin(({compiler.process(a, **kw)})::geography, ({compiler.process(b, **kw)})::geography, "
        f"{compiler.process(m, **kw)}, true)"
    )


@compiles(within_m, "sqlite")
def _within_sqlite(element, compiler, **kw):
    a, b, m = (compiler.process(c, **kw) for c in element.clauses)
    return f"(ST_Distance({a}, {b}, 1) <= {m})"


class covers(FunctionElement):
    """covers(area, point): the polygon contains the point (boundary included)."""

    type = Boolean()
    inherit_cache = True


@compiles(covers)
def _covers_pg(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"ST_Covers({a}, {b})"


@compiles(covers, "sqlite")
def _covers_sqlite(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"(ST_Covers({a}, {b}) = 1)"


def point_wkt(lon: float, lat: float) -> str:
    return f"SRID=4326;POINT({lon!r} {lat!r})"

