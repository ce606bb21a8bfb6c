"""Compare forms of place names: folding (case, accents, punctuation, scripts kept) and comma parts."""
from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ħ": "h"})
_SEPARATORS = re.compile(r"[-‐‑‒–—―'’‘`´ʻʼ.()\[\]\"“”«»·_]+")
_PART_SPLIT = re.compile(r"[,/;|、，\n]+")
_SPACES = re.compile(r"\s+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


# Combining marks right after a Latin or Greek letter (in NFD); other scripts keep their marks.
_LATIN_GREEK_MARKS = re.compile(
    "(?<=[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u1f00-\u1fff])"
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]+"
)


def fold(text: str) -> str:
    """Compare form of a name: NFKC, casefolded, Latin/Greek accents and punctuation removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFD", text.translate(_LETTERS))
        text = unicodedata.normalize("NFC", _LATIN_GREEK_MARKS.sub("", text))
    return _SPACES.sub(" ", _SEPARATORS.sub(" ", text)).strip()


def split_parts(text: str) -> list[str]:
    """Folded comma parts of a free-text place; '/', full-width and ideographic commas separate too."""
    text = unicodedata.normalize("NFKC", text or "")
    return [p for p in (fold(part) for part in _PART_SPLIT.split(text)) if p]


def name_keys(name: str) -> set[str]:
    keys = {fold(name)}
    lowered = name.casefold()
    if not lowered.isascii() and ("ä" in lowered or "ö" in lowered or "ü" in lowered):
        keys.add(fold(lowered.translate(_UMLAUTS)))  # German transliteration: München -> Muenchen
    keys.discard("")
    return keys
