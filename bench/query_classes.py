"""The query classes issue 10 adds to the bench: a first-level region, a postal code, a multi-word intent.

Seeded like bench/queries.py; regions and postal codes are real places around the generator's cities
(a place the gazetteer does not resolve is counted as an error query, as in the other classes).
"""
from __future__ import annotations

import random

from queries import CITIES, BenchQuery

CLASSES = ("region", "postal", "intent")
CLASS_HELP = {
    "region": "near a first-level region (state, Land, province; names and abbreviations): an area search",
    "postal": "near a postal code, bare or with its country",
    "intent": "a multi-word q naming vocabulary entries (services, segments, types, languages) + near a city",
}
REGIONS = (
    "Texas", "TX", "California", "CA, USA", "NY", "Florida", "Bayern", "Bavaria", "Nordrhein-Westfalen",
    "Île-de-France", "Catalonia", "Lombardy", "Ontario", "Québec", "British Columbia", "New South Wales", "Victoria, Australia",
    "Maharashtra", "Karnataka", "Hokkaido", "Gyeonggi-do", "SP, Brazil", "England", "Scotland",
)
POSTAL_CODES = (
    "78701", "10001", "94105", "60601", "02108", "98101", "80331 DE", "10115 DE", "20095 DE", "75002 FR",
    "69001 FR", "EC1A", "M1", "SW1A 1AA", "2000 AU", "3000 AU", "100-0005", "530-0001", "M5V 2T6", "H2Y 1C6",
)
INTENTS = (
    "kubernetes migration", "public sector devsecops", "managed kubernetes", "ci/cd training", "german consulting",
    "msp support", "cloud native implementation", "security audit enterprise", "agile planning training",
    "Kubernetes-Migration", "infrastructure as code", "observability managed services",
)


def build(seed: int, per_class: int) -> list[BenchQuery]:
    rng = random.Random(seed * 7919 + 10)
    queries: list[BenchQuery] = []
    for i in range(per_class):
        queries.append(BenchQuery("region", [("near", REGIONS[i % len(REGIONS)])]))
    for i in range(per_class):
        queries.append(BenchQuery("postal", [("near", POSTAL_CODES[i % len(POSTAL_CODES)]),
                                             ("radius_km", str(rng.choice((25, 50, 100))))]))
    for i in range(per_class):
        queries.append(BenchQuery("intent", [("q", INTENTS[i % len(INTENTS)]), ("near", rng.choice(CITIES)),
                                             ("radius_km", str(rng.choice((100, 300, 500))))], "intent"))
    return queries
