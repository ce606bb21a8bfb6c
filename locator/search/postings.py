"""Postings of the analysed text as numpy arrays: term → sorted rows and BM25 weights (without the
idf, which is taken per audience at search time), a base CSR plus a small overlay of deltas."""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

import numpy as np

BM25_K1, BM25_B = 1.2, 0.75


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
    freqs: np.ndarray | None = None  # term frequencies per entry, from the build or the Whoosh index
    lengths: np.ndarray | None = None  # document lengths per row, from the build or the Whoosh index

    @cached_property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.terms)}

    def parts(self, term: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """(sorted rows, weights) of the term in the base, then in the deltas' overlay (rows after the
        base's): apart, so that a search over a common word need not join them."""
        i = self.index.get(term)
        base = (self.rows[self.ptr[i] : self.ptr[i + 1]], self.weights[self.ptr[i] : self.ptr[i + 1]]) if i is not None \
            else (self.rows[:0], self.weights[:0])
        extra = self.overlay.get(term)
        return [base] if extra is None else [base, extra]

    def df(self, term: str, audience: str, visible: np.ndarray) -> int:
        """How many of the rows `audience` sees (`visible`) have the term, remembered per audience
        (a model, and so who sees which row, never changes)."""
        cache = self.__dict__.setdefault("_df", {})
        key = (audience, term)
        found = cache.get(key)
        if found is None:
            if len(cache) > 100_000:
                cache.clear()
            found = cache[key] = sum(int(np.count_nonzero(visible[rows])) for rows, _ in self.parts(term))
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
        return cls.weighted(terms, ptr, rows[order], counts[order], lengths, avgdl)

    @classmethod
    def weighted(cls, terms: list[str], ptr: np.ndarray, rows: np.ndarray, tf: np.ndarray, lengths: np.ndarray,
                  avgdl: float) -> "Postings":
        postings = cls(terms, ptr, rows, np.zeros(0, np.float32), avgdl, freqs=tf, lengths=lengths)
        postings.weights = postings.weight(tf, lengths[rows])
        return postings

    def mapped(self, term_map) -> "Postings":
        """The postings of `term_map(term)` for every term (frequencies of terms mapped together add
        up): the stemmed field from the folded one, vectorised, for a build or a load."""
        targets = [term_map(t) for t in self.terms]
        new_terms = sorted(set(targets))
        rank = {t: i for i, t in enumerate(new_terms)}
        target_id = np.array([rank[t] for t in targets], dtype=np.int64)
        n = max(len(self.lengths), 1)
        keys = np.repeat(target_id, np.diff(self.ptr)) * n + self.rows
        unique, inverse = np.unique(keys, return_inverse=True)
        tf = np.bincount(inverse, weights=self.freqs, minlength=len(unique)).astype(np.float32)
        ptr = np.searchsorted(unique // n, np.arange(len(new_terms) + 1)).astype(np.int64)
        return Postings.weighted(new_terms, ptr, (unique % n).astype(np.int32), tf, self.lengths, self.avgdl)

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
        if "lexicon" in self.__dict__:  # carried over: sorting every term again would fall on the next search
            lexicon = list(self.lexicon)
            known = set(self.index) | set(self.overlay)
            for term in delta.terms:
                if term not in known:
                    bisect.insort(lexicon, term)
            grown.__dict__["lexicon"] = lexicon
        return grown
