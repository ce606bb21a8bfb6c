"""locator.geodesy against geographiclib (Karney's geodesics, the reference) and known distances."""
from __future__ import annotations

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from locator.geodesy import (SPHERE_MARGIN, geodesic_km, haversine_km, in_lon_window, lat_band_deg,
                             lon_window)

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
