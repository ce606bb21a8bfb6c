"""Column structures of the read model: CSR lists of codes per row (filters and facets) and the
records a result shows, held pickled per row."""
from __future__ import annotations

import array
import pickle
from collections import abc
from functools import cached_property
from typing import Any, Iterable, Sequence

import numpy as np

from locator.search.analysis import fold_text


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

    def __init__(self, codes: list[str], ptr: np.ndarray, vals: np.ndarray, derived: dict[str, Any] | None = None):
        self.codes = codes
        self.index = {c: i for i, c in enumerate(codes)}
        self.ptr = ptr
        self.vals = vals
        self.__dict__.update(derived or {})  # entry_row, _inverted, totals: from a snapshot

    def derived(self) -> dict[str, Any]:
        """What the filters and facets derive from the lists (a snapshot stores it)."""
        return {"entry_row": self.entry_row, "_inverted": self._inverted, "totals": self.totals}

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
        """These lists followed by more rows' lists. What this Csr has derived is carried over by merging
        the new entries in (a delta must not sort every entry again on the next search)."""
        extra = Csr.from_lists(lists, list(self.codes))
        ptr = np.concatenate([self.ptr, extra.ptr[1:] + self.ptr[-1]])
        grown = Csr(extra.codes, ptr, np.concatenate([self.vals, extra.vals]))
        rows = len(self.ptr) - 1
        if "entry_row" in self.__dict__:
            grown.__dict__["entry_row"] = np.concatenate([self.entry_row, extra.entry_row + np.int32(rows)])
        if "totals" in self.__dict__:
            grown.__dict__["totals"] = np.bincount(extra.vals, minlength=len(extra.codes))
            grown.totals[: len(self.codes)] += self.totals
        if "_inverted" in self.__dict__:
            rows_by_code, code_ptr = self._inverted
            order = np.argsort(extra.vals, kind="stable")  # the new entries by code, then row
            codes = extra.vals[order]
            code_ptr = np.concatenate([code_ptr, np.full(len(extra.codes) - len(self.codes), code_ptr[-1])])
            merged = np.insert(rows_by_code, code_ptr[codes + 1], extra.entry_row[order] + rows)  # after the code's rows
            added = np.searchsorted(codes, np.arange(len(extra.codes) + 1))  # new entries with a smaller code
            grown.__dict__["_inverted"] = (merged, code_ptr + added)
        return grown

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



