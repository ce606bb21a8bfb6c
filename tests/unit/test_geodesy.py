"""locator.geodesy against geographiclib (Karney's geodesics, the reference) and known distances."""
from __future__ import annotations

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from locator.geodesy import (LAMBERT_MARGIN, SCALAR_BELOW, SPHERE_MARGIN, geodesic_km, haversine_km, in_lon_window,
                             lambert_km, lat_band_deg, lon_window)
from locator.search.retrieval import within_exactly

finite = {"allow_nan": False, "allow_infinity": False}


def test_known_distances():
    # A degree along the equator is a·π/180; the meridian quadrant of WGS84 is 10,001.965729 km.
    assert geodesic_km(0.0, 0.0, np.array([0.0]), np.array([1.0]))[0] == pytest.approx(6378.137 * np.pi / 180, abs=1e-6)
    assert geodesic_km(0.0, 0.0, np.array([90.0]), np.array([0.0]))[0] == pytest.approx(10001.965729, abs=1e-5)
    assert geodesic_km(0.0, 0.0, np.array([]), np.array([])).shape == (0,)


@settings(max_examples=200, deadline=None)
@given(st.floats(-89.9, 89.9, **finite), st.floats(-180, 180, **finite),
       st.floats(-89.9, 89.9, **finite), st.floats(-180, 180, **finite))
def test_vincenty_equals_geographiclib_and_the_sphere_stays_within_its_margin(lat1, lon1, lat2, lon2):
    exact = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000
    ours = geodesic_km(lat1, lon1, np.array([lat2]), np.array([lon2]))[0]
    assert ours == pytest.approx(exact, abs=1e-5)  # a centimetre, antipodal points included
    many = geodesic_km(lat1, lon1, np.full(SCALAR_BELOW, lat2), np.full(SCALAR_BELOW, lon2))  # the vectorised path
    assert np.allclose(many, exact, rtol=0, atol=1e-5)
    lambert = lambert_km(lat1, lon1, np.array([lat2]), np.array([lon2]))[0]
    assert np.isnan(lambert) or abs(lambert - exact) <= exact * LAMBERT_MARGIN * 0.5 + 1e-6
    sphere = haversine_km(lat1, lon1, np.array([lat2]), np.array([lon2]))[0]
    assert abs(sphere - exact) <= exact * SPHERE_MARGIN * 0.6 + 1e-6


def test_nearly_antipodal_points_fall_back_to_geographiclib():
    exact = Geodesic.WGS84.Inverse(0.0, 0.0, 0.5, 179.7)["s12"] / 1000
    assert geodesic_km(0.0, 0.0, np.array([0.5]), np.array([179.7]))[0] == pytest.approx(exact, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(-88.0, 88.0, **finite), st.floats(-180, 180, **finite), st.floats(1, 5000, **finite),
       st.floats(0, 360, **finite))
def test_the_latitude_band_and_longitude_window_hold_every_point_within_the_radius(lat, lon, radius, azimuth):
    point = Geodesic.WGS84.Direct(lat, lon, azimuth, radius * 1000 * 0.999)
    assert abs(point["lat2"] - lat) <= lat_band_deg(radius)
    window = lon_window(lat, radius * (1 + SPHERE_MARGIN))
    if window is not None:
        assert in_lon_window(np.array([point["lon2"]]), lon, window)[0]


def test_the_longitude_window_wraps_at_the_antimeridian():
    lons = np.array([179.5, -179.5, 0.0, 170.0])
    assert in_lon_window(lons, 179.9, 1.0).tolist() == [True, True, False, False]
    assert in_lon_window(lons, -179.9, 1.0).tolist() == [True, True, False, False]
    assert lon_window(85.0, 1000.0) is None  # the cap reaches the pole: no window


@settings(max_examples=300, deadline=None)
@given(st.floats(-85.0, 85.0, **finite), st.floats(-180, 180, **finite), st.floats(0.5, 19000, **finite),
       st.lists(st.tuples(st.floats(0, 360, **finite), st.floats(1e-6, 0.002, **finite), st.booleans()), min_size=1,
                max_size=80))
def test_within_exactly_decides_points_at_the_radius_as_the_geodesic_does(lat, lon, radius, around):
    """Points a hair inside or outside the radius (up to 0.2 %, where Lambert's formula must defer to the
    geodesic; not exactly on it, where two exact methods may differ in the last bit)."""
    ends = [Geodesic.WGS84.Direct(lat, lon, azimuth, radius * 1000 * (1 + (off if out else -off)))
            for azimuth, off, out in around]
    lats, lons = np.array([e["lat2"] for e in ends]), np.array([e["lon2"] for e in ends])
    exact = np.array([Geodesic.WGS84.Inverse(lat, lon, a, b)["s12"] / 1000 for a, b in zip(lats, lons)])
    assert within_exactly(lat, lon, lats, lons, radius).tolist() == (exact <= radius).tolist()
