"""Column structures of the read model: CSR lists of codes per row (filters and facets) and the
records a result shows, held pickled per row."""
from __future__ import annotations

import array
import pickle
from functools import cached_property
from typing import Any, Iterable, Sequence

import numpy as np


def ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of arange(start, end) for each pair, vectorised."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return offsets + np.arange(total)


class Csr:
    """Row → list of codes (one vocabulary), with per-code row lists for filtering."""

    def __init__(self, codes: list[str], ptr: np.ndarray, vals: np.ndarray):
        self.codes = codes
        self.index = {c: i for i, c in enumerate(codes)}
        self.ptr = ptr
        self.vals = vals

    @classmethod
    def from_lists(cls, lists: Sequence[Sequence[str]], codes: list[str] | None = None) -> "Csr":
        codes = list(codes or [])
        index = {c: i for i, c in enumerate(codes)}
        vals = array.array("i")
        lengths = array.array("i")
        for values in lists:
            unique = dict.fromkeys(values)
            for value in unique:
                code = index.get(value)
                if code is None:
                    code = index[value] = len(codes)
                    codes.append(value)
                vals.append(code)
            lengths.append(len(unique))
        ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(lengths, dtype=np.int32), out=ptr[1:])
        return cls(codes, ptr, np.frombuffer(vals, dtype=np.int32).copy())

    def appended(self, lists: Sequence[Sequence[str]]) -> "Csr":
        extra = Csr.from_lists(lists, list(self.codes))
        ptr = np.concatenate([self.ptr, extra.ptr[1:] + self.ptr[-1]])
        return Csr(extra.codes, ptr, np.concatenate([self.vals, extra.vals]))

    @cached_property
    def entry_row(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int32), np.diff(self.ptr))

    @cached_property
    def _inverted(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.vals, kind="stable")
        code_ptr = np.searchsorted(self.vals[order], np.arange(len(self.codes) + 1))
        return self.entry_row[order], code_ptr

    def rows_with_any(self, values: Iterable[str], n: int) -> np.ndarray:
        rows_by_code, code_ptr = self._inverted
        mask = np.zeros(n, dtype=bool)
        for value in values:
            code = self.index.get(value)
            if code is not None:
                mask[rows_by_code[code_ptr[code] : code_ptr[code + 1]]] = True
        return mask

    @cached_property
    def totals(self) -> np.ndarray:
        return np.bincount(self.vals, minlength=len(self.codes))

    def bincount(self, rows: np.ndarray) -> np.ndarray:
        """Per code, how many of `rows` have it."""
        return np.bincount(self.vals[ranges(self.ptr[rows], self.ptr[rows + 1])], minlength=len(self.codes))

    def counts(self, mask: np.ndarray, rows: np.ndarray | None = None, outer=None) -> dict[str, int]:
        """Code → number of masked rows having it. `rows`: flatnonzero(mask), when known; `outer`:
        (a mask containing `mask`, its row count, its code counts), default all rows. Counts over the
        fewest entries: the masked rows, or the outer counts minus those of the outer rows not masked."""
        rows = np.flatnonzero(mask) if rows is None else rows
        outer_mask, outer_n, outer_counts = outer if outer is not None else (None, len(mask), self.totals)
        if len(rows) * 8 < len(mask):
            counts = self.bincount(rows)
        elif (outer_n - len(rows)) * 8 < len(mask):
            others = ~mask if outer_mask is None else outer_mask & ~mask
            counts = outer_counts - self.bincount(np.flatnonzero(others))
        else:
            counts = np.bincount(self.vals[mask[self.entry_row]], minlength=len(self.codes))
        return {self.codes[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    def row(self, i: int) -> list[str]:
        return [self.codes[c] for c in self.vals[self.ptr[i] : self.ptr[i + 1]]]



class Records:
    """Row → what a result shows of a partner, each held pickled: 100k dicts cost seconds to load
    and hundreds of MB per process, and a search decodes only its page. Names and external ids,
    which orderings and suggestions read for every row, stay decoded."""

    def __init__(self, blobs: list[bytes], names: list[str], ids: list[str]):
        self.blobs, self.names, self.ids = blobs, names, ids

    @classmethod
    def of(cls, records: list[dict[str, Any]]) -> "Records":
        return cls([pickle.dumps(r, protocol=5) for r in records], [r["name"] for r in records], [r["id"] for r in records])

    def __len__(self) -> int:
        return len(self.blobs)

    def __getitem__(self, row: int) -> dict[str, Any]:
        return pickle.loads(self.blobs[row])

    def __add__(self, other: "Records") -> "Records":
        return Records(self.blobs + other.blobs, self.names + other.names, self.ids + other.ids)

    def __reduce__(self):
        return Records, (self.blobs, self.names, self.ids)
