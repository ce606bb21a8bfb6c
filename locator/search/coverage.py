"""How much of a query each partner covers, vectorised: per unit of the query (locator.search.intent),
per row, STRONG (it has the named entry, or the words are in its name), WEAK (the words are only in its
other text: description, labels, places) or nothing. A query is not an AND of its words: a row matches
when it covers any unit, and ranks first by how many units it covers (all of the query above some of
it), then by the relevance blend, whose text part is each unit's credit averaged over the units: half
for covering it strongly, half its BM25 relative to the best row's for that unit (so covering a common
word counts as much as a rare one, and offering a service more than mentioning it).

A word that names an entry counts for a partner through the entry, not through text that merely
mentions it: a partner holding a certification whose name holds the word (“Certified Kubernetes
Administrator”) gets no text credit for it, since its indexed text cannot tell description from
certificate; it counts only if it has the entry itself (offers Kubernetes) or the word is in its name.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from locator import vocab
from locator.search.analysis import fold_terms, stem
from locator.search.intent import Intent, Unit
from locator.search.model import ReadModel
from locator.search.names import name_terms
from locator.search.retrieval import Among, positions, term_scores

STRONG, WEAK = 2, 1


@dataclass
class Coverage:
    """Coverage of a query's units over the rows considered: every row of the model, or only `among`
    (sorted rows: the candidates a place left); the arrays hold one value per row considered."""

    units: tuple[Unit, ...]
    levels: list[np.ndarray]  # per unit: 0, WEAK or STRONG per row considered (uint8)
    relative: list[np.ndarray]  # per unit: its BM25 per row relative to the best visible row's, 0..1
    tier: np.ndarray  # per row considered: how many units it covers (ordered before anything else)
    size: int  # the model's rows
    among: Among | None = None

    @property
    def matched(self) -> np.ndarray:
        """Row mask over the model: the rows covering at least one unit."""
        if self.among is None:
            return self.tier > 0
        mask = np.zeros(self.size, dtype=bool)
        mask[self.among.rows[self.tier > 0]] = True
        return mask

    def at(self, rows: np.ndarray) -> np.ndarray:
        """Where the rows (all of them considered) are in the arrays."""
        return rows if self.among is None else self.among.where()[rows]

    def tier_of(self, rows: np.ndarray) -> np.ndarray:
        return self.tier[self.at(rows)]

    def text_of(self, rows: np.ndarray) -> np.ndarray:
        """The rows' credit, 0..1 (the blend's text part): per unit half for covering it strongly,
        half its relative BM25, averaged over the units (only for the rows asked: the matches)."""
        at = self.at(rows)
        credit = np.zeros(len(rows), dtype=np.float64)
        for level, relative in zip(self.levels, self.relative):
            credit += relative[at] * 0.5
            credit += (level[at] == STRONG) * 0.5
        return credit / len(self.units)

    def of_row(self, row: int) -> dict:
        """One row's numbers for `explain`: how many units it covers, its credit (0..1) and each unit's level."""
        names = {STRONG: "strong", WEAK: "weak", 0: "none"}
        i = self._one(row)
        levels = [int(lv[i]) for lv in self.levels]
        covered = [{"words": u.text, "entries": [f"{k}:{c}" for k, c in u.entries], "level": names[level]}
                   for u, level in zip(self.units, levels)]
        credit = sum(0.5 * float(rel[i]) + 0.5 * (level == STRONG) for rel, level in zip(self.relative, levels))
        credit /= len(self.units)
        return {"units": len(self.units), "covered": int(self.tier[i]), "credit": round(credit, 4), "by_unit": covered}

    def entries_of(self, row: int, model: ReadModel) -> dict[str, list[str]]:
        """kind → the named entries this row has (what it offers of what was asked)."""
        i = self._one(row)
        found: dict[str, list[str]] = {}
        has: dict[str, set[int]] = {}
        for unit, level in zip(self.units, self.levels):
            if not level[i]:
                continue
            for kind, code in unit.entries:
                csr = model.csr[kind]
                if kind not in has:
                    has[kind] = set(csr.vals[csr.ptr[row] : csr.ptr[row + 1]].tolist())
                if csr.index.get(code) in has[kind] and code not in found.get(kind, ()):
                    found.setdefault(kind, []).append(code)
        return found

    def words_of(self, row: int) -> list[str]:
        """The free words (not entries) this row covers, as typed."""
        i = self._one(row)
        return [u.text for u, lv in zip(self.units, self.levels) if not u.named and lv[i]]

    def _one(self, row: int) -> int:
        return row if self.among is None else int(self.among.where()[row])


CANDIDATE_SHARE = 4  # text is scored on the candidate rows alone when they are under a quarter of all rows


def coverage(model: ReadModel, intent: Intent, audience: str = "public", within: np.ndarray | None = None,
             among: Among | None = None) -> Coverage | None:
    """Per-row coverage of the intent's units, or None when the query has no units (no text query); over
    every row, or only the candidate rows: `among`, or those of the mask `within` (what a place left) when
    few enough that the work is best done on them alone. Rows the audience does not see may cover units
    too: the caller keeps only those it sees."""
    if not intent.units:
        return None
    if among is None and within is not None:
        rows = np.flatnonzero(within)
        among = Among(rows, len(within)) if len(rows) * CANDIDATE_SHARE < len(within) else None
    names = name_terms(model)
    n = model.size if among is None else len(among)
    tier = np.zeros(n, dtype=np.int16)
    levels, relatives = [], []
    for unit in intent.units:
        score, words = _words_score(model, unit, audience, among)
        level = (score > 0).view(np.uint8).copy()  # WEAK where its text has the words
        level[_at(among, names.rows_with_all(unit.terms, model.size))] = STRONG
        if unit.named:
            for kind, code in unit.entries:
                level[_at(among, entry_rows(model, kind, code))] = STRONG
            certificates = _certifications_naming(words, unit.entries)
            for code in certificates:  # their text may name the words only through the certificate
                at = _at(among, entry_rows(model, "certification", code))
                at = at[level[at] == WEAK]
                level[at] = 0
                score[at] = 0
        levels.append(level)
        relatives.append(score)
        tier += level.astype(bool)
    return Coverage(intent.units, levels, relatives, tier, model.size, among)


def _at(among: Among | None, rows: np.ndarray) -> np.ndarray:
    """Where the (sorted) rows that are considered are in the coverage arrays."""
    return rows if among is None else positions(among, rows)[0]


def entry_rows(model: ReadModel, kind: str, code: str) -> np.ndarray:
    """The rows having the entry, sorted (from the read model's CSR column of the kind)."""
    csr = model.csr[kind]
    i = csr.index.get(code)
    if i is None:
        return np.zeros(0, dtype=np.int64)
    rows_by_code, code_ptr = csr._inverted
    return rows_by_code[code_ptr[i] : code_ptr[i + 1]]


def _words_score(model: ReadModel, unit: Unit, audience: str, among: Among | None) -> tuple[np.ndarray, set[str]]:
    """Per row, 0..1: BM25 of the unit's words (all of them, for a phrase) relative to the best visible
    row's, and for a named unit the same of the English labels of its entries (쿠버네티스 finds a
    description that says Kubernetes), whichever is higher; and the terms used."""
    best = _relative(model, unit.terms, audience, among)
    words = set(unit.terms)
    done = {tuple(stem(t) for t in unit.terms)}
    for kind, code in unit.entries:
        label_terms = _label_terms(kind, code)
        key = tuple(stem(t) for t in label_terms)
        if label_terms and key not in done:
            done.add(key)
            np.maximum(best, _relative(model, label_terms, audience, among), out=best)
            words.update(label_terms)
    return best, words


def _relative(model: ReadModel, terms: tuple[str, ...], audience: str, among: Among | None) -> np.ndarray:
    """The terms' scores over the best one among the rows the audience sees (unpublished partners
    change no public score). The best is a statistic of the model, like a document frequency: taken
    over every row once, then remembered per model, so a search over a few candidates stays on them."""
    score = _all_terms(model, terms, audience, among)
    top = _best_score(model, terms, audience, score if among is None else None)
    if top > 0:
        score *= np.float32(1.0 / top)
    return score


def _best_score(model: ReadModel, terms: tuple[str, ...], audience: str, dense: np.ndarray | None) -> float:
    cache = model.__dict__.setdefault("_best_scores", {})
    key = (audience, terms)
    top = cache.get(key)
    if top is None:
        score = dense if dense is not None else _all_terms(model, terms, audience, None)
        visible = model.audience(audience)[0]
        top = float(np.max(score, where=visible, initial=0.0)) if len(score) else 0.0
        if len(cache) > 50_000:
            cache.clear()
        cache[key] = top
    return top


@lru_cache(maxsize=1024)
def _label_terms(kind: str, code: str) -> tuple[str, ...]:
    return tuple(fold_terms(vocab.label(kind, code)))


def _all_terms(model: ReadModel, terms: tuple[str, ...], audience: str, among: Among | None) -> np.ndarray:
    """Sum of the terms' scores where every term matches, else 0 (per row, or per row of `among`)."""
    total = None
    for term in terms:
        scores = term_scores(model, term, audience, among)
        if total is None:
            total = scores
        else:
            total = np.where((total > 0) & (scores > 0), total + scores, 0).astype(np.float32)
    return total if total is not None else np.zeros(model.size if among is None else len(among), dtype=np.float32)


def _certifications_naming(words: set[str], entries: tuple[tuple[str, str], ...]) -> list[str]:
    """Certifications (not among `entries`) whose label or code holds one of the words (stemmed)."""
    stems = {stem(w) for w in words}
    own = {code for kind, code in entries if kind == "certification"}
    return [code for code, held in _certification_stems().items() if code not in own and stems & held]


@lru_cache(maxsize=1)
def _certification_stems() -> dict[str, frozenset[str]]:
    return {code: frozenset(stem(t) for t in fold_terms(f"{label} {code}"))
            for code, label in vocab.vocabulary("certification").items()}
