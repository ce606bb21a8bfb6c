"""The offline backend: the GeoNames gazetteer shipped with the code; no network, no store."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from locator.gazetteer import Gazetteer, get_gazetteer
from locator.geocoding.location import Location

if TYPE_CHECKING:
    from locator.config import Config


class OfflineGeocoder:
    def __init__(self, config: "Config"):
        self.config = config

    @property
    def gazetteer(self) -> Gazetteer:
        return get_gazetteer(self.config.gazetteer_min_population)

    def geocode(self, text: str, country: str | None = None, *, context: str | None = None,
                remember: bool = True, address: bool = False) -> Location | None:
        """`remember` is for backends with a cache; the gazetteer keeps nothing."""
        text = (text or "").strip()
        return self.gazetteer.lookup(text, country, context=context, address=address) if text else None

    def geocode_office(self, office: dict[str, Any], *, remember: bool = True) -> Location | None:
        """The most specific of: the whole address, postal code + country, city + region + country, country."""
        country = office.get("country") or None
        whole = ", ".join(str(office[f]) for f in ("address", "city", "region", "postal_code") if office.get(f))
        candidates = [
            whole if office.get("address") else None,
            f"{office['postal_code']}, {country}" if office.get("postal_code") and country else None,
            ", ".join(str(office[f]) for f in ("city", "region") if office.get(f)) if office.get("city") else None,
        ]
        for text in candidates:
            if text and (found := self.geocode(text, country, remember=remember, address=True)) is not None:
                return found
        return self.gazetteer.country_centre(self.gazetteer.country_code(country) or "") if country else None

    def suggest(self, prefix: str, limit: int = 10) -> list[Location]:
        return self.gazetteer.suggest(prefix, limit)

    def similar(self, text: str, limit: int = 5) -> list[str]:
        return self.gazetteer.similar(text, limit)
