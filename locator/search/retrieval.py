"""Candidates from the read model, vectorised: text matches, filter rows, the exact radius and
the partners that serve a location remotely. Every function returns per-row numpy arrays."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from locator.search.analysis import fold_terms, stem
from locator.search.filters import FILTERS
from locator.search.query import SearchQuery
from locator.search.readmodel import ReadModel, idf
from locator.search.results import Location

# WGS84. (Not pyproj: its bundled PROJ clashes with the system PROJ SpatiaLite loads — heap
# corruption at exit — so the geodesic is Vincenty's inverse in numpy, geographiclib as fallback.)
WGS84_A, WGS84_F = 6378137.0, 1 / 298.257223563
WGS84_B = WGS84_A * (1 - WGS84_F)
EARTH_RADIUS_KM = 6371.0088
# The great-circle distance on this sphere is within 0.6 % of the WGS84 geodesic; offices within
# this relative band of the radius are decided by the exact geodesic.
SPHERE_MARGIN = 0.01
FUZZY_FACTOR = 0.5  # a fuzzy (edit distance) match counts half an exact one
MAX_EXPANSIONS = 30


# ---------------------------------------------------------------- text


RARE = 3  # a word in fewer partners (that the searcher sees) than this is looked up with typo tolerance too


def fuzzy_distance(term: str) -> int:
    return 0 if len(term) < 4 or not term.isalpha() else 1 if len(term) < 8 else 2


@lru_cache(maxsize=4096)
def _automaton(term: str, k: int):
    # Typos rarely hit the first letters: a shared prefix keeps the walk over the lexicon short.
    return levenshtein_automaton(term, k, prefix=k).to_dfa()


def expansions(lexicon: list[str], term: str, keep=lambda word: True) -> list[str]:
    """Lexicon terms within the fuzzy edit distance of `term` (Whoosh's Levenshtein automaton), the
    first MAX_EXPANSIONS of those `keep` accepts."""
    k = fuzzy_distance(term)
    if k == 0:
        return []

    def first_at_least(s: str) -> str | None:
        i = bisect.bisect_left(lexicon, s)
        return lexicon[i] if i < len(lexicon) else None

    found = []
    for word in find_all_matches(_automaton(term, k), first_at_least):
        if word != term and keep(word):
            found.append(word)
        if len(found) >= MAX_EXPANSIONS:
            break
    return found


def text_scores(model: ReadModel, q: str, audience: str = "public") -> np.ndarray | None:
    """Per-row text score (0 = no match; every query word must match), or None without text. Only
    rows the audience sees score, and only they are counted: idf, the typo threshold, expansions."""
    terms = list(dict.fromkeys(fold_terms(q)))
    if not terms:
        return None
    visible, docs = model.audience(audience)
    stemmed, folded = model.text["stem"], model.text["fold"]
    total = np.zeros(model.size, dtype=np.float32)
    matched = visible.copy()
    for term in terms:
        best = np.zeros(model.size, dtype=np.float32)
        sources = [(stemmed, stem(term), 1.0), (folded, term, 1.0)]
        if folded.df(term, audience, visible) < RARE:  # unknown or rare: probably a typo
            sources += [(folded, word, FUZZY_FACTOR) for word in folded.expansions(term, audience, visible, expansions)]
        for postings, word, factor in sources:
            rows, weights = postings.get(word)
            if len(rows):
                weight = factor * idf(postings.df(word, audience, visible), docs)
                best[rows] = np.maximum(best[rows], weights * np.float32(weight))
        matched &= best > 0
        total += best
    total[~matched] = 0
    return total


# ---------------------------------------------------------------- filters


def filter_masks(model: ReadModel, query: SearchQuery) -> dict[str, np.ndarray]:
    """One row mask per active filter (values within a filter are OR), for every registered filter."""
    masks = {}
    for f in FILTERS:
        values = query.values(f.name)
        if not values:
            continue
        if f.name == "track":  # held as the model's `select` flag (ranking uses it too)
            masks[f.name] = model.select if values == ("select",) else ~model.select
        else:
            masks[f.name] = model.csr[f.name].rows_with_any(values, model.size)
    return masks


def visible(model: ReadModel, audience: str) -> np.ndarray:
    """The rows `audience` sees (a mask of the caller's own)."""
    return model.audience(audience)[0].copy()


# ---------------------------------------------------------------- geography


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi = p2 - p1
    dlmb = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


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


def geodesic_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Exact distances on the WGS84 ellipsoid (Vincenty, vectorised; sub-millimetre)."""
    lats, lons = np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)
    if len(lats) == 0:
        return np.zeros(0)
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
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        new = big_l[active] + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        moved = np.abs(new - lam[active]) >= 1e-12
        lam[active] = new
        active = active[moved]
        if len(active) == 0:
            break
    converged = np.ones(len(lats), dtype=bool)
    converged[active] = False
    sin_sigma, cos_sigma, sigma, _, cos2_alpha, cos_2sm = _vincenty_terms(su1, cu1, su2, cu2, lam)
    u_sq = cos2_alpha * (WGS84_A**2 - WGS84_B**2) / WGS84_B**2
    a_ = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    b_ = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = b_ * sin_sigma * (
        cos_2sm + b_ / 4 * (cos_sigma * (-1 + 2 * cos_2sm**2) - b_ / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2))
    )
    metres = WGS84_B * a_ * (sigma - delta_sigma)
    for i in np.flatnonzero(~converged):  # nearly antipodal: Vincenty does not converge
        from geographiclib.geodesic import Geodesic

        metres[i] = Geodesic.WGS84.Inverse(lat, lon, float(lats[i]), float(lons[i]))["s12"]
    return metres / 1000.0


@dataclass
class Nearby:
    inside: np.ndarray  # row mask: an office within the radius (exact, WGS84)
    office_rows: np.ndarray  # the row of each office within the radius
    office_km: np.ndarray  # and its great-circle distance

    def distance(self, wanted: np.ndarray) -> np.ndarray:
        """Row → great-circle km to its nearest office in the radius, for the wanted rows (else inf)."""
        distance = np.full(len(self.inside), np.inf)
        keep = wanted[self.office_rows]
        np.minimum.at(distance, self.office_rows[keep], self.office_km[keep])
        return distance


def within_radius(model: ReadModel, lat: float, lon: float, radius_km: float) -> Nearby:
    """Rows with an office within radius_km: a latitude band and longitude window, great-circle
    distances, and the exact geodesic for offices whose great-circle distance is too close to the
    radius to decide."""
    half_band = radius_km * (1 + SPHERE_MARGIN) / 110.5 + 0.01
    lo, hi = np.searchsorted(model.lat_sorted, [lat - half_band, lat + half_band + 1e-12])
    offices = model.lat_order[lo:hi]
    lats, lons = model.lat_sorted[lo:hi], model.lon_by_lat[lo:hi]
    window = lon_window(lat, radius_km * (1 + SPHERE_MARGIN))
    if window is not None:
        west, east = lon - window, lon + window
        if west < -180.0:  # across the antimeridian: two ranges
            near = (lons <= east) | (lons >= west + 360.0)
        elif east > 180.0:
            near = (lons >= west) | (lons <= east - 360.0)
        else:
            near = (lons >= west) & (lons <= east)
        at = np.flatnonzero(near)
        offices, lats, lons = offices[at], lats[at], lons[at]
    d = haversine_km(lat, lon, lats, lons)
    sure = d <= radius_km * (1 - SPHERE_MARGIN) - 0.001
    unsure = np.flatnonzero(~sure & (d <= radius_km * (1 + SPHERE_MARGIN) + 0.001))
    inside = sure
    if len(unsure):
        exact = geodesic_km(lat, lon, lats[unsure], lons[unsure])
        inside = sure.copy()
        inside[unsure] = exact <= radius_km
    rows = model.off_row[offices[inside]]
    mask = np.zeros(model.size, dtype=bool)
    mask[rows] = True
    return Nearby(mask, rows, d[inside])


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


def row_distances(model: ReadModel, rows: np.ndarray, lat: float, lon: float, exact: bool = False) -> np.ndarray:
    """Distance from the point to each row's nearest office (inf when it has none): great-circle,
    or the WGS84 geodesic when `exact`."""
    wanted = np.zeros(model.size, dtype=bool)
    wanted[rows] = True
    offices = np.flatnonzero(wanted[model.off_row])
    distance = np.full(model.size, np.inf)
    if len(offices):
        measure = geodesic_km if exact else haversine_km
        d = measure(lat, lon, model.off_lat[offices], model.off_lon[offices])
        np.minimum.at(distance, model.off_row[offices], d)
    return distance[rows]


def nearest_offices(model: ReadModel, rows: np.ndarray, lat: float, lon: float) -> dict[int, tuple[int, float]]:
    """row → (index into its located offices, exact geodesic km) of its nearest office, in one pass."""
    from locator.search.readmodel import ranges

    rows = np.asarray(rows, dtype=np.int64)
    offices = ranges(model.off_ptr[rows], model.off_ptr[rows + 1])
    if len(offices) == 0:
        return {}
    d = geodesic_km(lat, lon, model.off_lat[offices], model.off_lon[offices])
    owner = model.off_row[offices]
    best: dict[int, tuple[int, float]] = {}
    for office, row, km in zip(offices.tolist(), owner.tolist(), d.tolist()):
        if row not in best or km < best[row][1]:
            best[row] = (office - int(model.off_ptr[row]), km)
    return best


def serving(model: ReadModel, location: Location) -> np.ndarray:
    """Rows that serve the location without being there: countries served or a service area."""
    mask = np.zeros(model.size, dtype=bool)
    if location.country:
        mask |= model.csr["served"].rows_with_any([location.country], model.size)
    rows, tree = model.area_tree
    if tree is not None:
        from shapely import Point

        point = Point(location.lon, location.lat)
        for i in tree.query(point, predicate="intersects"):
            mask[rows[int(i)]] = True
    return mask
