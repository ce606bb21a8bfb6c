"""What a free-text query asks for: the vocabulary entries its words name (services, segments, types,
languages, industries, certifications, in English, in the translations of locator/vocab_i18n.yml or by
a synonym) and the words left over, each a unit of the query that a partner covers or not.

`understand("Kubernetes-Migration deutsch")` → units [service kubernetes, service migration, language de].
Phrases match on folded, stemmed terms (analysis.fold_terms + stem), longest first, so
"managed service provider" is the type msp and "managed services" the service. CJK and Hangul text is
matched as character bigrams: in a word that names an entry, the bigrams left over (particles such as
Korean 를, or the junction of two glued names) are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from locator import vocab
from locator.search.analysis import _BIGRAM_CHARS, fold_terms, stem

MAX_PHRASE = 16  # terms in the longest name matched (a long CJK name is many bigrams)
# Words that only say what is searched for ("a German-speaking partner"): dropped unless nothing else is left.
FILLERS = frozenset({"partner", "partners", "partnership", "company", "companies", "firm", "firms", "vendor",
                     "vendors", "speaking", "speaker", "speakers", "spoken", "language", "languages", "near",
                     "nearby", "looking", "need", "want", "find", "please", "expert", "experts", "specialist",
                     "specialists"})
_WORD = re.compile(r"\w+")
_BIGRAM = re.compile(f"[{_BIGRAM_CHARS}]")
_SEPARATORS = "-/_,;+&.·:"


@dataclass(frozen=True)
class Unit:
    """One part of the query: the entries it names (none: free words), the folded terms typed, its span."""

    text: str  # as typed
    terms: tuple[str, ...]  # folded terms (unstemmed), matched against the text postings
    entries: tuple[tuple[str, str], ...] = ()  # (kind, code): a partner with any of them has it
    start: int = 0
    end: int = 0

    @property
    def named(self) -> bool:
        return bool(self.entries)


@dataclass(frozen=True)
class Intent:
    q: str
    units: tuple[Unit, ...] = ()
    dropped: tuple[str, ...] = field(default=())  # filler words left out

    @property
    def understood(self) -> dict[str, list[str]]:
        """kind → the codes the query named, in vocabulary order of kinds (the API's query.understood)."""
        found: dict[str, list[str]] = {}
        for unit in self.units:
            for kind, code in unit.entries:
                codes = found.setdefault(kind, [])
                if code not in codes:
                    codes.append(code)
        return {kind: found[kind] for kind in vocab.NAMED_KINDS if kind in found}

    def without(self, unit: Unit) -> str:
        """The query without the words of `unit` (the link of its chip)."""
        return cut(self.q, unit.start, unit.end)


def cut(q: str, start: int, end: int) -> str:
    """q with [start, end) removed, and the separators left dangling by the cut ("Kubernetes-Migration"
    without Kubernetes is "Migration")."""
    left, right = q[:start].rstrip(), q[end:].lstrip()
    if not left:
        right = right.lstrip(_SEPARATORS + " ")
    elif not right:
        left = left.rstrip(_SEPARATORS + " ")
    elif right[0] in _SEPARATORS and left[-1] in _SEPARATORS:  # keep one of the two: "a, b, c" → "a, c"
        right = right.lstrip(_SEPARATORS + " ")
    elif left[-1] in _SEPARATORS or right[0] in _SEPARATORS:  # "Kubernetes-Migration"-style joins
        left, right = left.rstrip(_SEPARATORS + " "), right.lstrip(_SEPARATORS + " ")
    return " ".join(" ".join([left, right]).split())


@lru_cache(maxsize=1)
def phrases() -> dict[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Stemmed folded terms of every entry name → the entries it names (vocab.entry_names)."""
    table: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for name, entries in vocab.entry_names():
        key = tuple(stem(t) for t in fold_terms(name))
        if key and len(key) <= MAX_PHRASE:
            table.setdefault(key, set()).update(entries)
    return {key: tuple(sorted(entries)) for key, entries in table.items()}


@lru_cache(maxsize=4096)
def understand(q: str) -> Intent:
    """The query's units: entries named (longest name first) and the free words left, one unit per word."""
    table = phrases()
    terms: list[str] = []
    word_of: list[int] = []
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(q or ""):
        for term in fold_terms(m.group()):
            terms.append(term)
            word_of.append(len(spans))
        spans.append(m.span())
    stems = [stem(t) for t in terms]
    units: list[Unit] = []
    named_words: set[int] = set()
    leftover: dict[int, list[str]] = {}
    i = 0
    while i < len(terms):
        for length in range(min(MAX_PHRASE, len(terms) - i), 0, -1):
            entries = table.get(tuple(stems[i : i + length]))
            if entries:
                first, last = word_of[i], word_of[i + length - 1]
                start, end = spans[first][0], spans[last][1]
                units.append(Unit(q[start:end], tuple(terms[i : i + length]), entries, start, end))
                named_words.update(range(first, last + 1))
                i += length
                break
        else:
            leftover.setdefault(word_of[i], []).append(terms[i])
            i += 1
    free: list[Unit] = []
    for word, word_terms in leftover.items():
        if word in named_words:  # what a name glued to a CJK word leaves: particles, junctions
            word_terms = [t for t in word_terms if not _BIGRAM.search(t)]
            if not word_terms:
                continue
        start, end = spans[word]
        free.append(Unit(q[start:end], tuple(word_terms), (), start, end))
    fillers = [u for u in free if u.text.casefold() in FILLERS]
    if fillers and (units or len(fillers) < len(free)):
        free = [u for u in free if u not in fillers]
    else:
        fillers = []
    ordered = sorted([*units, *free], key=lambda u: u.start)
    return Intent(q, tuple(_merge(ordered)), tuple(u.text for u in fillers))


def _merge(units: list[Unit]) -> list[Unit]:
    """Units naming the same entries once (“k8s kubernetes” is one unit)."""
    seen: dict[tuple[tuple[str, str], ...], int] = {}
    out: list[Unit] = []
    for unit in units:
        if unit.named and unit.entries in seen:
            continue
        if unit.named:
            seen[unit.entries] = len(out)
        out.append(unit)
    return out


def chips(q: str) -> list[tuple[str, str]]:
    """(label, the query without it) for each unit naming entries: the page's removable chips. The
    label is the entry's (“Kubernetes” for k8s or 쿠버네티스), or the words as typed when they name
    several entries (“systems integrator”)."""
    intent = understand(q)
    out = []
    for unit in intent.units:
        if unit.named:
            labels = list(dict.fromkeys(vocab.label(kind, code) for kind, code in unit.entries))
            out.append((labels[0] if len(labels) == 1 else unit.text, intent.without(unit)))
    return out
