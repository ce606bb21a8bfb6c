"""The columns file of a build: every part of a read model but its text postings (which a node reads
from the Whoosh index), with the per-row text lengths and the average length its BM25 weights use."""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

from locator.search.columns import Csr
from locator.search.documents import CSR_KINDS
from locator.search.model import ReadModel

VERSION = 4  # 4: no postings here (they are read from the Whoosh index)
_STATE = ("marker", "pid", "alive", "published", "select", "completeness", "records", "off_ptr", "off_lat", "off_lon")


def write_columns(model: ReadModel, path: Path, segment: str) -> None:
    """Write the model's columns atomically; `segment`: the id of the Whoosh segment holding the
    model's folded postings with document number = row."""
    fold = model.text["fold"]
    state: dict[str, Any] = {name: getattr(model, name) for name in _STATE}
    state["version"] = VERSION
    state["csr"] = {k: (c.codes, c.ptr, c.vals) for k, c in model.csr.items()}
    state["areas"] = {row: geom.wkb for row, geom in model.areas.items()}
    state["text_lengths"], state["avgdl"], state["segment"] = fold.lengths, fold.avgdl, segment
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(state, fh, protocol=5)
    tmp.replace(path)


def read_columns(path: Path) -> dict[str, Any] | None:
    """The stored columns (ReadModel fields but `text`) plus `text_lengths`, `avgdl`, `segment`; None
    when the file is missing, unreadable or of another version."""
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    if not isinstance(state, dict) or state.pop("version", None) != VERSION:
        return None
    if set(state.get("csr", ())) != set(CSR_KINDS):  # written with other filters (one added or removed): build anew
        return None
    from shapely import from_wkb

    state["csr"] = {k: Csr(*v) for k, v in state["csr"].items()}
    state["areas"] = {row: from_wkb(wkb) for row, wkb in state["areas"].items()}
    state["text_lengths"] = np.asarray(state["text_lengths"], dtype=np.float32)
    return state
