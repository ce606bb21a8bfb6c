"""Postal codes of about 100 countries, offline: a sorted numpy array of codes per country (binary search).

US ZIP codes come from `zipcodes`, the others from `countrystatecity-postal-codes` (see
fixtures/README.md). Where a code has no coordinates, its locality is resolved through the gazetteer
at build time ("80331 München" → Munich); a code whose locality is not known takes the mean of the
resolved codes sharing its longest prefix (neighbouring codes are neighbouring places in every scheme
in the data); a code neither way is left out. UK data are postcode areas ("SW"): an outward code
("SW1A") or a full postcode resolves to its area's centre.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

# (lat, lon, town name) of a locality, or None: the gazetteer's answer for (locality, country, region).
Resolver = Callable[[str, str, "str | None"], "tuple[float, float, str] | None"]

_GB_OUTWARD = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?)$")
_GB_LETTER_DISTRICTS = {"E", "N", "W", "EC", "NW", "SE", "SW", "WC"}  # the only areas with "W1A"-like districts
_JP_CUTS = ("市", "区", "郡", "町", "村")


def key(text: str) -> str:
    """Compare form of a postal code: upper case, no spaces or hyphens."""
    return re.sub(r"[\s\-‐‑–—]+", "", text.upper())


def looks_like_code(token: str) -> bool:
    """A token a postal code could be: 2 to 10 letters and digits with at least one digit."""
    return 2 <= len(token) <= 10 and token.isalnum() and token.isascii() and any(c.isdigit() for c in token)


@dataclass
class PostalTable:
    keys: np.ndarray  # sorted codes in key() form, bytes
    lat: np.ndarray
    lon: np.ndarray
    label: np.ndarray  # index into PostalCodes.labels
    region: np.ndarray  # index into PostalCodes.regions (0: none)

    def find(self, code: str) -> int | None:
        raw = code.encode()
        i = int(np.searchsorted(self.keys, raw))
        return i if i < len(self.keys) and self.keys[i] == raw else None


@dataclass
class PostalCodes:
    tables: dict[str, PostalTable] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    regions: list[str | None] = field(default_factory=lambda: [None])
    lengths: dict[str, tuple[int, int]] = field(default_factory=dict)  # shortest, longest key per country
    formats: dict[str, list[str]] = field(default_factory=dict)  # "###-####": how a country writes its codes

    def shown(self, k: str, country: str) -> str:
        """A code in key() form as the country writes it ("1000001" → "100-0001")."""
        for fmt in self.formats.get(country, ()):
            slots = [ch for ch in fmt if ch in "#@"]
            if len(slots) == len(k) and all((ch == "#") == c.isdigit() for ch, c in zip(slots, k)):
                chars = iter(k)
                return "".join(next(chars) if ch in "#@" else ch for ch in fmt)
        return k

    def candidates(self, code: str, country: str) -> list[tuple[str, str]]:
        """(key to look up, code as shown) for a typed code in a country: the code itself, then what
        the country's scheme reduces it to (ZIP+4 → ZIP, Canadian code → FSA, UK postcode → area)."""
        k = key(code)
        out = [(k, k)]
        if country == "US" and len(k) == 9 and k.isdigit():
            out.append((k[:5], k[:5]))
        elif country == "CA" and len(k) == 6:
            out.append((k[:3], k[:3]))
        elif country == "NL" and len(k) == 6:
            out.append((k[:4], k[:4]))
        elif country == "GB":
            outward = k[:-3] if len(k) >= 5 and k[-3].isdigit() and k[-2:].isalpha() else k
            m = _GB_OUTWARD.match(outward)
            if m and (m.group(2)[-1].isdigit() or m.group(1) in _GB_LETTER_DISTRICTS):
                out = [(m.group(1), outward)]
            else:
                out = []
        return out

    def lookup(self, code: str, country: str) -> tuple[int, str] | None:
        """(row in the country's table, code as shown) or None."""
        table = self.tables.get(country)
        if table is None:
            return None
        for k, shown in self.candidates(code, country):
            lo, hi = self.lengths[country]
            if lo <= len(k) <= hi and (row := table.find(k)) is not None:
                return row, self.shown(shown, country)
        return None

    def row(self, country: str, i: int) -> tuple[float, float, str, str | None]:
        """(lat, lon, town, region code) of a table row."""
        t = self.tables[country]
        return float(t.lat[i]), float(t.lon[i]), self.labels[int(t.label[i])], self.regions[int(t.region[i])]


def _csc_dir() -> Path:
    import countrystatecity_postal_codes

    return Path(countrystatecity_postal_codes.__file__).parent / "data" / "by-country"


def _locality_names(locality: str, country: str) -> list[str]:
    """The names to try for a locality: itself, then (Japanese) its city or ward part, then before a '('."""
    names = [locality]
    if country == "JP":
        for cut in _JP_CUTS:
            if cut in locality:
                names.append(locality[: locality.index(cut) + 1])
                names.append(locality[: locality.index(cut)])
    if "(" in locality:
        names.append(locality.split("(")[0])
    return [n.strip() for n in names if n.strip()]


