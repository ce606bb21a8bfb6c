"""A generated stream of public searches for the demo (`locator insights seed`): real searches run through the
locator over the store's partners, spread over the last weeks, with profile views falling off by position.
Places: where partners are (most searches) and big cities anywhere (where the gaps show)."""
from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import select

from locator.errors import LocatorError
from locator.insights.recorder import ProfileSeen, SearchSeen, new_search_id, search_seen, write
from locator.models import Office, Partner
from locator.search.query import SearchQuery

WORLD_CITIES = ("Berlin", "Munich", "Hamburg", "London", "Manchester", "Paris", "Lyon", "Madrid", "Barcelona", "Rome",
                "Milan", "Amsterdam", "Brussels", "Zurich", "Vienna", "Warsaw", "Prague", "Stockholm", "Oslo",
                "Helsinki", "Copenhagen", "Dublin", "Lisbon", "Athens", "Istanbul", "New York", "Chicago", "Austin",
                "Dallas", "Houston", "Denver", "Seattle", "San Francisco", "Los Angeles", "Boston", "Atlanta", "Miami",
                "Toronto", "Montreal", "Vancouver", "Mexico City", "São Paulo", "Buenos Aires", "Bogotá", "Lima",
                "Santiago", "Tokyo", "Osaka", "Seoul", "Singapore", "Sydney", "Melbourne", "Auckland", "Mumbai",
                "Bangalore", "Delhi", "Dubai", "Tel Aviv", "Cairo", "Lagos", "Nairobi", "Johannesburg", "Cape Town",
                "Jakarta", "Manila", "Bangkok", "Ho Chi Minh City", "Kuala Lumpur", "Anchorage", "Reykjavik")
TEXTS = ("", "", "", "", "kubernetes", "gitlab", "migration", "devsecops", "terraform", "ci/cd pipeline",
         "managed kubernetes", "gitlab premium licence", "openshift", "aws", "azure devops", "training",
         "security audit", "observability", "sap devops", "mainframe cobol", "quantum computing consultancy",
         "kubernets", "gitlba", "helm charts", "argo cd", "platform engineering", "ai ml ops")
SERVICES = ("kubernetes", "migration", "training", "ci-cd", "devsecops", "managed-services", "consulting",
            "cloud-native", "support", "implementation", "security-audit", "observability", "infrastructure-as-code")
LANGUAGES = ("de", "en", "fr", "es", "ja", "pt", "it", "nl", "ko", "zh", "pl", "sv")
SEGMENTS = ("smb", "mid-market", "enterprise", "public-sector")
DAYS = 28
VIEW_RATE = (0.32, 0.18, 0.12, 0.09, 0.07, 0.05, 0.04, 0.035, 0.03, 0.025)  # by position; then 0.015


def office_cities(session: Any, limit: int = 400) -> list[str]:
    """"City, CC" of published partners' offices (the supply side)."""
    rows = session.execute(select(Office.city, Office.country).join(Partner, Partner.id == Office.partner_id)
                           .where(Partner.published.is_(True), Office.city.is_not(None)).limit(limit * 5))
    return sorted({f"{city}, {cc}" for city, cc in rows if city and cc})[:limit]


def params(rng: random.Random, local: list[str]) -> dict[str, Any]:
    p: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.55 and local:
        p["near"] = rng.choice(local)
    elif roll < 0.9:
        p["near"] = rng.choice(WORLD_CITIES)
    text = rng.choice(TEXTS)
    if text:
        p["q"] = text
    if rng.random() < 0.45:
        p["service"] = rng.sample(SERVICES, 1 + (rng.random() < 0.2))
    if rng.random() < 0.3:
        p["language"] = [rng.choice(LANGUAGES)]
    if rng.random() < 0.12:
        p["segment"] = [rng.choice(SEGMENTS)]
    return p


def seed(services: Any, searches: int, seed_value: int = 1, now: float | None = None) -> dict[str, int]:
    """Run `searches` generated searches through the locator and record them (and the views they led to) as
    if they came over the last DAYS days; a count of what was written."""
    rng = random.Random(seed_value)
    now = time.time() if now is None else now
    with services.db.session() as session:
        local = office_cities(session)
    places = services.geocoder.gazetteer
    batch: list[SearchSeen | ProfileSeen] = []
    counts = {"searches": 0, "views": 0, "refused": 0}
    for _ in range(searches):
        try:
            query = SearchQuery.from_params(params(rng, local), services.config)
            results = services.locator.search(query)
        except LocatorError:
            counts["refused"] += 1
            continue
        at = now - rng.random() ** 1.3 * DAYS * 86400  # more recent searches a little more often (growth)
        sid = new_search_id()
        event = search_seen(query, results, rng.choice(("page", "page", "api", "embed")), sid)
        batch.append(SearchSeen(**{**event.__dict__, "at": at}))
        counts["searches"] += 1
        for pos, ref in event.shown:
            rate = VIEW_RATE[pos - 1] if pos <= len(VIEW_RATE) else 0.015
            if rng.random() < rate:
                batch.append(ProfileSeen(at + rng.uniform(5, 300), ref, sid, pos))
                counts["views"] += 1
        if len(batch) >= 1000:
            write(services.db, batch, places)
            batch = []
    if batch:
        write(services.db, batch, places)
    return counts
