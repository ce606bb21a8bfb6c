"""Which rows hold a word in their name (“the word is in its name” counts as covering it strongly)."""
from __future__ import annotations

import bisect
import threading
import weakref
from typing import Any, Sequence

import numpy as np

from locator.search.analysis import fold_terms, stem
from locator.search.model import ReadModel


def postings(names: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(sorted terms, ptr, rows): the CSR of stemmed folded name term → rows (ascending), written into a
    build's snapshot so that every process maps it instead of building its own dict of lists."""
    pairs = sorted((term, row) for row, name in enumerate(names) for term in {stem(t) for t in fold_terms(name)})
    terms = sorted({term for term, _ in pairs})
    counts = np.zeros(len(terms) + 1, dtype=np.int64)
    at = {term: i for i, term in enumerate(terms)}
    for term, _ in pairs:
        counts[at[term] + 1] += 1
    return terms, np.cumsum(counts), np.array([row for _, row in pairs], dtype=np.int64)


class NameTerms:
    """Stemmed folded name terms → rows, for “the word is in its name”. Rows are append-only in a
    model's lineage (a delta adds rows after the build's), so one index grows with the models of a
    lineage instead of being rebuilt: a model continues it when it has the same build rows (the same
    `records.blobs` object) and the delta rows it has seen (the same `records.extra` objects).
    A snapshot's model comes with the build's rows as a mapped CSR (`mapped`); the rows deltas add are
    kept in the lists."""

    def __init__(self) -> None:
        self.mapped: tuple[Sequence[str], np.ndarray, np.ndarray] | None = None  # (sorted terms, ptr, rows)
        self.lists: dict[str, list[int]] = {}
        self.arrays: dict[str, np.ndarray] = {}
        self.size = 0
        self.base: Any = None  # a weak reference to the build's records
        self.extra = 0
        self.last_extra: object = None
        self.sample: list[tuple[int, str]] = []

    @classmethod
    def of_snapshot(cls, records: Any, terms: Sequence[str], ptr: np.ndarray, rows: np.ndarray) -> "NameTerms":
        """The index of a snapshot's build rows (`records`: its Records), over the mapped CSR."""
        index = cls()
        index.mapped = (terms, ptr, rows)
        index.size = len(records)
        index.base = weakref.ref(records.blobs)
        return index

    def _mapped_rows(self, term: str) -> np.ndarray | None:
        if self.mapped is None:
            return None
        terms, ptr, rows = self.mapped
        i = bisect.bisect_left(terms, term)
        return rows[ptr[i]:ptr[i + 1]] if i < len(terms) and terms[i] == term else None

    def covers(self, records: Any) -> bool:
        """Whether `records` are, or continue, the records this index was built from."""
        if self.size == 0 or len(records) < self.size:
            return False
        blobs, extra = getattr(records, "blobs", None), getattr(records, "extra", None)
        if blobs is not None and extra is not None:
            return (self.base is not None and self.base() is blobs and len(extra) >= self.extra
                    and (self.extra == 0 or extra[self.extra - 1] is self.last_extra))
        names = records.names
        return all(names[i] == name for i, name in self.sample)  # records of another kind: compare names

    def grow(self, records: Any) -> None:
        names = records.names
        touched = set()
        for row in range(self.size, len(names)):
            for term in {stem(t) for t in fold_terms(names[row])}:
                self.lists.setdefault(term, []).append(row)
                touched.add(term)
        for term in touched:
            self.arrays.pop(term, None)
        self.size = len(names)
        blobs, extra = getattr(records, "blobs", None), getattr(records, "extra", None)
        self.base = weakref.ref(blobs) if blobs is not None else None
        self.extra = len(extra) if extra is not None else 0
        self.last_extra = extra[-1] if extra else None
        at = sorted({int(i) for i in np.linspace(0, self.size - 1, 16)}) if self.size else []
        self.sample = [(i, names[i]) for i in at]

    def rows(self, term: str) -> np.ndarray:
        found = self.arrays.get(term)
        if found is None:
            mapped, added = self._mapped_rows(term), self.lists.get(term)
            if mapped is not None and not added:
                return mapped  # a view of the map: nothing to keep
            found = np.array(added or (), dtype=np.int64)
            found = self.arrays[term] = found if mapped is None else np.concatenate([mapped, found])
        return found

    def rows_with_all(self, terms: tuple[str, ...], n: int) -> np.ndarray:
        """The rows (of the first n) whose name holds every term (stemmed), sorted."""
        found = None
        for term in terms:
            rows = self.rows(stem(term))
            rows = rows[rows < n] if len(rows) and rows[-1] >= n else rows
            found = rows if found is None else np.intersect1d(found, rows, assume_unique=True)
        return found if found is not None else np.zeros(0, dtype=np.int64)


_names_lock = threading.Lock()
_names: NameTerms | None = None


def name_terms(model: ReadModel) -> NameTerms:
    """The name index of the model's rows: the last one, grown by the rows a delta added, or a new one."""
    global _names
    cached = model.__dict__.get("_name_terms")
    if cached is not None:
        if cached.mapped is not None and cached is not _names:  # a snapshot's: the models of its deltas continue it
            with _names_lock:
                if _names is None or not _names.covers(model.records):
                    _names = cached
        return cached
    records = model.records
    with _names_lock:
        current = _names
        if current is None or not current.covers(records):
            current = NameTerms()
        if current.size != len(records):
            current.grow(records)
        _names = current
    model.__dict__["_name_terms"] = current  # a model never changes: it keeps the index it was given
    return current
