"""Office addresses: the street part of a free-text address, and the lines an office card shows.

An address line holds only what the office's city, region, postal code and country do not already say:
"Rockville/MD, USA" of an office in Rockville, US has no street part (its "MD" is the region), and
"פתח תקווה, ישראל" of an office in Petaẖ Tiqva, IL has none either. Importers store the street part
(`split_address`); pages and JSON-LD show it (`street_address`, `address_lines`), so data imported
before this rule still reads right.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping, Protocol

from locator import vocab
from locator.gazetteer import fold

# The separators of a free-text address ("Rockville/MD, USA", "上海，中国"); kept when a part stays.
SEPARATORS = re.compile(r"(\s*[,/;|、，\n]+\s*)")


class Places(Protocol):
    """What the offline gazetteer offers for telling a place's names apart from a street."""

    def country_code(self, text: str) -> str | None: ...
    def lookup(self, text: str, country: str | None = None) -> Any: ...  # Location | None


@lru_cache(maxsize=256)
def _regions(country: str) -> frozenset[str]:
    """Folded codes ('md') and names ('maryland') of a country's first-level subdivisions (ISO 3166-2)."""
    import pycountry

    keys: set[str] = set()
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        if getattr(sub, "parent_code", None):
            continue
        keys.add(fold(sub.code.split("-", 1)[1]))
        keys.add(fold(sub.name))
    keys.discard("")
    return frozenset(keys)


def _same_place(a: str, b: str, country: str | None, places: Places) -> bool:
    """Whether two names (say 'פתח תקווה' and 'Petaẖ Tiqva') are the gazetteer's same town."""
    first, second = places.lookup(a, country), places.lookup(b, country)
    return (first is not None and second is not None and first.kind == second.kind == "city"
            and (round(first.lat, 4), round(first.lon, 4)) == (round(second.lat, 4), round(second.lon, 4)))


def _role(part: str, office: Mapping[str, Any], places: Places | None) -> str | None:
    """What an address part names of the office ('city', 'region', 'country', 'postal'), or None."""
    key = fold(part)
    postal = fold(str(office.get("postal_code") or ""))
    if postal and postal in key.split():
        key = " ".join(t for t in key.split() if t != postal)  # "10117 Berlin": the postal code is said
        if not key:
            return "postal"
    city, region = fold(str(office.get("city") or "")), fold(str(office.get("region") or ""))
    country = str(office.get("country") or "").upper()
    if city and key == city:
        return "city"
    if region and key == region:
        return "region"
    if country:
        if key in (country.casefold(), fold(vocab.label("country", country))):
            return "country"
        if places is not None and places.country_code(part) == country:
            return "country"
        if key in _regions(country):
            return "region"
    if city and places is not None and _same_place(part, str(office["city"]), country or None, places):
        return "city"
    return None


def split_address(office: Mapping[str, Any], places: Places | None = None) -> tuple[str | None, str | None]:
    """(street part, region named in the address) of the office's free-text address.

    Parts that name the office's city (in any script the gazetteer knows), region, postal code or
    country are dropped; the kept parts keep their own separators ('Unit 3/45 Smith St')."""
    address = str(office.get("address") or "").strip()
    if not address:
        return None, None
    pieces = SEPARATORS.split(address)
    parts, separators = pieces[0::2], [""] + pieces[1::2]
    kept: list[str] = []
    region: str | None = None
    for part, separator in zip(parts, separators):
        part = part.strip()
        if not part:
            continue
        role = _role(part, office, places)
        if role == "region" and region is None and not office.get("region"):
            region = part
        if role is None:
            kept.append((separator if kept else "") + part)
    return ("".join(kept) or None), region


def street_address(office: Mapping[str, Any], places: Places | None = None) -> str | None:
    """The office's street address without what its city, region, postal code and country say."""
    return split_address(office, places)[0]


def locality(office: Mapping[str, Any]) -> str | None:
    """'10117 Berlin', 'Rockville, MD': postal code and city, then the region."""
    town = " ".join(str(v) for v in (office.get("postal_code"), office.get("city")) if v)
    return ", ".join(v for v in (town, str(office.get("region") or "")) if v) or None


def address_lines(office: Mapping[str, Any], places: Places | None = None) -> list[str]:
    """The lines of an office's address on a card: street, locality, country (each said once)."""
    country = office.get("country")
    street, region = split_address(office, places)  # a region only the address names is still said
    lines = [street, locality({**office, "region": office.get("region") or region}),
             vocab.label("country", country) if country else None]
    return [line for line in lines if line]
