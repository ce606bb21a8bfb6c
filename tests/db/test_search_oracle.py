"""The search against a brute-force oracle: seeded partners, random queries, on both backends.

The oracle knows nothing of the read model: geographiclib geodesics over every office (a plain
great-circle bound only skips offices thousands of km outside the radius), box tests for service
areas and Python set logic for the filters."""
from __future__ import annotations

import math
import random
from dataclasses import replace
from functools import lru_cache

import pytest
from geographiclib.geodesic import Geodesic

from locator.config import Config
from locator.search.filters import FILTERS
from locator.search.query import SearchQuery
from locator.services import Services
from locator.store import apply_partner
from tests.factories import partner_data

SEED = 20240611
PARTNERS = 1500
QUERIES = 250
CITIES = [  # name for the geocoder, lat, lon, country
    ("Berlin", 52.52, 13.405, "DE"), ("Munich", 48.137, 11.575, "DE"), ("Paris", 48.857, 2.352, "FR"),
    ("Lyon", 45.764, 4.836, "FR"), ("Madrid", 40.417, -3.704, "ES"), ("Warsaw", 52.23, 21.012, "PL"),
    ("Vienna", 48.208, 16.373, "AT"), ("Zurich", 47.377, 8.541, "CH"), ("Amsterdam", 52.373, 4.893, "NL"),
    ("Seoul", 37.566, 126.978, "KR"), ("Toronto", 43.651, -79.347, "CA"), ("Sydney", -33.869, 151.209, "AU"),
]
LANGS, SERVICES = ["de", "fr", "en", "es", "pl", "ko", "nl"], ["implementation", "migration", "training", "kubernetes", "support"]
SEGMENTS, TYPES = ["smb", "mid-market", "enterprise", "public-sector"], ["reseller-var", "gsi", "msp", "boutique-si"]
CERTS = ["kcsp", "ktp", "aws-partner", "iso-27001"]
INDUSTRIES = ["finance", "healthcare", "retail", "public"]
COUNTRIES = sorted({c[3] for c in CITIES})


def seeded_partners() -> list[dict]:
    rnd = random.Random(SEED)
    industries = random.Random(SEED + 2)  # (its own stream: the other draws stay as they were)
    records = []
    for n in range(PARTNERS):
        offices = []
        for k in range(rnd.choice([1, 1, 1, 2, 3])):
            _, lat, lon, country = rnd.choice(CITIES)
            spread = rnd.choice([0.05, 0.5, 2.0])
            offices.append({"label": f"O{k}", "city": "Somewhere", "country": country,
                            "lat": round(lat + rnd.uniform(-spread, spread), 6),
                            "lon": round(lon + rnd.uniform(-spread, spread), 6)})
        area = None
        if rnd.random() < 0.1:
            o = offices[0]
            h, w = rnd.uniform(0.5, 4), rnd.uniform(0.5, 4)
            box = [o["lon"] - w, o["lat"] - h, o["lon"] + w, o["lat"] + h]
            area = {"type": "Polygon", "coordinates": [[[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]], [box[0], box[1]]]]}
        records.append(partner_data(
            id=f"ORA{n:05d}", name=f"{rnd.choice(['Alpha', 'Beta', 'Gamma', 'Delta'])} {n:05d}",
            track=rnd.choice(["select", "open", "open"]),
            languages=rnd.sample(LANGS, rnd.randint(0, 3)), services=rnd.sample(SERVICES, rnd.randint(0, 3)),
            segments=rnd.sample(SEGMENTS, rnd.randint(0, 2)), types=rnd.sample(TYPES, rnd.randint(1, 2)),
            certifications=rnd.sample(CERTS, rnd.randint(0, 2)),
            industries=industries.sample(INDUSTRIES, industries.randint(0, 2)),
            countries_served=rnd.sample(COUNTRIES, rnd.randint(0, 2)) if rnd.random() < 0.3 else [],
            service_area=area, offices=offices, published=rnd.random() < 0.85,
            description="x" * rnd.randint(0, 400), website=rnd.choice([None, "https://example.com"]),
        ))
    return records


RECORDS = seeded_partners()


