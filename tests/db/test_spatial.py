"""The dialect shims give the same answers on SpatiaLite and PostGIS."""
import pytest
from geographiclib.geodesic import Geodesic
from sqlalchemy import select

from locator import spatial
from locator.models import Office, Partner
from tests.factories import make_partner, office

BERLIN = (52.52, 13.405)
MUNICH = (48.1374, 11.5755)


def geodesic_m(a, b):
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"]


def test_distance_is_metres_on_the_ellipsoid(session):
    make_partner(session, offices=[office(*MUNICH)])
    got = session.scalar(select(spatial.distance_m(Office.location, spatial.point(BERLIN[1], BERLIN[0]))))
    assert got == pytest.approx(geodesic_m(BERLIN, MUNICH), abs=1.0)


@pytest.mark.parametrize("slack_m, inside", [(-100.0, False), (100.0, True)])
def test_within_radius_edges(session, slack_m, inside):
    make_partner(session, offices=[office(*MUNICH)])
    radius = geodesic_m(BERLIN, MUNICH) + slack_m
    got = session.scalar(
        select(spatial.within_m(Office.location, spatial.point(BERLIN[1], BERLIN[0]), radius))
    )
    assert bool(got) is inside


def test_service_area_covers_point(session):
    square = {"type": "Polygon", "coordinates": [[[10, 50], [12, 50], [12, 52], [10, 52], [10, 50]]]}
    make_partner(session, name="Area", service_area=square)
    inside = session.scalar(select(spatial.covers(Partner.service_area, spatial.point(11, 51))).where(Partner.name == "Area"))
    outside = session.scalar(select(spatial.covers(Partner.service_area, spatial.point(13, 51))).where(Partner.name == "Area"))
    assert bool(inside) and not bool(outside)
