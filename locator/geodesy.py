"""Distances on the Earth, vectorised with numpy: great-circle (haversine) on the mean sphere, the
exact WGS84 geodesic (Vincenty's inverse), and the longitude window of a spherical cap.

Not pyproj: its bundled PROJ clashes with the system PROJ SpatiaLite loads (heap corruption at exit),
so the geodesic is Vincenty's inverse in numpy, with geographiclib for the nearly antipodal points
where Vincenty does not converge.
"""
from __future__ import annotations

import math

import numpy as np

WGS84_A, WGS84_F = 6378137.0, 1 / 298.257223563
WGS84_B = WGS84_A * (1 - WGS84_F)
EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
# The great-circle distance on this sphere is within 0.6 % of the WGS84 geodesic: a distance this
# close (relatively) to a bound needs the exact geodesic to decide.
SPHERE_MARGIN = 0.01


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many, on the mean sphere."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi = p2 - p1
    dlmb = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


LAMBERT_MARGIN = 1e-4  # relative: Lambert's distance is within 2.3e-5 of the geodesic (measured over 1.6M pairs)
LAMBERT_MAX_SIGMA = np.radians(170)  # nearer antipodal than this, Lambert's formula is not trusted


def lambert_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Lambert's formula for the ellipsoidal distance, vectorised: within LAMBERT_MARGIN (relative) of the
    geodesic and a few numpy operations, to decide most points near a bound without Vincenty; NaN where
    the points are too near antipodal to trust it."""
    f = WGS84_F
    b1 = np.arctan((1 - f) * np.tan(np.radians(lat)))
    b2 = np.arctan((1 - f) * np.tan(np.radians(lats)))
    h = np.sin((b2 - b1) / 2) ** 2 + np.cos(b1) * np.cos(b2) * np.sin(np.radians(lons - lon) / 2) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    p, q = (b1 + b2) / 2, (b2 - b1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (sigma - np.sin(sigma)) * np.sin(p) ** 2 * np.cos(q) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + np.sin(sigma)) * np.cos(p) ** 2 * np.sin(q) ** 2 / np.sin(sigma / 2) ** 2
        km = WGS84_A / 1000.0 * (sigma - f / 2 * (x + y))
    km = np.where(sigma > 0, km, 0.0)
    return np.where(sigma < LAMBERT_MAX_SIGMA, km, np.nan)


def _vincenty_terms(su1, cu1, su2, cu2, lam):
    """Vincenty's σ terms for reduced latitudes (sines, cosines) and longitude difference λ."""
    sl, cl = np.sin(lam), np.cos(lam)
    sin_sigma = np.sqrt((cu2 * sl) ** 2 + (cu1 * su2 - su1 * cu2 * cl) ** 2)
    cos_sigma = su1 * su2 + cu1 * cu2 * cl
    sigma = np.arctan2(sin_sigma, cos_sigma)
    with np.errstate(invalid="ignore", divide="ignore"):
        sin_alpha = np.where(sin_sigma > 0, cu1 * cu2 * sl / sin_sigma, 0.0)
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = np.where(cos2_alpha > 0, cos_sigma - 2 * su1 * su2 / cos2_alpha, 0.0)
    return sin_sigma, cos_sigma, sigma, sin_alpha, cos2_alpha, cos_2sm


SCALAR_BELOW = 48  # fewer points than this are measured one by one: numpy's per-call cost would dominate


def geodesic_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Exact distances on the WGS84 ellipsoid (Vincenty, vectorised; sub-millimetre)."""
    lats, lons = np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)
    if len(lats) == 0:
        return np.zeros(0)
    if len(lats) < SCALAR_BELOW:
        return np.array([_vincenty_one_km(lat, lon, a, b) for a, b in zip(lats.tolist(), lons.tolist())])
    f = WGS84_F
    u1 = np.arctan((1 - f) * np.tan(np.radians(lat)))
    u2 = np.arctan((1 - f) * np.tan(np.radians(lats)))
    big_l = np.radians(lons - lon)
    big_l = (big_l + np.pi) % (2 * np.pi) - np.pi
    su1, cu1, su2, cu2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    lam = big_l.copy()
    active = np.arange(len(lats))
    for _ in range(60):  # each pass iterates only the points that have not converged yet
        sin_sigma, cos_sigma, sigma, sin_alpha, cos2_alpha, cos_2sm = _vincenty_terms(
            su1, cu1, su2[active], cu2[active], lam[active]
        )
        new = _next_lambda(big_l[active], sin_sigma, cos_sigma, sigma, sin_alpha, cos2_alpha, cos_2sm)
        moved = np.abs(new - lam[active]) >= 1e-12
        lam[active] = new
        active = active[moved]
        if len(active) == 0:
            break
    converged = np.ones(len(lats), dtype=bool)
    converged[active] = False
    sin_sigma, cos_sigma, sigma, _, cos2_alpha, cos_2sm = _vincenty_terms(su1, cu1, su2, cu2, lam)
    metres = _metres(sin_sigma, cos_sigma, sigma, cos2_alpha, cos_2sm)
    for i in np.flatnonzero(~converged):  # nearly antipodal: Vincenty does not converge
        from geographiclib.geodesic import Geodesic

        metres[i] = Geodesic.WGS84.Inverse(lat, lon, float(lats[i]), float(lons[i]))["s12"]
    return metres / 1000.0


def _next_lambda(big_l, sin_sigma, cos_sigma, sigma, sin_alpha, cos2_alpha, cos_2sm):
    """Vincenty's next λ (plain arithmetic: floats or numpy arrays alike)."""
    c = WGS84_F / 16 * cos2_alpha * (4 + WGS84_F * (4 - 3 * cos2_alpha))
    return big_l + (1 - c) * WGS84_F * sin_alpha * (sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2)))


