"""The columnar in-memory read model every process searches: partner attributes as numpy rows and
CSR arrays, office coordinates, service areas and the postings of the analysed text.

Rows are append-only: a changed partner gets a new row and its old row dies, so a delta never
rewrites the base arrays in place. A model is never mutated after construction; `with_docs`
returns a new one and the keeper swaps the reference.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

import numpy as np

from locator.search.analysis import stem
from locator.search.columns import Csr, PrefixIndex, Records
from locator.search.documents import CSR_KINDS, LIST_KINDS, doc_fold_terms, doc_terms, record
from locator.search.postings import Postings


@dataclass
class ReadModel:
    marker: int  # the store's change id this model reflects
    pid: np.ndarray  # store id per row
    alive: np.ndarray
    published: np.ndarray
    select: np.ndarray  # track == select
    completeness: np.ndarray  # 0..100, float32
    records: Records
    csr: dict[str, Csr]
    off_ptr: np.ndarray  # row → its offices (with coordinates) in the office arrays
    off_lat: np.ndarray
    off_lon: np.ndarray
    areas: dict[int, Any]  # row → shapely geometry of its service area
    text: dict[str, Postings]  # "stem" (recall) and "fold" (unstemmed, accent-folded: fuzzy)
    prefixes: PrefixIndex | None = None  # names by prefix (suggestions); None: derived when first asked

    @property
    def size(self) -> int:
        return len(self.pid)

    def audience(self, audience: str) -> tuple[np.ndarray, int]:
        """(read-only mask of the rows `audience` sees, their number): the public sees live published
        rows, sellers every live row. Whatever a search counts, it counts within these."""
        return self._sellers if audience == "seller" else self._public

    @cached_property
    def _public(self) -> tuple[np.ndarray, int]:
        return _frozen(self.alive & self.published)

    @cached_property
    def _sellers(self) -> tuple[np.ndarray, int]:
        return _frozen(self.alive.copy())

    @cached_property
    def off_row(self) -> np.ndarray:
        return np.repeat(np.arange(self.size, dtype=np.int32), np.diff(self.off_ptr))

    @cached_property
    def lat_order(self) -> np.ndarray:
        return np.argsort(self.off_lat, kind="stable")

    @cached_property
    def lat_sorted(self) -> np.ndarray:
        return self.off_lat[self.lat_order]

    @cached_property
    def lon_by_lat(self) -> np.ndarray:
        return self.off_lon[self.lat_order]

    @cached_property
    def row_of_pid(self) -> dict[int, int]:
        alive = np.flatnonzero(self.alive)
        return dict(zip(self.pid[alive].tolist(), alive.tolist()))

    @cached_property
    def name_rank(self) -> np.ndarray:
        """Rank of each row by (folded name, external id): the deterministic tie-break."""
        keys = [(name.casefold(), ext) for name, ext in zip(self.records.names, self.records.ids)]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys))
        return rank

    @cached_property
    def area_tree(self):
        from shapely import STRtree

        rows = sorted(r for r in self.areas if self.alive[r])
        return rows, STRtree([self.areas[r] for r in rows]) if rows else None

    def rows_with_prefix(self, prefix: str) -> np.ndarray:
        """Rows (dead ones included) whose folded name, or its part from a word on, starts with `prefix`."""
        if self.prefixes is None:
            self.prefixes = PrefixIndex.of(self.records.names)
        return self.prefixes.rows_with_prefix(prefix)

    DERIVED = ("off_row", "lat_order", "lat_sorted", "lon_by_lat", "name_rank")  # what a snapshot stores

    # -- construction

    @classmethod
    def build(cls, docs: list[dict[str, Any]], marker: int) -> "ReadModel":
        parts = columns_of(docs)
        fold = Postings.build([doc_fold_terms(d) for d in docs], parts["published"])
        return cls(
            marker=marker,
            pid=parts["pid"],
            alive=np.ones(len(docs), dtype=bool),
            published=parts["published"],
            select=parts["select"],
            completeness=parts["completeness"],
            records=parts["records"],
            csr={kind: Csr.from_lists(lists) for kind, lists in parts["lists"].items()},
            off_ptr=parts["off_ptr"],
            off_lat=parts["off_lat"],
            off_lon=parts["off_lon"],
            areas=parts["areas"],
            text={"stem": fold.mapped(stem), "fold": fold},
            prefixes=PrefixIndex.of(parts["records"].names),
        )

    def with_docs(self, docs: list[dict[str, Any]], changed: Iterable[int], marker: int) -> "ReadModel":
        """A new model where the partners `changed` (store ids) are replaced by `docs` (absent: deleted)."""
        alive = self.alive.copy()
        for pid in changed:
            row = self.row_of_pid.get(pid)
            if row is not None:
                alive[row] = False
        first = self.size
        parts = columns_of(docs)
        per_doc = [doc_terms(d) for d in docs]
        areas = dict(self.areas)
        areas.update({first + r: geom for r, geom in parts["areas"].items()})
        child = ReadModel(
            marker=marker,
            pid=np.concatenate([self.pid, parts["pid"]]),
            alive=np.concatenate([alive, np.ones(len(docs), dtype=bool)]),
            published=np.concatenate([self.published, parts["published"]]),
            select=np.concatenate([self.select, parts["select"]]),
            completeness=np.concatenate([self.completeness, parts["completeness"]]),
            records=self.records + parts["records"],
            csr={kind: self.csr[kind].appended(parts["lists"][kind]) for kind in CSR_KINDS},
            off_ptr=np.concatenate([self.off_ptr, parts["off_ptr"][1:] + self.off_ptr[-1]]),
            off_lat=np.concatenate([self.off_lat, parts["off_lat"]]),
            off_lon=np.concatenate([self.off_lon, parts["off_lon"]]),
            areas=areas,
            text={f: self.text[f].appended(first, [d[f] for d in per_doc]) for f in ("stem", "fold")},
            prefixes=self.prefixes.added(parts["records"].names, first) if self.prefixes is not None else None,
        )
        child._continue_derived(self, alive)
        return child

    def _continue_derived(self, parent: "ReadModel", alive: np.ndarray) -> None:
        """Carry the parent's derived arrays over to this model, which only appends rows and offices to
        it: merging the new rows in costs a fraction of deriving them again (sorting 100k names took a
        third of a second per delta, holding the GIL)."""
        known = parent.__dict__
        first, first_office = parent.size, len(parent.off_lat)
        if "off_row" in known:
            new_rows = np.repeat(np.arange(first, self.size, dtype=np.int32), np.diff(self.off_ptr[first:]))
            self.__dict__["off_row"] = np.concatenate([parent.off_row, new_rows])
        if "lat_order" in known:
            new_lats = self.off_lat[first_office:]
            order = np.argsort(new_lats, kind="stable")
            at = np.searchsorted(parent.lat_sorted, new_lats[order], side="right")  # after equal ones: stable
            self.__dict__["lat_order"] = np.insert(parent.lat_order, at, order + first_office)
            self.__dict__["lat_sorted"] = np.insert(parent.lat_sorted, at, new_lats[order])
            self.__dict__["lon_by_lat"] = np.insert(parent.lon_by_lat, at, self.off_lon[first_office:][order])
        if "name_rank" in known:
            self.__dict__["name_rank"] = _ranks_continued(parent.name_rank, self._name_key, first, self.size)
        if "row_of_pid" in known:
            rows = dict(parent.row_of_pid)
            for row in np.flatnonzero(~alive[:first] & parent.alive).tolist():  # changed or deleted
                rows.pop(int(parent.pid[row]), None)
            rows.update(zip(self.pid[first:].tolist(), range(first, self.size)))  # changed ones come back here
            self.__dict__["row_of_pid"] = rows

    def _name_key(self, row: int) -> tuple[str, str]:
        return self.records.names[row].casefold(), self.records.ids[row]


def _ranks_continued(ranks: np.ndarray, key, first: int, size: int) -> np.ndarray:
    """The ranks by `key` of rows 0..size-1, given `ranks` of rows 0..first-1: each new row is placed by
    binary search among the old ones (after equal keys, as a stable sort puts them), and the old ones
    move up past the new rows placed before them."""
    by_rank = np.argsort(ranks).tolist()
    new = sorted(range(first, size), key=key)
    placed = np.array([bisect.bisect_right(by_rank, key(row), key=key) for row in new], dtype=np.int64)
    result = np.empty(size, dtype=np.int64)
    result[:first] = ranks + np.searchsorted(placed, ranks, side="right")
    result[new] = placed + np.arange(len(new))
    return result


def _frozen(mask: np.ndarray) -> tuple[np.ndarray, int]:
    mask.flags.writeable = False
    return mask, int(np.count_nonzero(mask))


def columns_of(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The columnar pieces of a list of documents (rows in list order)."""
    from geoalchemy2.shape import to_shape

    lists: dict[str, list[list[str]]] = {kind: [] for kind in CSR_KINDS}
    off_ptr = np.zeros(len(docs) + 1, dtype=np.int64)
    lat, lon, areas = [], [], {}
    for row, doc in enumerate(docs):
        for kind, column in LIST_KINDS.items():
            lists[kind].append(list(doc.get(column) or []))
        office_countries = [o["country"] for o in doc["offices"] if o["country"]]
        served = list(doc.get("countries_served") or [])
        lists["office_country"].append(office_countries)
        lists["served"].append(served)
        served_regions = list(doc.get("regions_served") or [])  # ISO 3166-2: a region's country is its prefix
        lists["country"].append(office_countries + served + [code[:2] for code in served_regions])
        lists["office_region"].append([o["region_code"] for o in doc["offices"] if o.get("region_code")])
        lists["served_region"].append(served_regions)
        located = [o for o in doc["offices"] if o["lat"] is not None and o["lon"] is not None]
        lat.extend(o["lat"] for o in located)
        lon.extend(o["lon"] for o in located)
        off_ptr[row + 1] = off_ptr[row] + len(located)
        if doc.get("service_area") is not None:
            areas[row] = to_shape(doc["service_area"])
    return {
        "pid": np.array([d["id"] for d in docs], dtype=np.int64),
        "published": np.array([bool(d["published"]) for d in docs], dtype=bool),
        "select": np.array([d["track"] == "select" for d in docs], dtype=bool),
        "completeness": np.array([d.get("completeness") or 0 for d in docs], dtype=np.float32),
        "records": Records.of([record(d) for d in docs]),
        "lists": lists,
        "off_ptr": off_ptr,
        "off_lat": np.array(lat, dtype=np.float64),
        "off_lon": np.array(lon, dtype=np.float64),
        "areas": areas,
    }
