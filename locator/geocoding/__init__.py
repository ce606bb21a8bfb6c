"""Place text → Location. `Geocoder` is what the search, the API and the importer use; the backends
(offline: the gazetteer; nominatim: the gazetteer, then Nominatim through geopy with a cache in the store)
implement it, and `geocoder_for` chooses one from the settings, the only place that does."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from locator.errors import SetupError, UnknownPlace
from locator.geocoding.location import Location

if TYPE_CHECKING:
    from locator.config import Config
    from locator.db import Database
    from locator.gazetteer import Gazetteer

__all__ = ["BACKENDS", "Geocoder", "Location", "find_place", "geocoder_for"]

BACKENDS = ("offline", "nominatim")  # the values of the `geocoder` setting


class Geocoder(Protocol):
    @property
    def gazetteer(self) -> "Gazetteer": ...  # the offline place names (addresses, suggestions)

    def geocode(self, text: str, country: str | None = None, *, context: str | None = None,
                remember: bool = True, address: bool = False) -> Location | None:
        """The place `text` names within `country` (a filter), or None. `context` (the visitor's country)
        prefers its reading of an ambiguous name; `address` skips leading street lines.
        `remember=False` reads a backend's cache but never writes it (an import's dry run)."""

    def geocode_office(self, office: dict[str, Any], *, remember: bool = True) -> Location | None:
        """The most specific of: the whole address, postal code + country, city + region + country, country."""

    def suggest(self, prefix: str, limit: int = 10) -> list[Location]: ...

    def similar(self, text: str, limit: int = 5) -> list[str]: ...


def geocoder_for(config: "Config", db: "Database | None" = None) -> Geocoder:
    """The configured backend; `db` holds the online backend's cache (none: no cache)."""
    if config.geocoder == "nominatim":
        from locator.geocoding.nominatim import NominatimGeocoder

        return NominatimGeocoder(config, db)
    if config.geocoder == "offline":
        from locator.geocoding.offline import OfflineGeocoder

        return OfflineGeocoder(config)
    raise SetupError(f"LOCATOR_GEOCODER must be one of {', '.join(BACKENDS)}, not {config.geocoder!r}")


def find_place(geocoder: Geocoder, text: str, field: str = "near", context: str | None = None) -> Location:
    """The place named by `text` (read in the `context` country first, e.g. the visitor's: "London" in Canada),
    or an UnknownPlace (400) naming `field`, with the nearest known names."""
    location = geocoder.geocode(text, context=context)
    if location is None:
        places = geocoder.gazetteer
        understood = places.understood_country(text)
        where = {"country": understood} if understood else {}
        raise UnknownPlace(f"unknown place {text!r}" + (f" in {places.country_name(understood)}" if understood else ""),
                           field=field, suggestions=list(geocoder.similar(text, limit=5)), **where)
    return location