def _metres(sin_sigma, cos_sigma, sigma, cos2_alpha, cos_2sm):
    """Vincenty's distance in metres from the converged σ terms (floats or numpy arrays alike)."""
    u_sq = cos2_alpha * (WGS84_A**2 - WGS84_B**2) / WGS84_B**2
    a_ = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    b_ = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = b_ * sin_sigma * (
        cos_2sm + b_ / 4 * (cos_sigma * (-1 + 2 * cos_2sm**2) - b_ / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2))
    )
    return WGS84_B * a_ * (sigma - delta_sigma)


def _vincenty_one_km(lat: float, lon: float, lat2: float, lon2: float) -> float:
    """geodesic_km for one pair in plain floats (the same iteration, without numpy's per-call cost)."""
    su1, cu1 = _reduced(lat)
    su2, cu2 = _reduced(lat2)
    big_l = math.radians(lon2 - lon)
    big_l = (big_l + math.pi) % (2 * math.pi) - math.pi
    lam = big_l
    for _ in range(60):
        sl, cl = math.sin(lam), math.cos(lam)
        sin_sigma = math.sqrt((cu2 * sl) ** 2 + (cu1 * su2 - su1 * cu2 * cl) ** 2)
        if sin_sigma == 0.0:
            return 0.0  # the same point
        cos_sigma = su1 * su2 + cu1 * cu2 * cl
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cu1 * cu2 * sl / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * su1 * su2 / cos2_alpha if cos2_alpha > 0 else 0.0
        previous = lam
        lam = _next_lambda(big_l, sin_sigma, cos_sigma, sigma, sin_alpha, cos2_alpha, cos_2sm)
        if abs(lam - previous) < 1e-12:
            break
    else:  # nearly antipodal: Vincenty does not converge
        from geographiclib.geodesic import Geodesic

        return Geodesic.WGS84.Inverse(lat, lon, lat2, lon2)["s12"] / 1000.0
    sl, cl = math.sin(lam), math.cos(lam)
    sin_sigma = math.sqrt((cu2 * sl) ** 2 + (cu1 * su2 - su1 * cu2 * cl) ** 2)
    cos_sigma = su1 * su2 + cu1 * cu2 * cl
    sigma = math.atan2(sin_sigma, cos_sigma)
    sin_alpha = cu1 * cu2 * sl / sin_sigma if sin_sigma > 0 else 0.0
    cos2_alpha = 1 - sin_alpha**2
    cos_2sm = cos_sigma - 2 * su1 * su2 / cos2_alpha if cos2_alpha > 0 else 0.0
    return _metres(sin_sigma, cos_sigma, sigma, cos2_alpha, cos_2sm) / 1000.0


def _reduced(lat: float) -> tuple[float, float]:
    u = math.atan((1 - WGS84_F) * math.tan(math.radians(lat)))
    return math.sin(u), math.cos(u)


def lon_window(lat: float, radius_km: float) -> float | None:
    """Half-width in degrees of longitude of the spherical cap of radius_km around a point at `lat`
    (with a safety margin), or None when the cap reaches a pole or half the globe (no window)."""
    angle = radius_km / EARTH_RADIUS_KM  # radians
    if angle >= np.pi / 2 or abs(lat) + np.degrees(angle) >= 89.0:
        return None
    ratio = np.sin(angle) / np.cos(np.radians(lat))
    if ratio >= 1.0:
        return None
    return float(np.degrees(np.arcsin(ratio))) * 1.01 + 0.01


def lat_band_deg(radius_km: float) -> float:
    """Half-height in degrees of latitude of a band holding every point within radius_km (a degree of
    latitude is at least 110.5 km on the ellipsoid), with the sphere's margin."""
    return radius_km * (1 + SPHERE_MARGIN) / 110.5 + 0.01


def in_lon_window(lons: np.ndarray, lon: float, window: float) -> np.ndarray:
    """Mask of longitudes within `window` degrees of `lon`, across the antimeridian too."""
    west, east = lon - window, lon + window
    if west < -180.0:  # across the antimeridian: two ranges
        return (lons <= east) | (lons >= west + 360.0)
    if east > 180.0:
        return (lons >= west) | (lons <= east - 360.0)
    return (lons >= west) & (lons <= east)