def build_postal(resolve: Resolver, top_region: dict[str, str]) -> PostalCodes:
    """Every country's table; `top_region` maps any ISO 3166-2 code to its first-level region."""
    import zipcodes

    codes = PostalCodes()
    label_ids: dict[str, int] = {}
    region_ids: dict[str | None, int] = {None: 0}

    def label_id(text: str) -> int:
        if text not in label_ids:
            label_ids[text] = len(codes.labels)
            codes.labels.append(text)
        return label_ids[text]

    def region_id(code: str | None) -> int:
        code = top_region.get(code or "")
        if code not in region_ids:
            region_ids[code] = len(codes.regions)
            codes.regions.append(code)
        return region_ids[code]

    rows_by_country: dict[str, list[tuple[str, float | None, float | None, str, str | None]]] = {}
    rows_by_country["US"] = [
        (z["zip_code"], float(z["lat"]), float(z["long"]), z["city"].title() if z["city"].isupper() else z["city"], f"US-{z['state']}")
        for z in zipcodes.list_all() if z.get("lat") and z.get("long")
    ]
    for spec in json.loads((_csc_dir().parent / "countries.json").read_text(encoding="utf-8")):
        codes.formats[spec["countryCode"]] = [f for f in (spec.get("postalCodeFormat") or "").split("|") if f]
    for country_dir in sorted(_csc_dir().iterdir()):
        cc = country_dir.name
        path = country_dir / "postcodes.json"
        if cc == "US" or not path.exists():
            continue
        rows = rows_by_country.setdefault(cc, [])
        for r in json.loads(path.read_text(encoding="utf-8")):
            town = (r.get("localityName") or "").strip()
            rows.append((key(r["code"]), r.get("latitude"), r.get("longitude"), town,
                         f"{cc}-{r['stateCode']}" if r.get("stateCode") else None))
    for cc, rows in rows_by_country.items():
        table = _resolve_country(cc, rows, resolve, top_region)
        if not table:
            continue
        table.sort(key=lambda r: r[0])
        keys = np.array([r[0].encode() for r in table])
        codes.tables[cc] = PostalTable(
            keys=keys,
            lat=np.array([r[1] for r in table], dtype=np.float32),
            lon=np.array([r[2] for r in table], dtype=np.float32),
            label=np.array([label_id(r[3]) for r in table], dtype=np.int32),
            region=np.array([region_id(r[4]) for r in table], dtype=np.int16),
        )
        codes.lengths[cc] = (min(len(r[0]) for r in table), max(len(r[0]) for r in table))
    return codes


def _resolve_country(cc: str, rows, resolve: Resolver, top_region: dict[str, str]):
    """Rows with coordinates: given, from the locality through the gazetteer, or from neighbouring codes."""
    done: dict[str, tuple[str, float, float, str, str | None]] = {}
    pending = []
    memo: dict[tuple[str, str | None], tuple[float, float, str] | None] = {}
    places: dict[tuple[str, str | None], tuple[float, float, str] | None] = {}  # per locality as written
    for code, lat, lon, town, region in rows:
        if code in done:
            continue
        region = top_region.get(region or "", None)
        if lat is not None and lon is not None:
            done[code] = (code, float(lat), float(lon), _display(town), region)
            continue
        if (town, region) not in places:
            found = None
            for name in _locality_names(town, cc) if town else ():
                if (name, region) not in memo:
                    memo[(name, region)] = resolve(name, cc, region)
                if (found := memo[(name, region)]) is not None:
                    break
            places[(town, region)] = found
        found = places[(town, region)]
        if found is not None:
            done[code] = (code, found[0], found[1], found[2], region)
        else:
            pending.append((code, town, region))
    if pending and done:
        sums: dict[str, list[float]] = {}
        for code, lat, lon, _, _ in done.values():
            for n in range(2, len(code)):
                acc = sums.setdefault(code[:n], [0.0, 0.0, 0])
                acc[0] += lat
                acc[1] += lon
                acc[2] += 1
        for code, town, region in pending:
            for n in range(len(code) - 1, 1, -1):
                if (acc := sums.get(code[:n])) is not None:
                    done[code] = (code, acc[0] / acc[2], acc[1] / acc[2], _display(town) or code, region)
                    break
    return list(done.values())


def _display(town: str) -> str:
    """A locality as shown: "BOURG EN BRESSE" → "Bourg En Bresse"; "Downtown Toronto (CN Tower / ...)" →
    "Downtown Toronto"; the data's "NULL" placeholders dropped."""
    town = ", ".join(p for p in (part.strip() for part in town.split(" (")[0].split(",")) if p and p != "NULL")
    return town.title() if town.isupper() else town
