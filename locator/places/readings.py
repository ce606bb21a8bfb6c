"""How a place text is read: its parts, the country and region they name, the places each part can be,
ranked. Mixed into the Gazetteer, whose tables it reads."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from locator.geocoding.location import Location
from locator.geodesy import haversine_km, lat_band_deg
from locator.places.text import fold, split_parts

CITY_STATE_MAX_KM2 = 5000  # a country this small named alone means its city (Singapore, Luxembourg)
MAX_TEXT = 200  # longer place texts name nothing
LOOKUP_MEMO_SIZE = 20000  # lookups remembered (searches repeat the places people type; a Location never changes)
MAX_ALTERNATIVES = 4  # other readings of an ambiguous name that travel with the answer
ALTERNATIVE_SHARE = 0.01  # ... each at least this share of the best reading's weight
ALTERNATIVE_MIN_WEIGHT = 20000  # ... and of a town this big
AREA_WEIGHT = 2.0  # a country or region counts this much more than a town of its population
SAME_NAME_REGION_WEIGHT = 0.1  # a region named like a town inside it ("New York", "Berlin"): the town first
NAMESAKE_TOWN_POPULATION = 50000  # ... a town this big by its own name (Zürich, Bremen, Luzern)
NAMESAKE_ALIAS_POPULATION = 1000000  # ... or this big by an alternate name: New York City, not Oklahoma City
NAMESAKE_SHARE = 0.1  # ... and (its weight) this share of the region's people
BARE_CODE_WEIGHT = 0.3  # "CA" alone: Canada before California (unless the visitor is in the US)
ALTERNATE_NAME_WEIGHT = 0.5  # a town matched by an alternate name counts half ("Bayern" the town, not the Land)
MAX_NAMESAKES = 20  # towns of one name considered
SHORT_NAME_POPULATION = 100000  # a town known by a short alternate name ("NYC", "SF") only when this big
CONTEXT_SHARE = 0.05  # the visitor's country's reading wins when at least this share of the best ...
CONTEXT_POPULATION = 200000  # ... or this big ("London" from Canada: London, Ontario)
OTHER_FORMAT_WEIGHT = 0.2  # a postal code as its country writes it before one that needs its separator
POSTAL_TOWN_KM = 10.0  # a bare postal code of several countries: the one nearest a big town first


@dataclass(frozen=True)
class Reading:
    """One interpretation of a place text: the Location and how likely it is (bigger: likelier)."""
    score: float
    location: Location


class Readings:
    """The reading half of the Gazetteer (lookup, readings, understood_country and their helpers)."""

    def lookup(self, text: str, country: str | None = None, *, context: str | None = None,
               address: bool = False) -> Location | None:
        """The place `text` names, or None. `country` limits it to that country; `context` (the visitor's
        country) prefers that country's reading of an ambiguous name. The other readings are the
        Location's `alternatives`. With `address`, leading parts that name nothing (street lines) are
        skipped; otherwise only parts with a digit (a house number) are, so `Foo, USA` is None."""
        key = (text, country, context, address)
        memo = self._lookup_memo
        if key in memo:
            return memo[key]
        found = self._lookup(text, country, context, address)
        if len(memo) >= LOOKUP_MEMO_SIZE:
            memo.clear()
        memo[key] = found
        return found

    def _lookup(self, text: str, country: str | None, context: str | None, address: bool) -> Location | None:
        readings = self.readings(text, country, context=context, address=address)
        if not readings:
            return None
        best = readings[0]
        others = tuple(r.location for r in readings[1:]
                       if r.score >= best.score * ALTERNATIVE_SHARE and r.score >= ALTERNATIVE_MIN_WEIGHT
                       and r.location.label != best.location.label)[:MAX_ALTERNATIVES]  # not Seoul the city and the region
        return replace(best.location, alternatives=others) if others else best.location

    def readings(self, text: str, country: str | None = None, *, context: str | None = None,
                 address: bool = False) -> list[Reading]:
        """Every interpretation of `text`, likeliest first (distinct labels)."""
        if not text or len(text) > MAX_TEXT:
            return []
        parts = split_parts(text)
        if not parts:
            return []
        given = self._normalise_country(country)
        prefer = self._normalise_country(context) if context else None
        for start, place in enumerate(parts):
            found: list[Reading] = []
            for cc, region in self._constraints(parts[start + 1:], given, address):
                found += self._place_readings(place, cc, region, single=len(parts) == 1)
            if start and not address:  # past a street line only a town or a postal code: not "99999, Germany"
                found = [r for r in found if r.location.kind in ("city", "postal_code")]
            if found:
                return _rank(found, prefer)
            if not (address or any(ch.isdigit() for ch in place)):
                break
        return []

    def understood_country(self, text: str) -> str | None:
        """The country a place text names besides its place ("Foo, USA" → US; "Foo, Texas" → US)."""
        parts = split_parts(text or "")
        if len(parts) < 2:
            return None
        pairs = [cc for cc, _ in self._constraints(parts[1:], None, False) if cc]
        return pairs[0] if pairs else None

    def _normalise_country(self, country: str | None) -> str | None:
        if not country:
            return None
        return self.country_code(country) or None

    def _constraints(self, qualifiers: list[str], given: str | None, address: bool) -> list[tuple[str | None, str | None]]:
        """(country, region) pairs the parts after a place can mean: "TX" → (US, US-TX); "Ontario, Canada"
        → (CA, CA-ON); "Georgia" → (GE, None) and (US, US-GA). Empty when a part means nothing (unless
        reading an address, whose extra parts are skipped)."""
        combos: list[tuple[str | None, str | None]] = [(given, None)]
        for part in reversed(qualifiers):
            options: list[tuple[str | None, str | None]] = []
            for cc, region in combos:
                if region is None and cc is None and (code := self._countries.get(part)):
                    options.append((code, None))
                elif region is None and cc is not None and self._countries.get(part) == cc:
                    options.append((cc, None))
                if region is None:
                    for code in self._region_readings(part, cc, bare=True, anywhere=True):
                        options.append((self._regions[code][0], code))
            if not options:
                if address:
                    continue
                return []
            combos = list(dict.fromkeys(options))
        return combos

    def _region_readings(self, part: str, cc: str | None, bare: bool, anywhere: bool = False) -> list[str]:
        """Region codes a part names: a region name, its code within a known country, (for US, CA and AU)
        a bare abbreviation, or with `anywhere` (a part after a place: "São Paulo, SP") any country's code."""
        codes = [c for c in self._region_names.get(part, ()) if cc is None or self._regions[c][0] == cc]
        if cc is not None and (code := self._region_codes.get((cc, part))):
            codes.append(code)
        elif cc is None and bare:
            codes += self._bare_region_codes.get(part, ())
            if anywhere:
                codes += self._suffix_codes.get(part, ())
        return list(dict.fromkeys(codes))

    def _place_readings(self, place: str, cc: str | None, region: str | None, single: bool) -> list[Reading]:
        postal = self._postal_readings(place, cc, region)
        if postal:
            return postal
        found: list[Reading] = []
        if region is None and cc is not None and self._countries.get(place) == cc and self._is_own_name(place, cc):
            if (loc := self.country_centre(cc)) is not None:  # "Barbados" in Barbados
                found.append(Reading(self._country_pop.get(cc, 0) * AREA_WEIGHT, loc))
        if region is None and cc is None and (code := self._countries.get(place)):
            if self._country_area.get(code, 0) > CITY_STATE_MAX_KM2 or not self._best_cities(place, code, None):
                if (loc := self.country_centre(code)) is not None:
                    found.append(Reading(self._country_pop.get(code, 0) * AREA_WEIGHT, loc))
        cities = self._best_cities(place, cc, region)
        if region is None:
            named = set(self._region_names.get(place, ()))
            if found and not self._is_own_name(place, found[0].location.country):  # "Scotland": GB-SCT, not GB
                if any(self._regions[c][0] == found[0].location.country for c in named):
                    found = []
            coded = [c for c in self._region_readings(place, cc, bare=single) if c not in named]
            if coded:  # "LA", "NY": a state's code, not a town's nickname
                cities = [(score, i) for score, i in cities if fold(self._city_name[i]) == place]
            for code in self._region_readings(place, cc, bare=single):
                weight = SAME_NAME_REGION_WEIGHT if self._holds_namesake(code, cities, place) else AREA_WEIGHT
                weight *= 1.0 if code in named or cc is not None else BARE_CODE_WEIGHT
                found.append(Reading(self._regions[code][6] * weight, self.region(code)))
        found += [Reading(score, self._city_location(i)) for score, i in cities]
        return found

    def _is_own_name(self, key: str, code: str | None) -> bool:
        """Whether `key` is a country's own English name ("mexico"), not an alias ("scotland")."""
        return bool(code) and fold(self._country_label.get(code, "")) == key

    def _holds_namesake(self, code: str, cities: list[tuple[float, int]], place: str) -> bool:
        """Whether a big town named `place` lies in the region
        ("Zürich", "Berlin"; "New York" by an alternate name of a much bigger town; not "Oklahoma")."""
        west, south, east, north = self._regions[code][5]
        share = self._regions[code][6] * NAMESAKE_SHARE
        return any(score >= share and self._cc[i] == self._regions[code][0]
                   and self._pop[i] >= (NAMESAKE_TOWN_POPULATION if fold(self._city_name[i]) == place else NAMESAKE_ALIAS_POPULATION)
                   and (self._city_region[i] == code or (south <= self._lat[i] <= north and west <= self._lon[i] <= east))
                   for score, i in cities)

    def _best_cities(self, place: str, cc: str | None, region: str | None) -> list[tuple[float, int]]:
        """(score, id) of the towns named `place` in the country and region given, biggest first."""
        ids = self._names.get(place)
        if ids is None:
            bare = " ".join(t for t in place.split() if not any(ch.isdigit() for ch in t))
            ids = self._names.get(bare) if bare and bare != place else None  # "berlin 10115" of no known code
            place = bare
        if ids is None:
            return []
        ids = (ids,) if isinstance(ids, int) else ids
        matching = [i for i in ids if cc is None or self._cc[i] == cc]
        if region:
            inside = [i for i in matching if self._city_region[i] == region]
            if not inside:  # a town whose region is not known: inside the region's bounds
                west, south, east, north = self._regions[region][5]
                inside = [i for i in matching if self._city_region[i] is None
                          and south <= self._lat[i] <= north and west <= self._lon[i] <= east]
            matching = inside
        found = []
        for i in matching[:MAX_NAMESAKES]:
            main = fold(self._city_name[i]) == place
            if main or len(place) > 3 or self._pop[i] >= SHORT_NAME_POPULATION:  # "IDF": not Idiofa's airport code
                found.append((self._pop[i] * (1.0 if main else ALTERNATE_NAME_WEIGHT), i))
        return found

    def _postal_readings(self, place: str, cc: str | None, region: str | None) -> list[Reading]:
        """A postal code, alone or with a town or a country word: "78701", "80331 de", "10115 berlin",
        "sw1a 1aa", "100 0001" (folding made the hyphen a space). Every country that has the code, the
        country named or given only; a town word must name the code's town or a town of its country."""
        from locator.places.postal import looks_like_code

        tokens = place.split()
        codes = [t for t in tokens if looks_like_code(t)]
        if not codes or len(tokens) > 5:
            return []
        words = [t for t in tokens if t not in codes]
        if words and cc is None and (code := self._countries.get(words[-1])) and len(words) == 1:
            cc, words = code, []
        town = " ".join(words)
        joined = "".join(codes)
        countries = [cc] if cc else list(self._postal.tables)
        found: list[Reading] = []
        for guess in dict.fromkeys([joined, codes[0]]):
            for country in countries:
                hit = self._postal.lookup(guess, country)
                if hit is None:
                    continue
                row, shown = hit
                lat, lon, name, code_region = self._postal.row(country, row)
                if region and code_region and code_region != region:
                    continue
                if town and fold(name) != town and not self._best_cities(town, country, None):
                    continue
                score = self._town_weight(lat, lon) + self._country_pop.get(country, 0) / 1000
                typed_parts = len(codes) if guess == joined else 1
                if typed_parts != len([p for p in re.split(r"[^0-9A-Za-z]+", shown) if p]):
                    score *= OTHER_FORMAT_WEIGHT  # "02108" is Boston's code as written, Warsaw's only without its hyphen
                found.append(Reading(score, self._postal_location(country, shown, lat, lon, name, code_region)))
            if found:
                break
        return found

    def _town_weight(self, lat: float, lon: float) -> float:
        """How likely a postal code is meant: the population of the biggest town within POSTAL_TOWN_KM."""
        import numpy as np

        lats = np.frombuffer(self._lat, dtype=np.float64)
        lo, hi = np.searchsorted(self._lat_sorted, [lat - lat_band_deg(POSTAL_TOWN_KM), lat + lat_band_deg(POSTAL_TOWN_KM)])
        ids = self._lat_order[lo:hi]
        if ids.size == 0:
            return 0.0
        km = haversine_km(lat, lon, lats[ids], np.frombuffer(self._lon, dtype=np.float64)[ids])
        near = ids[km <= POSTAL_TOWN_KM]
        return float(np.frombuffer(self._pop, dtype=np.int64)[near].max()) if near.size else 0.0

    def _postal_location(self, cc: str, code: str, lat: float, lon: float, town: str, region: str | None) -> Location:
        state = f"{region.split('-', 1)[1]}, " if cc == "US" and region else ""
        label = f"{code} {town}, {state}{self._country_label.get(cc, cc)}" if town else f"{code}, {self._country_label.get(cc, cc)}"
        return Location(round(lat, 5), round(lon, 5), label, "postal", cc, "postal_code", region=region)


def ids_of(value: int | tuple[int, ...]) -> tuple[int, ...]:
    """The town ids of a name (stored as one int when there is one), biggest first."""
    return (value,) if isinstance(value, int) else value


def _rank(found: list[Reading], prefer: str | None) -> list[Reading]:
    """Likeliest first; the visitor's country first when its reading is a real contender."""
    found = sorted(found, key=lambda r: -r.score)
    if prefer and found and found[0].location.country != prefer:
        top = found[0].score
        for r in found:
            if r.location.country == prefer and (r.score >= top * CONTEXT_SHARE or r.score >= CONTEXT_POPULATION):
                found.remove(r)
                found.insert(0, r)
                break
    out: dict[tuple[str, str], Reading] = {}
    for r in found:
        out.setdefault((r.location.kind, r.location.label), r)
    return list(out.values())
