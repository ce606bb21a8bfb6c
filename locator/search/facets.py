"""Disjunctive facet counts: each facet counts the rows that match every filter but its own."""
from __future__ import annotations

import numpy as np

from locator.search.model import ReadModel


def count(
    model: ReadModel, base: np.ndarray, filters: dict[str, np.ndarray], wanted: tuple[str, ...],
    audience: str | None = None,
) -> dict[str, dict[str, int]]:
    """`base`: rows matching everything but the filters; `filters`: one row mask per active filter;
    `audience`: whose visible rows `base` is within (their counts are kept per model)."""
    out: dict[str, dict[str, int]] = {}
    masks: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}  # facets without a filter share one
    for facet in wanted:
        others = tuple(name for name in filters if name != facet)  # a facet widens the filter of its name
        if others not in masks:
            mask = base.copy()
            for name in others:
                mask &= filters[name]
            masks[others] = mask, np.flatnonzero(mask)
        mask, rows = masks[others]
        if facet == "track":
            select = int(np.count_nonzero(model.select[rows]))
            counts = {"select": select, "open": len(rows) - select}
            out[facet] = {k: v for k, v in counts.items() if v}
        else:
            counts = model.csr[facet].counts(mask, rows, _outer(model, audience, facet))
            out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _outer(model: ReadModel, audience: str | None, facet: str):
    """(the audience's visible rows, their number, their counts of `facet`), remembered per model
    (a model never changes after it is built)."""
    if audience is None:
        return None
    cache = model.__dict__.setdefault("_facet_outer", {})
    if (audience, facet) not in cache:
        visible, n = model.audience(audience)
        cache[audience, facet] = (visible, n, model.csr[facet].bincount(np.flatnonzero(visible)))
    return cache[audience, facet]
