"""Ranking: the relevance blend and the sort orders, as pure numpy functions of per-result components.

relevance = weight_text · text/max(text) + weight_distance · 0.5^(distance_km / distance_scale_km)
          + weight_completeness · completeness/100 + weight_track · [track is select]

The distance decay is exponential with a half-distance of `distance_scale_km` (a partner that far
away gets half the distance credit of one next door), like Elasticsearch's function_score `exp`.
A partner that only serves the location remotely counts as `remote_distance_km` away. Without a
location (or without text) that component is the same for every result and does not reorder.
Ties break by folded name, then external id (the model's name rank): orders are deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from locator.config import Config


@dataclass(frozen=True)
class Weights:
    text: float
    distance: float
    completeness: float
    track: float
    scale_km: float
    remote_km: float

    @classmethod
    def from_config(cls, config: Config) -> "Weights":
        return cls(
            config.weight_text,
            config.weight_distance,
            config.weight_completeness,
            config.weight_track,
            config.distance_scale_km,
            config.remote_distance_km,
        )


@dataclass
class Components:
    """Per-result inputs of the blend (arrays of equal length)."""

    text: np.ndarray | None  # raw text score, or None without a text query
    distance_km: np.ndarray | None  # distance used for ranking, or None without a location
    completeness: np.ndarray  # 0..100
    select: np.ndarray  # bool


def parts(c: Components, w: Weights) -> dict[str, np.ndarray]:
    """The weighted parts of the relevance score, each in 0..weight."""
    n = len(c.completeness)
    if c.text is not None and n:
        top = float(c.text.max())
        text = c.text / top if top > 0 else np.zeros(n)
    else:
        text = np.zeros(n)
    decay = decay_of(c.distance_km, w) if c.distance_km is not None else np.zeros(n)
    return {
        "text": w.text * text,
        "distance": w.distance * decay,
        "completeness": w.completeness * np.asarray(c.completeness, dtype=np.float64) / 100.0,
        "track": w.track * np.asarray(c.select, dtype=np.float64),
    }


def decay_of(distance_km: np.ndarray, w: Weights) -> np.ndarray:
    return np.power(0.5, np.asarray(distance_km, dtype=np.float64) / max(w.scale_km, 1e-9))


def relevance(c: Components, w: Weights) -> np.ndarray:
    return sum(parts(c, w).values())


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
    if sort == "relevance":
        primary = -np.asarray(score, dtype=np.float64)
        keys = [tiebreak]
        if components is not None:
            keys.append(-np.asarray(components.select, dtype=np.int8))
            keys.append(-np.asarray(components.completeness, dtype=np.float64))
            if components.distance_km is not None:
                keys.append(np.asarray(components.distance_km, dtype=np.float64))
            if components.text is not None:
                keys.append(-np.asarray(components.text, dtype=np.float64))
    elif sort == "distance":
        primary = np.asarray(distance_km, dtype=np.float64) + np.where(remote, 1e9, 0.0)
        keys = [tiebreak, distance_km, remote.astype(np.int8)]
    elif sort == "completeness":
        primary = -np.asarray(completeness, dtype=np.float64)
        keys = [tiebreak]
    else:  # name
        primary = np.asarray(tiebreak, dtype=np.float64)
        keys = [tiebreak]
    keys.append(primary)
    n = len(tiebreak)
    if limit is None or n < 4 * limit:
        return np.lexsort(keys)[:limit]
    # Top-k: everything at least as good as the limit-th primary key (ties included), then sort those.
    kth = np.partition(primary, limit - 1)[limit - 1]
    candidates = np.flatnonzero(primary <= kth)
    return candidates[np.lexsort([np.asarray(k)[candidates] for k in keys])][:limit]
