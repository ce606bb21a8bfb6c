"""The benchmark's fixed, seeded query mix: six classes of searches as API parameters.

Text terms are picked from the data by document frequency (a common word, a mid-frequency word,
a two-word query, a typo of a mid-frequency word), measured on a sample of the store's names and
descriptions, so the mix follows the data and never the code under test.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlencode

from locator import vocab

CLASSES = ("browse", "text+location", "text", "filters+facets", "country", "remote")
CLASS_HELP = {
    "browse": "near a city, no text, radius 25-300 km, offices only",
    "text+location": "q + near a city, radius 50-500 km, offices only",
    "text": "q only, no location",
    "filters+facets": "near a city (300-1000 km) + 2-3 filters + facets=all",
    "country": "country=XX only (office in or serving it)",
    "remote": "near a city, 100 km, include_remote=1 (countries served, service areas)",
}

# Real places the gazetteer knows (GeoNames), spread over continents; a few in other spellings.
CITIES = (
    "Berlin", "München", "Hamburg", "Paris", "Lyon", "London", "Manchester", "Madrid", "Barcelona",
    "Rome", "Milan", "Amsterdam", "Brussels", "Zurich", "Vienna", "Warsaw", "Prague", "Stockholm",
    "Oslo", "Helsinki", "Dublin", "Lisbon", "Athens", "Istanbul", "Moscow", "Kyiv", "Tel Aviv",
    "Dubai", "Cairo", "Lagos", "Nairobi", "Johannesburg", "Cape Town", "Mumbai", "Bangalore",
    "Delhi", "Singapore", "Bangkok", "Jakarta", "Tokyo", "Osaka", "Seoul", "서울", "Shanghai",
    "Beijing", "Hong Kong", "Sydney", "Melbourne", "Auckland", "Toronto", "Montreal", "Vancouver",
    "New York City", "Boston", "Chicago", "Austin", "San Francisco", "Seattle", "Los Angeles",
    "Mexico City", "Bogotá", "Lima", "Santiago", "Buenos Aires", "São Paulo", "sao paulo",
    "Rio de Janeiro", "Portland, US", "Frankfurt am Main", "Köln",
)
LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh", "ko", "pl", "sv", "ru", "he")
COUNTRIES = ("US", "DE", "GB", "FR", "IN", "JP", "BR", "CA", "AU", "NL", "ES", "IT", "KR", "SE", "PL", "ZA", "MX", "SG", "IL", "CH")
FILTER_KINDS = {
    "language": LANGUAGES,
    "service": tuple(vocab.SERVICES),
    "segment": tuple(vocab.SEGMENTS),
    "type": tuple(vocab.TYPES),
    "certification": tuple(vocab.CERTIFICATIONS),
}
STOPWORDS = frozenset(
    "the and for with from that this our are you your have has was were will their them they its "
    "into over more most also such than then there these those which while what when where who how "
    "all any can not but about across based".split()
)
WORD_RE = re.compile(r"[^\W\d_]{4,}")


@dataclass
class Terms:
    common: str
    mid: tuple[str, ...]
    pair: tuple[str, str]
    typos: tuple[str, ...]
    df: dict[str, float] = field(default_factory=dict)  # document frequency of each picked word

    def texts(self) -> list[tuple[str, str]]:
        """(kind, text) of every text query the mix draws from."""
        return (
            [("common", self.common)]
            + [("mid", w) for w in self.mid]
            + [("two-word", " ".join(self.pair))]
            + [("typo", t) for t in self.typos]
        )


@dataclass
class BenchQuery:
    cls: str
    params: list[tuple[str, str]]
    text_kind: str | None = None

    @property
    def url(self) -> str:
        return "/api/v1/search?" + urlencode(self.params)

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.params if k == name), None)

    def getall(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]


def pick_terms(documents: Iterable[str], seed: int) -> Terms:
    """Words by document frequency over `documents` (name + description of a sample of partners)."""
    df: Counter[str] = Counter()
    n = 0
    for doc in documents:
        n += 1
        df.update({w for w in WORD_RE.findall(doc.lower()) if w not in STOPWORDS})
    if not n:
        raise SystemExit("no partner text to pick query terms from")
    freq = {w: c / n for w, c in df.items()}
    by_freq = sorted(freq, key=lambda w: (-freq[w], w))
    rng = random.Random(seed)
    common = by_freq[0]
    mids = [w for w in by_freq if 0.01 <= freq[w] <= 0.05] or by_freq[len(by_freq) // 4 :][:20]
    mid = tuple(rng.sample(mids, min(3, len(mids))))
    pair_pool = [w for w in by_freq if 0.05 <= freq[w] <= 0.40 and w != common] or by_freq[1:10]
    pair = tuple(rng.sample(pair_pool, 2)) if len(pair_pool) >= 2 else (common, mid[0])
    long_mids = [w for w in mids if len(w) >= 6] or mids
    typos = tuple(_typo(w, rng) for w in rng.sample(long_mids, min(2, len(long_mids))))
    # Typos of service names, as a user types them (the examples).
    typos += ("kubernets", "migraton")
    picked = {common, *mid, *pair}
    return Terms(common, mid, pair, typos, {w: round(freq[w], 4) for w in picked})


def _typo(word: str, rng: random.Random) -> str:
    """Drop one inner letter (kubernetes → kubernets)."""
    i = rng.randrange(2, len(word) - 1)
    return word[:i] + word[i + 1 :]


def build_queries(terms: Terms, seed: int, per_class: int) -> list[BenchQuery]:
    rng = random.Random(seed)
    texts = terms.texts()
    queries: list[BenchQuery] = []
    for i in range(per_class):
        kind, text = texts[i % len(texts)]
        queries += [
            BenchQuery("browse", [("near", rng.choice(CITIES)), ("radius_km", str(rng.choice((25, 50, 100, 300)))), ("include_remote", "0")]),
            BenchQuery(
                "text+location",
                [("q", text), ("near", rng.choice(CITIES)), ("radius_km", str(rng.choice((50, 100, 300, 500)))), ("include_remote", "0")],
                kind,
            ),
            BenchQuery("text", [("q", text)], kind),
            BenchQuery(
                "filters+facets",
                [("near", rng.choice(CITIES)), ("radius_km", str(rng.choice((300, 500, 1000)))), ("include_remote", "0")]
                + _filters(rng)
                + [("facets", "all")],
            ),
            BenchQuery("country", [("country", rng.choice(COUNTRIES))]),
            BenchQuery("remote", [("near", rng.choice(CITIES)), ("radius_km", "100"), ("include_remote", "1")]),
        ]
    queries.sort(key=lambda q: CLASSES.index(q.cls))
    return queries


def _filters(rng: random.Random) -> list[tuple[str, str]]:
    kinds = rng.sample(sorted(FILTER_KINDS), rng.choice((2, 3)))
    params: list[tuple[str, str]] = []
    for kind in sorted(kinds):
        values = rng.sample(FILTER_KINDS[kind], rng.choice((1, 1, 2)))
        params += [(kind, v) for v in values]
    if rng.random() < 0.3:
        params.append(("track", "select"))
    return params
