"""Candidates from the read model, vectorised: text matches, filter rows, the exact radius and
the partners that serve a location remotely. Every function returns per-row numpy arrays."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from locator.geodesy import (LAMBERT_MARGIN, SPHERE_MARGIN, geodesic_km, haversine_km, in_lon_window, lambert_km,
                             lat_band_deg, lon_window)
from locator.search.analysis import fold_terms, stem
from locator.search.columns import ranges
from locator.search.filters import FILTERS
from locator.search.model import ReadModel
from locator.search.postings import idf
from locator.search.query import SearchQuery
from locator.geocoding.location import Location

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
    visible = model.audience(audience)[0]
    total = np.zeros(model.size, dtype=np.float32)
    matched = visible.copy()
    for term in terms:
        best = term_scores(model, term, audience)
        matched &= best > 0
        total += best
    total[~matched] = 0
    return total


def term_scores(model: ReadModel, term: str, audience: str = "public", among: Among | None = None) -> np.ndarray:
    """Per-row score of one folded term: the best of its stem, itself and (when it is rare in what
    the audience sees: probably a typo) its fuzzy expansions at FUZZY_FACTOR; BM25 with the idf over
    the rows the audience sees. With `among` (candidate rows), the scores of those rows only, in order."""
    best = np.zeros(model.size if among is None else len(among), dtype=np.float32)
    for rows, weights, weight in _term_sources(model, term, audience):
        if among is None:
            best[rows] = np.maximum(best[rows], weights * weight)
            continue
        at, found = positions(among, rows)
        best[at] = np.maximum(best[at], weights[found] * weight)
    return best


def _term_sources(model: ReadModel, term: str, audience: str):
    """(rows, weights, idf × factor) of each posting list a term is looked up in."""
    visible, docs = model.audience(audience)
    stemmed, folded = model.text["stem"], model.text["fold"]
    sources = [(stemmed, stem(term), 1.0), (folded, term, 1.0)]
    if folded.df(term, audience, visible) < RARE:  # unknown or rare: probably a typo
        sources += [(folded, word, FUZZY_FACTOR) for word in folded.expansions(term, audience, visible, expansions)]
    for postings, word, factor in sources:
        parts = [(rows, weights) for rows, weights in postings.parts(word) if len(rows)]
        if parts:
            weight = np.float32(factor * idf(postings.df(word, audience, visible), docs))
            for rows, weights in parts:
                yield rows, weights, weight


class Among:
    """A sorted set of candidate rows, with where each row is among them (built when first needed)."""

    def __init__(self, rows: np.ndarray, size: int):
        self.rows, self.size = rows, size
        self._where: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def where(self) -> np.ndarray:
        """Row → its position among the candidates, or -1."""
        if self._where is None:
            where = np.full(self.size, -1, dtype=np.int32)
            where[self.rows] = np.arange(len(self.rows), dtype=np.int32)
            self._where = where
        return self._where


def positions(among: Among, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted `rows`: (the positions among the candidates of the rows that are candidates, their
    indices in `rows`): a binary search per candidate for a long row list, else a lookup per row."""
    if len(among) == 0 or len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(rows) > 16 * len(among):
        wanted = among.rows.astype(rows.dtype, copy=False)  # alike types: numpy would convert the long list
        at = np.minimum(np.searchsorted(rows, wanted), len(rows) - 1)
        hit = np.flatnonzero(rows[at] == wanted)
        return hit, at[hit]
    at = among.where()[rows]
    found = np.flatnonzero(at >= 0)
    return at[found], found


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
    half_band = lat_band_deg(radius_km)
    lo, hi = np.searchsorted(model.lat_sorted, [lat - half_band, lat + half_band + 1e-12])
    offices = model.lat_order[lo:hi]
    lats, lons = model.lat_sorted[lo:hi], model.lon_by_lat[lo:hi]
    window = lon_window(lat, radius_km * (1 + SPHERE_MARGIN))
    if window is not None:
        at = np.flatnonzero(in_lon_window(lons, lon, window))
        offices, lats, lons = offices[at], lats[at], lons[at]
    d = haversine_km(lat, lon, lats, lons)
    sure = d <= radius_km * (1 - SPHERE_MARGIN) - 0.001
    unsure = np.flatnonzero(~sure & (d <= radius_km * (1 + SPHERE_MARGIN) + 0.001))
    inside = sure
    if len(unsure):
        inside = sure.copy()
        inside[unsure] = within_exactly(lat, lon, lats[unsure], lons[unsure], radius_km)
    rows = model.off_row[offices[inside]]
    mask = np.zeros(model.size, dtype=bool)
    mask[rows] = True
    return Nearby(mask, rows, d[inside])


