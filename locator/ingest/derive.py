"""What importers derive from sources that lack the locator's fields: languages (from a text's
script or a country's official languages), segments from an employee range, plain text from HTML,
the street part of a free-text address."""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from locator import vocab
from locator.addresses import Places, split_address
from locator.ingest.report import ImportReport

# Script (first word of the Unicode character name) → languages written in it, most likely first.
SCRIPT_LANGUAGES = {
    "HANGUL": ("ko",),
    "HEBREW": ("he", "yi"),
    "CYRILLIC": ("ru", "uk", "bg", "sr", "be", "mk", "kk"),
    "HIRAGANA": ("ja",),
    "KATAKANA": ("ja",),
    "CJK": ("zh", "ja"),
    "ARABIC": ("ar", "fa", "ur"),
    "GREEK": ("el",),
    "THAI": ("th",),
    "DEVANAGARI": ("hi", "mr", "ne"),
    "GEORGIAN": ("ka",),
    "ARMENIAN": ("hy",),
}
ENGLISH_WORDS = frozenset(
    "the and of to in for with we our is are a an that this on by as from at be it its or you your "
    "their has have more all not".split()
)
TAG_RE = re.compile(r"<[^>]+>")
WORD_RE = re.compile(r"[^\W\d_]+")


def strip_html(text: str) -> str:
    """Drop tags (e.g. <p class="text-right">), keep their text, unescape entities."""
    return html.unescape(TAG_RE.sub("", text))


@lru_cache(maxsize=512)
def official_languages(country: str) -> tuple[str, ...]:
    """ISO 639-1 official (de facto too) languages of a country, per CLDR via babel."""
    from babel.languages import get_official_languages

    known = vocab.languages()
    codes = (code.split("_")[0] for code in get_official_languages(country, de_facto=True))
    return tuple(dict.fromkeys(code for code in codes if code in known))


def dominant_script(text: str) -> str | None:
    """The script of most letters in the text (LATIN, HANGUL, CJK, ...), or None without letters."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def is_english(paragraph: str) -> bool:
    words = WORD_RE.findall(paragraph.lower())
    if len(words) < 5:
        return True  # too short to tell; count it as English rather than invent a language
    return sum(w in ENGLISH_WORDS for w in words) / len(words) >= 0.08


def text_languages(text: str, countries: list[str]) -> tuple[list[str], list[str]]:
    """Languages of a text's paragraphs and how each was found: by script, or (Latin script, not
    English) as the first non-English official language of the given countries."""
    found: list[str] = []
    how: list[str] = []
    candidates = [lang for c in countries for lang in official_languages(c) if lang != "en"]
    for paragraph in (p.strip() for p in text.splitlines()):
        script = dominant_script(paragraph)
        if script is None:
            continue
        if script == "LATIN":
            if is_english(paragraph):
                language, reason = "en", "English text"
            elif candidates:
                language, reason = candidates[0], "non-English Latin text, the office country's official language"
            else:
                continue
        elif script in SCRIPT_LANGUAGES:
            options = SCRIPT_LANGUAGES[script]
            if script == "CJK" and any(dominant_script(c) in ("HIRAGANA", "KATAKANA") for c in paragraph):
                options = ("ja",)
            language = next((lang for lang in options if lang in candidates), options[0])
            reason = f"{script.lower()} script"
        else:
            continue
        if language not in found:
            found.append(language)
            how.append(reason)
    return found, how


def street_of_office(office: dict, places: Places | None, report: ImportReport) -> None:
    """Reduce a (geocoded) office's free-text address to its street part; a region it names moves to
    `region`. 'Rockville/MD, USA' becomes no address, region MD (city and country are in their fields)."""
    street, region = split_address(office, places)
    if street == office.get("address"):
        return
    office["address"] = street
    if region:
        office["region"] = region
    report.derive("office address: the parts naming its city, region or country left to those fields")


def segments_for_employees(minimum: int | None, maximum: int | None) -> list[str]:
    """Customer segments a company of this size typically serves (none when the size is unknown)."""
    if maximum is None and minimum is None:
        return []
    size = maximum if maximum is not None else minimum
    if size <= 50:
        return ["smb", "mid-market"]
    if size <= 1000:
        return ["mid-market", "enterprise"]
    return ["enterprise", "public-sector"]


SEGMENT_RULE = "segments from employee count: ≤50 smb+mid-market, ≤1000 mid-market+enterprise, more enterprise+public-sector"
