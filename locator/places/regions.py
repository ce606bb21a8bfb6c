"""First-level regions (ISO 3166-2 subdivisions without a parent): names, centres, bounds.

Built once from packaged data (see fixtures/README.md): pycountry gives the ISO codes, the hierarchy
and the local names ("Bayern"); countrystatecity-countries gives English names ("Bavaria"), native
names in other scripts ("東京"), a centre per subdivision and 150,000 towns with their subdivision,
from which each region's bounding box is taken.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

# Regions whose bare abbreviation means them without a country ("TX", "ON", "NSW").
BARE_CODE_COUNTRIES = ("US", "CA", "AU")
_BRACKET = re.compile(r"^(.*?)\s*\[(.*?)\]\s*$")
_TRAILING_CODE = re.compile(r"\s+[A-Z]{2}-[A-Z0-9]{1,3}$")
# Generic words after a region's proper name, dropped for a shorter name people also use ("Gyeonggi-do" →
# "Gyeonggi", "Guangdong Sheng" → "Guangdong", "Gyeonggi Province" → "Gyeonggi").
_GENERIC_SUFFIX = re.compile(
    r"[\s-](do|gwangyeoksi|teukbyeolsi|teukbyeoljachido|teukbyeoljachisi|sheng|zizhiqu|province|prefecture)$",
    re.IGNORECASE)


_JP_SUFFIX = {"JP-01": "道", "JP-13": "都", "JP-26": "府", "JP-27": "府"}  # every other prefecture is a 県


@dataclass(frozen=True)
class Region:
    code: str  # ISO 3166-2 ("US-TX")
    country: str
    name: str  # English ("Bavaria")
    local: str  # the ISO/local name ("Bayern")
    type: str  # "State", "Land", "Province", ...
    lat: float
    lon: float
    bbox: tuple[float, float, float, float]  # west, south, east, north
    names: tuple[str, ...]  # every name it is known by (English, local, native, other spellings)


def csc_data_dir() -> Path:
    import countrystatecity_countries

    return Path(countrystatecity_countries.__file__).parent / "data" / "by-country"


def iso_names(name: str) -> list[str]:
    """The names inside one pycountry subdivision name: 'Wales [Cymru GB-CYM]' → Wales, Cymru;
    'wallonne, Région' → 'Région wallonne'."""
    out = []
    m = _BRACKET.match(name)
    if m:
        name = m.group(1)
        out.append(_TRAILING_CODE.sub("", m.group(2)).strip())
    if ", " in name:
        head, _, tail = name.partition(", ")
        out.append(f"{tail} {head}".strip())
    else:
        out.append(name)
    return [n for n in out if n]


def _is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


def top_ancestors() -> tuple[dict[str, str], dict[str, object]]:
    """({any ISO 3166-2 code: its first-level ancestor}, {first-level code: pycountry subdivision})."""
    import pycountry

    subs = {s.code: s for s in pycountry.subdivisions}
    top: dict[str, str] = {}
    for code in subs:
        seen, current = set(), code
        while subs[current].parent_code and current not in seen:
            seen.add(current)
            parent = subs[current].parent_code
            parent = parent if "-" in parent else f"{subs[current].country_code}-{parent}"
            if parent not in subs:
                break
            current = parent
        top[code] = current
    firsts = {code: subs[code] for code in set(top.values())}
    return top, firsts


def build_regions() -> tuple[dict[str, Region], list[tuple[str, float, float, str]]]:
    """(regions by ISO code, csc towns as (country, lat, lon, region code)) for every country."""
    top, firsts = top_ancestors()
    base = csc_data_dir()
    states: dict[str, dict] = {}
    towns: list[tuple[str, float, float, str]] = []
    for country_dir in sorted(base.iterdir()):
        path = country_dir / "states.json"
        if not path.exists():
            continue
        cc = country_dir.name
        by_state_code: dict[str, str] = {}
        for state in json.loads(path.read_text(encoding="utf-8")):
            iso = state.get("iso3166_2") or f"{cc}-{state.get('state_code')}"
            states[iso] = state
            by_state_code[str(state.get("state_code"))] = iso
        for cities in (country_dir / "states").glob("*/cities.json"):
            for city in json.loads(cities.read_text(encoding="utf-8")):
                region = top.get(by_state_code.get(str(city.get("state_code")), ""))
                if region and city.get("latitude") and city.get("longitude"):
                    towns.append((sys.intern(cc), float(city["latitude"]), float(city["longitude"]), sys.intern(region)))
    points: dict[str, list[tuple[float, float]]] = {}
    for cc, lat, lon, region in towns:
        points.setdefault(region, []).append((lat, lon))
    regions: dict[str, Region] = {}
    for code, sub in firsts.items():
        state = states.get(code) or {}
        pts = points.get(code, [])
        if state.get("latitude") and state.get("longitude"):
            lat, lon = float(state["latitude"]), float(state["longitude"])
        elif pts:
            lat, lon = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        else:
            continue  # no location known: not a place the gazetteer can offer
        local_names = iso_names(sub.name)
        english = state.get("name") or local_names[0]
        names = [english, *local_names]
        names += [short for n in names if (short := _GENERIC_SUFFIX.sub("", n)) != n and len(short) > 2]
        native = state.get("native") or ""
        if native and not _is_latin(native):
            names.append(native)
            if sub.country_code == "JP" and native[-1] not in "都道府県":  # 大阪 → 大阪府, 東京 → 東京都
                names.append(native + _JP_SUFFIX.get(code, "県"))
        regions[code] = Region(
            code=code, country=sub.country_code, name=english, local=local_names[0], type=sub.type,
            lat=lat, lon=lon, bbox=bounds([*pts, (lat, lon)]), names=tuple(dict.fromkeys(names)),
        )
    return regions, towns


def bounds(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of points; across the antimeridian when that is narrower (west > east)."""
    lats = [p[0] for p in points]
    lons = sorted(p[1] for p in points)
    west, east = lons[0], lons[-1]
    gaps = [(lons[i + 1] - lons[i], i) for i in range(len(lons) - 1)]
    if gaps:
        gap, i = max(gaps)
        if gap > 360 - (east - west):  # the widest empty stretch is inside: wrap around it
            west, east = lons[i + 1], lons[i]
    return (round(west, 4), round(min(lats), 4), round(east, 4), round(max(lats), 4))
