"""The columnar in-memory read model every process searches: partner attributes as numpy rows and
CSR arrays, office coordinates, service areas and the postings of the analysed text.

Rows are append-only: a changed partner gets a new row and its old row dies, so a delta never
rewrites the base arrays in place. A model is never mutated after construction; `with_docs`
returns a new one and the Locator swaps the reference.
"""
from __future__ import annotations

import array
import pickle
from itertools import chain
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from locator import vocab
from locator.models import Office, Partner
from locator.search.analysis import fold_terms, fold_text, stem

LIST_KINDS = {
    "language": "languages",
    "service": "services",
    "segment": "segments",
    "type": "types",
    "certification": "certifications",
}
# country: an office in it or serving it; office_country / served: each side alone.
CSR_KINDS = (*LIST_KINDS, "country", "office_country", "served")
NAME_BOOST = 3  # a name term counts as this many description terms
DESCRIPTION_SNIPPET = 300
BM25_K1, BM25_B = 1.2, 0.75
SNAPSHOT_VERSION = 3  # 3: postings hold BM25 weights without idf (idf is per audience)


# ---------------------------------------------------------------- documents from the store


def load_docs(session: Session, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Partners (with offices) as plain dicts, read with Core queries (no ORM objects: fast at 100k)."""
    p, o = Partner.__table__, Office.__table__
    cols = [
        p.c.id, p.c.external_id, p.c.slug, p.c.name, p.c.description, p.c.website, p.c.logo_url,
        p.c.track, p.c.published, p.c.completeness, p.c.internal, p.c.industries, p.c.countries_served,
        p.c.service_area, *(p.c[column] for column in LIST_KINDS.values()),
    ]
    office_cols = [o.c.partner_id, o.c.label, o.c.city, o.c.country, o.c.lat, o.c.lon]
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        ids = sorted(set(ids))
        chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    docs: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        stmt = select(*cols).order_by(p.c.id)
        office_stmt = select(*office_cols).order_by(o.c.partner_id, o.c.position)
        if chunk is not None:
            stmt = stmt.where(p.c.id.in_(chunk))
            office_stmt = office_stmt.where(o.c.partner_id.in_(chunk))
        for row in session.execute(stmt).mappings():
            doc = dict(row)
            doc["offices"] = []
            docs[doc["id"]] = doc
        for row in session.execute(office_stmt):
            if row.partner_id in docs:
                docs[row.partner_id]["offices"].append(
                    {"label": row.label, "city": row.city, "country": row.country, "lat": row.lat, "lon": row.lon}
                )
    return list(docs.values())


def _record(doc: dict[str, Any]) -> dict[str, Any]:
    """What a result needs to show a partner (descriptions cut to a snippet)."""
    description = doc.get("description") or ""
    if len(description) > DESCRIPTION_SNIPPET:
        description = description[: DESCRIPTION_SNIPPET - 1].rstrip() + "…"
    offices = [o for o in doc["offices"] if o["lat"] is not None and o["lon"] is not None]
    return {
        "pid": doc["id"],
        "id": doc["external_id"],
        "slug": doc["slug"],
        "name": doc["name"],
        "track": doc["track"],
        "types": list(doc.get("types") or []),
        "languages": list(doc.get("languages") or []),
        "services": list(doc.get("services") or []),
        "segments": list(doc.get("segments") or []),
        "completeness": int(doc.get("completeness") or 0),
        "logo_url": doc.get("logo_url"),
        "website": doc.get("website"),
        "description": description,
        "countries": sorted({o["country"] for o in doc["offices"] if o["country"]}),
        "offices": offices,  # the located ones, in the order of the model's office arrays
        "published": bool(doc.get("published")),
        "internal": dict(doc.get("internal") or {}),
    }


@lru_cache(maxsize=4096)
def _label(kind: str, code: str) -> str:
    return vocab.label(kind, code)  # (it builds its vocabulary lookup per call)


def doc_text(doc: dict[str, Any]) -> tuple[str, str]:
    """(name, everything else indexed): description, services, certifications, industries, cities, countries."""
    labels = []
    for kind, column in (("service", "services"), ("certification", "certifications"), ("industry", "industries"), ("type", "types")):
        for code in doc.get(column) or []:
            labels.append(_label(kind, code))
            labels.append(code)
    places = []
    for office in doc["offices"]:
        places.append(office.get("city") or "")
        if office.get("country"):
            places.append(_label("country", office["country"]))
    return doc["name"] or "", " ".join([doc.get("description") or "", *labels, *places])


def doc_fold_terms(doc: dict[str, Any]) -> tuple[Counter, int]:
    """The folded terms' frequencies (name terms boosted) and the document length."""
    name, rest = doc_text(doc)
    name_fold, rest_fold = fold_terms(name), fold_terms(rest)
    tf = Counter(rest_fold)
    for term in name_fold:
        tf[term] += NAME_BOOST
    return tf, len(rest_fold) + NAME_BOOST * len(name_fold)


def doc_terms(doc: dict[str, Any]) -> dict[str, tuple[Counter, int]]:
    """Per text field, the term frequencies (name terms boosted) and the document length."""
    fold, length = doc_fold_terms(doc)
    stemmed: Counter = Counter()
    for term, count in fold.items():
        stemmed[stem(term)] += count
    return {"fold": (fold, length), "stem": (stemmed, length)}


# ---------------------------------------------------------------- building blocks


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


def idf(df: int, docs: int) -> float:
    """BM25's idf of a term in `df` of `docs` documents (both counted over what the searcher sees)."""
    docs = max(docs, df)
    return float(np.log(1.0 + (docs - df + 0.5) / (df + 0.5)))


@dataclass
class Postings:
    """Term → (sorted rows, BM25 weights without the idf): a base CSR from the build plus a small
    overlay of deltas. The idf and every other count are taken at search time over the rows the
    searcher may see (published ones for the public), so unpublished partners change no public score."""

    terms: list[str]
    ptr: np.ndarray
    rows: np.ndarray
    weights: np.ndarray  # per entry: the BM25 term-frequency part (tf, document length, avgdl)
    avgdl: float  # over the published rows of the build: the public's statistics serve everyone
    overlay: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    freqs: np.ndarray | None = None  # term frequencies per entry, kept from a build (not saved)
    lengths: np.ndarray | None = None  # document lengths per row, kept from a build (not saved)

    @cached_property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.terms)}

    def get(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        i = self.index.get(term)
        base_rows = self.rows[self.ptr[i] : self.ptr[i + 1]] if i is not None else self.rows[:0]
        base_w = self.weights[self.ptr[i] : self.ptr[i + 1]] if i is not None else self.weights[:0]
        extra = self.overlay.get(term)
        if extra is None:
            return base_rows, base_w
        return np.concatenate([base_rows, extra[0]]), np.concatenate([base_w, extra[1]])

    def df(self, term: str, audience: str, visible: np.ndarray) -> int:
        """How many of the rows `audience` sees (`visible`) have the term, remembered per audience
        (a model, and so who sees which row, never changes)."""
        cache = self.__dict__.setdefault("_df", {})
        key = (audience, term)
        found = cache.get(key)
        if found is None:
            if len(cache) > 100_000:
                cache.clear()
            found = cache[key] = int(np.count_nonzero(visible[self.get(term)[0]]))
        return found

    def expansions(self, term: str, audience: str, visible: np.ndarray, expand) -> list[str]:
        """Fuzzy expansions of a term over the lexicon, only words in rows the audience sees (so
        unseen words never take an expansion's place), remembered per audience (queries repeat)."""
        cache = self.__dict__.setdefault("_expansions", {})
        key = (audience, term)
        if key not in cache:
            if len(cache) > 20_000:
                cache.clear()
            cache[key] = expand(self.lexicon, term, lambda word: self.df(word, audience, visible) > 0)
        return cache[key]

    @cached_property
    def lexicon(self) -> list[str]:
        """Every term, sorted (for fuzzy expansion with Whoosh's Levenshtein automata)."""
        return sorted(set(self.terms) | set(self.overlay))

    def weight(self, tf: np.ndarray, dl: np.ndarray) -> np.ndarray:
        """BM25's term-frequency part (times idf, it is the term's score)."""
        norm = tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / max(self.avgdl, 1.0)))
        return norm.astype(np.float32)

    @classmethod
    def build(cls, per_doc: list[tuple[Counter, int]], published: np.ndarray | None = None) -> "Postings":
        """Postings of documents' (term frequencies, length); the average length is over the
        `published` ones (all, when not given; when none is, over all)."""
        all_terms = list(chain.from_iterable(tf.keys() for tf, _ in per_doc))
        terms = sorted(dict.fromkeys(all_terms))
        term_id = {t: i for i, t in enumerate(terms)}  # alphabetical ids
        n = len(all_terms)
        tids = np.fromiter(map(term_id.__getitem__, all_terms), dtype=np.int32, count=n)
        counts = np.fromiter(chain.from_iterable(tf.values() for tf, _ in per_doc), dtype=np.float32, count=n)
        per_row = np.fromiter((len(tf) for tf, _ in per_doc), dtype=np.int64, count=len(per_doc))
        lengths = np.fromiter((length for _, length in per_doc), dtype=np.float32, count=len(per_doc))
        rows = np.repeat(np.arange(len(per_doc), dtype=np.int32), per_row)
        order = np.argsort(tids, kind="stable")  # entries by (term, row): rows were listed in order
        ptr = np.searchsorted(tids[order], np.arange(len(terms) + 1)).astype(np.int64)
        counted = lengths[published] if published is not None and published.any() else lengths
        avgdl = float(counted.mean()) if len(counted) else 1.0
        return cls._weighted(terms, ptr, rows[order], counts[order], lengths, avgdl)

    @classmethod
    def _weighted(cls, terms: list[str], ptr: np.ndarray, rows: np.ndarray, tf: np.ndarray, lengths: np.ndarray,
                  avgdl: float) -> "Postings":
        postings = cls(terms, ptr, rows, np.zeros(0, np.float32), avgdl, freqs=tf, lengths=lengths)
        postings.weights = postings.weight(tf, lengths[rows])
        return postings

    def mapped(self, term_map) -> "Postings":
        """The postings of `term_map(term)` for every term (frequencies of terms mapped together add
        up): the stemmed field from the folded one, vectorised, for a build."""
        targets = [term_map(t) for t in self.terms]
        new_terms = sorted(set(targets))
        rank = {t: i for i, t in enumerate(new_terms)}
        target_id = np.array([rank[t] for t in targets], dtype=np.int64)
        n = max(len(self.lengths), 1)
        keys = np.repeat(target_id, np.diff(self.ptr)) * n + self.rows
        unique, inverse = np.unique(keys, return_inverse=True)
        tf = np.bincount(inverse, weights=self.freqs, minlength=len(unique)).astype(np.float32)
        ptr = np.searchsorted(unique // n, np.arange(len(new_terms) + 1)).astype(np.int64)
        return Postings._weighted(new_terms, ptr, (unique % n).astype(np.int32), tf, self.lengths, self.avgdl)

    def appended(self, first_row: int, per_doc: list[tuple[Counter, int]]) -> "Postings":
        """New rows go to the overlay, weighted with the base's average length."""
        delta = Postings.build(per_doc)
        overlay = dict(self.overlay)
        grown = Postings(self.terms, self.ptr, self.rows, self.weights, self.avgdl, overlay)
        grown.__dict__["index"] = self.index  # the base terms did not change: share their lookup
        delta_rows = delta.rows + first_row
        for i, term in enumerate(delta.terms):
            lo, hi = delta.ptr[i], delta.ptr[i + 1]
            rows = delta_rows[lo:hi]
            tf = np.array([per_doc[r - first_row][0][term] for r in rows.tolist()], dtype=np.float32)
            dl = np.array([per_doc[r - first_row][1] for r in rows.tolist()], dtype=np.float32)
            w = grown.weight(tf, dl)
            old = overlay.get(term)
            overlay[term] = (rows, w) if old is None else (np.concatenate([old[0], rows]), np.concatenate([old[1], w]))
        return grown


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


# ---------------------------------------------------------------- the model


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

    @cached_property
    def suggest_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted folded names and name words of live rows, with their rows (prefix search)."""
        keys, rows = [], []
        for row in np.flatnonzero(self.alive).tolist():
            folded = fold_text(self.records.names[row])
            words = folded.split()
            for key in {folded, *(" ".join(words[i:]) for i in range(1, len(words)))}:
                keys.append(key)
                rows.append(row)
        order = np.argsort(np.array(keys, dtype=object)) if keys else np.zeros(0, dtype=np.int64)
        return np.array(keys, dtype=str)[order] if keys else np.array([], dtype=str), np.array(rows, dtype=np.int64)[order]

    # -- construction

    @classmethod
    def build(cls, docs: list[dict[str, Any]], marker: int) -> "ReadModel":
        parts = _columns(docs)
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
        )

    def with_docs(self, docs: list[dict[str, Any]], changed: Iterable[int], marker: int) -> "ReadModel":
        """A new model where the partners `changed` (store ids) are replaced by `docs` (absent: deleted)."""
        alive = self.alive.copy()
        for pid in changed:
            row = self.row_of_pid.get(pid)
            if row is not None:
                alive[row] = False
        first = self.size
        parts = _columns(docs)
        per_doc = [doc_terms(d) for d in docs]
        areas = dict(self.areas)
        areas.update({first + r: geom for r, geom in parts["areas"].items()})
        return ReadModel(
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
        )

    # -- snapshot on disk (written by the index build next to the Whoosh segments)

    _STATE = ("marker", "pid", "alive", "published", "select", "completeness", "records", "off_ptr", "off_lat", "off_lon")

    def save(self, path: Path) -> None:
        state = {name: getattr(self, name) for name in self._STATE}
        state["version"] = SNAPSHOT_VERSION
        state["csr"] = {k: (c.codes, c.ptr, c.vals) for k, c in self.csr.items()}
        state["areas"] = {row: geom.wkb for row, geom in self.areas.items()}
        state["text"] = {
            f: (p.terms, p.ptr, p.rows, p.weights, p.avgdl, p.overlay) for f, p in self.text.items()
        }
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=5)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "ReadModel | None":
        try:
            with open(path, "rb") as fh:
                state = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        if state.pop("version", None) != SNAPSHOT_VERSION:
            return None
        from shapely import from_wkb

        state["csr"] = {k: Csr(*v) for k, v in state["csr"].items()}
        state["areas"] = {row: from_wkb(wkb) for row, wkb in state["areas"].items()}
        state["text"] = {f: Postings(*v) for f, v in state["text"].items()}
        return cls(**state)


def _frozen(mask: np.ndarray) -> tuple[np.ndarray, int]:
    mask.flags.writeable = False
    return mask, int(np.count_nonzero(mask))


def _columns(docs: list[dict[str, Any]]) -> dict[str, Any]:
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
        lists["country"].append(office_countries + served)
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
        "records": Records.of([_record(d) for d in docs]),
        "lists": lists,
        "off_ptr": off_ptr,
        "off_lat": np.array(lat, dtype=np.float64),
        "off_lon": np.array(lon, dtype=np.float64),
        "areas": areas,
    }