class Strings:
    """A read-only sequence of str held as UTF-8 bytes and offsets (both may be memory-mapped): no
    Python object per item until one is read."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        self.data, self.offsets = data, offsets

    @classmethod
    def of(cls, items: Sequence[str]) -> "Strings":
        return cls.of_bytes([s.encode("utf-8") for s in items])

    @classmethod
    def of_bytes(cls, items: Sequence[bytes]) -> "Strings":
        offsets = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, items), dtype=np.int64, count=len(items)), out=offsets[1:])
        return cls(np.frombuffer(b"".join(items), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, i: int) -> memoryview:
        return memoryview(self.data[self.offsets[i] : self.offsets[i + 1]])

    def __getitem__(self, i: int) -> str:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return str(self.raw(i), "utf-8")

    def tolist(self) -> list[str]:
        text, offsets = bytes(self.data), self.offsets.tolist()
        return [text[a:b].decode("utf-8") for a, b in zip(offsets, offsets[1:])]


class Appended(abc.Sequence):
    """A base sequence (a mapped Strings, say) followed by a few more items, without copying the base."""

    def __init__(self, base: Sequence[str], more: list[str]):
        while isinstance(base, Appended):  # (deltas on deltas: one level)
            base, more = base.base, base.more + more
        self.base, self.more = base, more

    def __len__(self) -> int:
        return len(self.base) + len(self.more)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        n = len(self.base)
        return self.base[i] if i < n else self.more[i - n]


class Records:
    """Row → what a result shows of a partner, each held pickled in one byte array (memory-mapped
    from the snapshot: shared by every process of a node; a search decodes only its page), plus the
    pickles of rows added by deltas. Names and external ids are decoded only when asked for."""

    CACHED = 4096  # decoded records kept (a page decodes ~20; unpickling one costs ~0.05 ms, ~1 ms a page)

    def __init__(self, blobs: Strings, names: Sequence[str], ids: Sequence[str], extra: tuple[bytes, ...] = ()):
        self.blobs, self._names, self._ids, self.extra = blobs, names, ids, extra
        self._decoded: dict[int, dict[str, Any]] = {}  # row → record; callers only read them

    @classmethod
    def of(cls, records: list[dict[str, Any]]) -> "Records":
        blobs = Strings.of_bytes([pickle.dumps(r, protocol=5) for r in records])
        return cls(blobs, [r["name"] for r in records], [r["id"] for r in records])

    def __len__(self) -> int:
        return len(self.blobs) + len(self.extra)

    def __getitem__(self, row: int) -> dict[str, Any]:
        if (record := self._decoded.get(row)) is not None:
            return record
        base = len(self.blobs)
        record = pickle.loads(self.blobs.raw(row) if row < base else self.extra[row - base])
        if len(self._decoded) >= self.CACHED:
            self._decoded.clear()  # cheap and rare: the next pages refill it
        self._decoded[row] = record
        return record

    @property
    def names(self) -> Sequence[str]:
        """Partner names by row (decoded one at a time from a mapped snapshot: no list per process)."""
        return self._column("_names", "name")

    @property
    def ids(self) -> Sequence[str]:
        return self._column("_ids", "id")

    def _column(self, attr: str, key: str) -> Sequence[str]:
        values = getattr(self, attr)
        if len(values) < len(self):  # rows added by deltas: their values from their records, once
            values = Appended(values, [self[r][key] for r in range(len(values), len(self))])
            setattr(self, attr, values)
        return values

    def __add__(self, other: "Records") -> "Records":
        extra = tuple(bytes(other.blobs.raw(i)) for i in range(len(other.blobs))) + other.extra
        return Records(self.blobs, Appended(self.names, list(other.names)), Appended(self.ids, list(other.ids)),
                       self.extra + extra)

    def __reduce__(self):
        return Records.of, ([self[r] for r in range(len(self))],)


class PrefixIndex:
    """Sorted keys → rows, for suggestions by prefix: each partner's folded name and the name from
    each later word on. The build's keys (memory-mapped from a snapshot) plus a sorted list of the
    keys of rows added by deltas (their dead rows stay: callers keep the rows they may see)."""

    def __init__(self, keys: Sequence[str], rows: np.ndarray, extra: tuple[list[str], list[int]] = ([], [])):
        self.keys, self.rows, self.extra = keys, rows, extra

    @staticmethod
    def keys_of(names: Sequence[str], first_row: int = 0) -> tuple[list[str], list[int]]:
        pairs = []
        for row, name in enumerate(names, start=first_row):
            folded = fold_text(name)
            words = folded.split()
            for key in {folded, *(" ".join(words[i:]) for i in range(1, len(words)))}:
                pairs.append((key, row))
        pairs.sort()
        return [k for k, _ in pairs], [r for _, r in pairs]

    @classmethod
    def of(cls, names: Sequence[str]) -> "PrefixIndex":
        keys, rows = cls.keys_of(names)
        return cls(keys, np.array(rows, dtype=np.int64))

    def added(self, names: Sequence[str], first_row: int) -> "PrefixIndex":
        keys, rows = self.keys_of(names, first_row)
        pairs = sorted(zip(self.extra[0] + keys, self.extra[1] + rows))
        return PrefixIndex(self.keys, self.rows, ([k for k, _ in pairs], [r for _, r in pairs]))

    def rows_with_prefix(self, prefix: str) -> np.ndarray:
        """Rows having a key that starts with `prefix` (folded), each once, ascending."""
        import bisect

        found = []
        for keys, rows in ((self.keys, self.rows), self.extra):
            lo, hi = bisect.bisect_left(keys, prefix), bisect.bisect_left(keys, prefix + "\uffff")
            found.append(np.asarray(rows[lo:hi], dtype=np.int64))
        return np.unique(np.concatenate(found))
