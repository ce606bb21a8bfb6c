"""Text analysis shared by the index, the read model and queries: Whoosh's tokenizer and filters,
accent folding, CJK/Hangul character bigrams, then a cached Porter stem for the recall field.

User text only ever goes through `fold_terms`; it is never parsed as Whoosh query syntax.
"""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

# Scripts written without spaces (Han, kana) and Hangul (particles glued to words): character bigrams.
_BIGRAM_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_BIGRAM_RUN = re.compile(f"([{_BIGRAM_CHARS}]+)")
_HAS_BIGRAM = re.compile(f"[{_BIGRAM_CHARS}]")


class BigramFilter(Filter):
    """Splits runs of CJK or Hangul characters into overlapping bigrams (a lone character stays)."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not _HAS_BIGRAM.search(text):
                yield token
                continue
            for piece in _BIGRAM_RUN.split(text):
                if not piece:
                    continue
                if _HAS_BIGRAM.match(piece):
                    grams = [piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)]
                    for gram in grams:
                        token.text = gram
                        yield token
                else:
                    token.text = piece
                    yield token


def fold_analyzer():
    """Words (any script), lower-cased, accent-folded, CJK bigrams, English stop words removed."""
    return (
        RegexTokenizer(r"\w+")
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | BigramFilter()
        | StopFilter(minsize=1)
    )


_WORD = re.compile(r"\w+")
_STOP = frozenset(STOP_WORDS)


@lru_cache(maxsize=500_000)
def _fold_word(word: str) -> tuple[str, ...]:
    """One tokenizer word through the rest of fold_analyzer's chain (cached: vocabularies repeat)."""
    text = word.lower().translate(accent_map)
    if not _HAS_BIGRAM.search(text):
        return () if text in _STOP or not text else (text,)
    out = []
    for piece in _BIGRAM_RUN.split(text):
        if not piece:
            continue
        if _HAS_BIGRAM.match(piece):
            out.extend([piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)])
        elif piece not in _STOP:
            out.append(piece)
    return tuple(out)


def fold_terms(text: str) -> list[str]:
    """The unstemmed, accent-folded terms of a text (the fuzzy field's terms): the same terms as
    fold_analyzer() yields (a test checks), computed per distinct word for indexing speed."""
    if not text:
        return []
    return [term for word in _WORD.findall(text) for term in _fold_word(word)]


@lru_cache(maxsize=200_000)
def stem(term: str) -> str:
    return porter_stem(term) if term.isascii() else term


def fold_text(text: str) -> str:
    """A label folded the same way as terms, for prefix matching (suggest)."""
    return " ".join(fold_terms(text)) if text else ""
