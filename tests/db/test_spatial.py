"""Stored geometry says what the columns say, on SpatiaLite and PostGIS: an office's point is its lon/lat, a
service area is a WGS84 MultiPolygon (search geometry itself is vectorised: tests/unit/test_geodesy.py)."""
import pytest
from sqlalchemy import func, select

from locator.models import Office, Partner
from tests.factories import make_partner, office

MUNICH = (48.1374, 11.5755)


def test_an_office_point_is_its_coordinates(session):
    make_partner(session, name="Point", offices=[office(*MUNICH)])
    x, y, srid = session.execute(
        select(func.ST_X(Office.location), func.ST_Y(Office.location), func.ST_SRID(Office.location))
        .join(Partner).where(Partner.name == "Point")).one()
    assert (x, y, srid) == (pytest.approx(MUNICH[1]), pytest.approx(MUNICH[0]), 4326)


def test_a_service_area_polygon_is_stored_as_a_multipolygon(session):
    square = {"type": "Polygon", "coordinates": [[[10, 50], [12, 50], [12, 52], [10, 52], [10, 50]]]}
    make_partner(session, name="Area", service_area=square)
    kind, srid = session.execute(select(func.GeometryType(Partner.service_area), func.ST_SRID(Partner.service_area))
                                 .where(Partner.name == "Area")).one()
    assert kind.upper().startswith("MULTIPOLYGON") and srid == 4326