def random_queries() -> list[SearchQuery]:
    rnd = random.Random(SEED + 1)
    queries = []
    for _ in range(QUERIES):
        filters = {}
        for name, values in rnd.sample(
            [("language", LANGS), ("service", SERVICES), ("segment", SEGMENTS), ("type", TYPES),
             ("certification", CERTS), ("industry", INDUSTRIES), ("country", COUNTRIES)], rnd.choice([0, 0, 1, 1, 2, 3])
        ):
            filters[name] = tuple(rnd.sample(values, rnd.randint(1, 2)))
        city = rnd.choice(CITIES)
        where = (
            {"near": city[0]} if rnd.random() < 0.5
            else {"lat": city[1] + rnd.uniform(-1, 1), "lon": city[2] + rnd.uniform(-1, 1)}
        )
        queries.append(SearchQuery(
            **where, radius_km=rnd.choice([10.0, 50.0, 100.0, 150.0, 400.0, 1500.0]),
            track=rnd.choice([None, None, "select", "open"]), include_remote=rnd.random() < 0.5,
            sort=rnd.choice(["relevance", "distance", "name", "completeness"]), per_page=10_000,
            audience=rnd.choice(["public", "public", "seller"]), **filters,
        ))
    return queries


@lru_cache(maxsize=None)
def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000.0


def great_circle_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def oracle(query: SearchQuery, lat: float, lon: float, country: str | None) -> dict[str, tuple[bool, float]]:
    """external id → (serves remotely, exact km to the nearest office) of every expected result."""
    expected = {}
    for r in RECORDS:
        if query.audience == "public" and not r["published"]:
            continue
        lists = [f for f in FILTERS if f.repeatable and f.column]  # every list filter: OR within, AND across
        if any(query.values(f.name) and not set(query.values(f.name)) & set(r[f.column]) for f in lists):
            continue
        countries = {o["country"] for o in r["offices"]} | set(r["countries_served"])
        if query.country and not set(query.country) & countries:
            continue
        if query.track and r["track"] != query.track:
            continue
        distances = [
            geodesic_km(lat, lon, o["lat"], o["lon"]) if great_circle_km(lat, lon, o["lat"], o["lon"]) < query.radius_km * 1.1 + 50 else math.inf
            for o in r["offices"]
        ]
        nearest = min(distances)
        if nearest <= query.radius_km:
            expected[r["id"]] = (False, nearest)
        elif query.include_remote and _serves(r, lat, lon, country):
            expected[r["id"]] = (True, nearest)
    return expected


def _serves(record: dict, lat: float, lon: float, country: str | None) -> bool:
    if country and country in record["countries_served"]:
        return True
    area = record["service_area"]
    if area:
        ring = area["coordinates"][0]
        return ring[0][0] <= lon <= ring[1][0] and ring[0][1] <= lat <= ring[2][1]
    return False


@pytest.fixture
def locator(fresh_db, tmp_path):
    with fresh_db.session() as session:
        for record in RECORDS:
            apply_partner(session, record)
    config = Config.from_env({"database_url": fresh_db.engine.url.render_as_string(hide_password=False),
                              "index_dir": str(tmp_path / "index")})
    services = Services(config, fresh_db)
    yield services.locator
    services.locator.close()


def test_search_matches_the_oracle(locator):
    names = {r["id"]: r["name"] for r in RECORDS}
    nonempty = 0
    for n, query in enumerate(random_queries()):
        results = locator.search(query)
        if n % 5 == 0:  # a later page (top-k path) is the same slice of the full order
            paged = locator.search(replace(query, page=2, per_page=7))
            assert [i.id for i in paged.results] == [i.id for i in results.results[7:14]], query
        where = results.location
        expected = oracle(query, where.lat, where.lon, where.country)
        got = {item.id: item for item in results.results}
        assert set(got) == set(expected), (query, set(got) ^ set(expected))
        assert results.total == len(expected)
        nonempty += bool(expected)
        for pid, item in got.items():
            remote, km = expected[pid]
            assert item.serves_remotely == remote, (query, pid)
            if math.isfinite(km):
                assert abs(item.distance_km - km) < 0.001, (query, pid, item.distance_km, km)
                office = item.nearest_office
                assert abs(geodesic_km(where.lat, where.lon, office.lat, office.lon) - km) < 0.001
        items = results.results
        if query.sort == "distance":
            keys = [(i.serves_remotely, i.distance_km if i.distance_km is not None else math.inf) for i in items]
            assert keys == sorted(keys), query
        elif query.sort == "name":
            keys = [(names[i.id].casefold(), i.id) for i in items]
            assert keys == sorted(keys), query
        elif query.sort == "completeness":
            keys = [-i.completeness for i in items]
            assert keys == sorted(keys), query
        else:
            scores = [-i.score for i in items]
            assert scores == sorted(scores), query
    assert nonempty > QUERIES // 2  # the queries exercise real result sets
