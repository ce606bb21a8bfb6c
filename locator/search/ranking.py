"""Ranking: the relevance blend and the sort orders, as pure numpy functions of per-result components.

With a text query, results are ordered first by how many units of the query they cover
(search/coverage.py: all of it above some of it), then by

relevance = weight_text · text/max(text) + weight_distance · 0.5^(distance_km / distance_scale_km)
          + weight_completeness · completeness/100 + weight_track · [track is select]

where text is the coverage credit (covering a unit strongly, by an entry it has or its name, counts more
than only mentioning it). The distance decay is exponential with a half-distance of `distance_scale_km`
(a partner that far away gets half the distance credit of one next door), like Elasticsearch's
function_score `exp`.
A partner that only serves the location remotely (countries or regions served, a service area) ranks
at its effective distance: the distance to its nearest office, but at least `remote_distance_km`
(`effective_remote_km`); one without a located office at `remote_distance_km`. So a partner serving
from 2,630 km away gets no distance credit, and one serving from next door no more than one with an
office 250 km away. Without a location (or without text) that component is the same for every result
and does not reorder. Ties break by folded name, then external id (the model's name rank): orders are
deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from locator.config import Config

TIER_SPAN = 1000.0  # one more unit covered outweighs any blend (a blend is at most the sum of the weights)


@dataclass(frozen=True)
class Weights:
    text: float
    distance: float
    completeness: float
    track: float
    scale_km: float

    @classmethod
    def from_config(cls, config: Config) -> "Weights":
        return cls(
            config.weight_text,
            config.weight_distance,
            config.weight_completeness,
            config.weight_track,
            config.distance_scale_km,
        )


@dataclass
class Components:
    """Per-result inputs of the blend (arrays of equal length)."""

    text: np.ndarray | None  # raw text score, or None without a text query
    distance_km: np.ndarray | None  # distance used for ranking, or None without a location
    completeness: np.ndarray  # 0..100
    select: np.ndarray  # bool
    tier: np.ndarray | None = None  # units of q covered (ordered before the blend), or None without a text query

    def take(self, at: np.ndarray) -> "Components":
        return Components(*(None if v is None else v[at]
                            for v in (self.text, self.distance_km, self.completeness, self.select, self.tier)))

    def text_top(self) -> float | None:
        return float(self.text.max()) if self.text is not None and len(self.text) else None


def parts(c: Components, w: Weights, text_top: float | None = None) -> dict[str, np.ndarray]:
    """The weighted parts of the relevance score, each in 0..weight. `text_top`: the best text score
    of the whole result set when `c` holds only some of it (a page)."""
    n = len(c.completeness)
    present = dict(_present_parts(c, w, text_top))
    zeros = np.zeros(n)
    return {name: present.get(name, zeros) for name in ("text", "distance", "completeness", "track")}


def _present_parts(c: Components, w: Weights, text_top: float | None = None):
    """(name, weighted part) of the components there are (absent ones are zero), in blend order."""
    n = len(c.completeness)
    if c.text is not None and n:
        top = float(c.text.max()) if text_top is None else text_top
        if top > 0:
            yield "text", w.text * (c.text / top)
    if c.distance_km is not None:
        yield "distance", w.distance * decay_of(c.distance_km, w)
    yield "completeness", w.completeness * np.asarray(c.completeness, dtype=np.float64) / 100.0
    yield "track", w.track * np.asarray(c.select, dtype=np.float64)


def effective_remote_km(office_km: np.ndarray, remote_km: float) -> np.ndarray:
    """The distance a remote-serving partner ranks at: to its nearest office (inf: none located), at
    least `remote_km`; `remote_km` when it has no located office."""
    office_km = np.asarray(office_km, dtype=np.float64)
    return np.where(np.isfinite(office_km), np.maximum(office_km, remote_km), remote_km)


def decay_of(distance_km: np.ndarray, w: Weights) -> np.ndarray:
    return np.power(0.5, np.asarray(distance_km, dtype=np.float64) / max(w.scale_km, 1e-9))


def relevance(c: Components, w: Weights) -> np.ndarray:
    """sum(parts(c, w).values()), without materialising the parts that are zero."""
    total = None
    for _, part in _present_parts(c, w):
        total = part.astype(np.float64) if total is None else np.add(total, part, out=total)
    return total


def order(
    sort: str,
    tiebreak: np.ndarray,
    score: np.ndarray | None = None,
    distance_km: np.ndarray | None = None,
    remote: np.ndarray | None = None,
    completeness: np.ndarray | None = None,
    components: Components | None = None,
    limit: int | None = None,
) -> np.ndarray:
    """Indices of the results in the requested order (the first `limit` only, when given);
    `tiebreak` (unique ints) settles ties.

    Relevance ties (also those float rounding makes, e.g. decays far below 1e-16) fall back to the
    components themselves, so "all else equal, better is higher" holds for the order, strictly."""
    # Secondary keys as (array, sign), materialised only for the rows that need ordering.
    if sort == "relevance":
        primary = -np.asarray(score, dtype=np.float64)
        if components is not None and components.tier is not None:  # coverage first, then the blend
            primary = primary - components.tier.astype(np.float64) * TIER_SPAN
        keys = [(tiebreak, 1)]
        if components is not None:
            keys.append((components.select, -1))
            keys.append((components.completeness, -1))
            if components.distance_km is not None:
                keys.append((components.distance_km, 1))
            if components.text is not None:
                keys.append((components.text, -1))
    elif sort == "distance":
        primary = np.asarray(distance_km, dtype=np.float64) + np.where(remote, 1e9, 0.0)
        keys = [(tiebreak, 1), (distance_km, 1), (remote, 1)]
    elif sort == "completeness":
        primary = -np.asarray(completeness, dtype=np.float64)
        keys = [(tiebreak, 1)]
    else:  # name
        primary = np.asarray(tiebreak, dtype=np.float64)
        keys = [(tiebreak, 1)]
    n = len(tiebreak)
    if limit is None or n < 4 * limit:
        candidates = None
    else:  # top-k: everything at least as good as the limit-th primary key (ties included)
        kth = np.partition(primary, limit - 1)[limit - 1]
        candidates = np.flatnonzero(primary <= kth)

    def take(values, sign=1):
        values = np.asarray(values) if candidates is None else np.asarray(values)[candidates]
        return -values.astype(np.float64) if sign < 0 else values

    order = np.lexsort([take(k, sign) for k, sign in keys] + [take(primary)])
    return (order if candidates is None else candidates[order])[:limit]
