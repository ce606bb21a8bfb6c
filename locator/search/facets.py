"""Disjunctive facet counts: each facet counts the rows that match every filter but its own."""
from __future__ import annotations

import numpy as np

from locator.search.readmodel import ReadModel

# facet name → the filter it widens (same names in SearchQuery)
FACET_FILTER = {f: f for f in ("language", "service", "segment", "type", "track", "country")}


def count(
    model: ReadModel, base: np.ndarray, filters: dict[str, np.ndarray], wanted: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """`base`: rows matching everything but the filters; `filters`: one row mask per active filter."""
    out: dict[str, dict[str, int]] = {}
    for facet in wanted:
        mask = base.copy()
        for name, rows in filters.items():
            if name != FACET_FILTER[facet]:
                mask &= rows
        if facet == "track":
            select = int(np.count_nonzero(mask & model.select))
            counts = {"select": select, "open": int(np.count_nonzero(mask)) - select}
            out[facet] = {k: v for k, v in counts.items() if v}
        else:
            counts = model.csr[facet].counts(mask)
            out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