def within_exactly(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray, radius_km: float) -> np.ndarray:
    """Which points are within radius_km on the WGS84 ellipsoid: Lambert's formula decides all but those
    too close to the radius to tell, which get the geodesic."""
    approx = lambert_km(lat, lon, lats, lons)
    inside = approx <= radius_km * (1 - LAMBERT_MARGIN) - 0.001
    unsure = np.flatnonzero(~inside & ~(approx > radius_km * (1 + LAMBERT_MARGIN) + 0.001))  # NaN: unsure
    if len(unsure):
        inside[unsure] = geodesic_km(lat, lon, lats[unsure], lons[unsure]) <= radius_km
    return inside


def row_distances(model: ReadModel, rows: np.ndarray, lat: float, lon: float, exact: bool = False) -> np.ndarray:
    """Distance from the point to each row's nearest office (inf when it has none): great-circle,
    or the WGS84 geodesic when `exact`."""
    offices, starts, has = _offices_of(model, rows)
    distance = np.full(len(rows), np.inf)
    if len(offices):
        measure = geodesic_km if exact else haversine_km
        distance[has] = np.minimum.reduceat(measure(lat, lon, model.off_lat[offices], model.off_lon[offices]), starts)
    return distance


def nearest_offices(model: ReadModel, rows: np.ndarray, lat: float, lon: float) -> dict[int, tuple[int, float]]:
    """row → (index into its located offices, exact geodesic km) of its nearest office, in one pass; the
    geodesic is taken only for offices whose great-circle distance could make them the nearest."""
    rows = np.asarray(rows, dtype=np.int64)
    offices, starts, has = _offices_of(model, rows)
    if len(offices) == 0:
        return {}
    lats, lons = model.off_lat[offices], model.off_lon[offices]
    sphere = haversine_km(lat, lon, lats, lons)
    counts = np.diff(np.append(starts, len(offices)))
    bound = np.repeat(np.minimum.reduceat(sphere, starts), counts) * ((1 + SPHERE_MARGIN) / (1 - SPHERE_MARGIN)) + 0.001
    close = np.flatnonzero(sphere <= bound)
    exact = geodesic_km(lat, lon, lats[close], lons[close])
    owner = model.off_row[offices[close]]
    best: dict[int, tuple[int, float]] = {}
    for office, row, km in zip(offices[close].tolist(), owner.tolist(), exact.tolist()):
        if row not in best or km < best[row][1]:
            best[row] = (office - int(model.off_ptr[row]), km)
    return best


def _offices_of(model: ReadModel, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the located offices of the rows, row after row; where each row with one starts in that list;
    which rows have one)."""
    rows = np.asarray(rows, dtype=np.int64)
    first, end = model.off_ptr[rows], model.off_ptr[rows + 1]
    has = end > first
    counts = (end - first)[has]
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return ranges(first, end), starts, has


def offices_in(model: ReadModel, area: Location) -> np.ndarray:
    """Rows with an office in the area: its region (ISO 3166-2), or its country."""
    if area.kind == "region":
        return model.csr["office_region"].rows_with_any([area.region] if area.region else [], model.size)
    return model.csr["office_country"].rows_with_any([area.country] if area.country else [], model.size)


def serving(model: ReadModel, location: Location) -> np.ndarray:
    """Rows that serve the location without being there: its country or its region served (for a
    country, any of its regions), or a service area holding its point."""
    mask = np.zeros(model.size, dtype=bool)
    if location.country:
        mask |= model.csr["served"].rows_with_any([location.country], model.size)
    regions = model.csr["served_region"]
    if location.kind == "country" and location.country:
        mask |= regions.rows_with_any([c for c in regions.codes if c.startswith(location.country + "-")], model.size)
    elif location.region:
        mask |= regions.rows_with_any([location.region], model.size)
    rows, tree = model.area_tree
    if tree is not None:
        from shapely import Point

        point = Point(location.lon, location.lat)
        for i in tree.query(point, predicate="intersects"):
            mask[rows[int(i)]] = True
    return mask
