"""Place text -> Location: the offline gazetteer first, then (if switched on) Nominatim through geopy,
its answers (misses too) kept in the GeocodeCache table. The only network code of the project."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from locator.gazetteer import Gazetteer, fold, get_gazetteer, split_parts
from locator.models import GeocodeCache
from locator.search.results import Location

if TYPE_CHECKING:
    from locator.config import Config
    from locator.db import Database

__all__ = ["Gazetteer", "Geocoder", "get_gazetteer", "fold"]

log = logging.getLogger(__name__)
MISS = "miss"  # GeocodeCache.source of a remembered miss


class Geocoder:
    def __init__(self, config: "Config", db: "Database | None" = None):
        self.config = config
        self.db = db
        self._online = None
        self._online_lock = threading.Lock()

    @property
    def gazetteer(self) -> Gazetteer:
        return get_gazetteer(self.config.gazetteer_min_population)

    def geocode(self, text: str, country: str | None = None, *, remember: bool = True) -> Location | None:
        """`remember=False` reads the cache but never writes it (an import's dry run)."""
        text = (text or "").strip()
        if not text:
            return None
        found = self.gazetteer.lookup(text, country)
        if found is not None or self.config.geocoder != "nominatim":
            return found
        code = self.gazetteer.country_code(country) if country else None
        key = f"{code or ''}|{', '.join(split_parts(text))}"[:300]
        cached = self._cached(key)
        if cached is not None:
            return cached or None  # False: a remembered miss
        found, ok = self._nominatim(text, code)
        if ok and remember:
            self._remember(key, found)
        return found

    def geocode_office(self, office: dict, *, remember: bool = True) -> Location | None:
        """The most specific of: the whole address, postal code + country, city + region + country, country."""
        country = office.get("country") or None
        whole = ", ".join(str(office[f]) for f in ("address", "city", "region", "postal_code") if office.get(f))
        candidates = [
            whole if office.get("address") else None,
            f"{office['postal_code']}, {country}" if office.get("postal_code") and country else None,
            ", ".join(str(office[f]) for f in ("city", "region") if office.get(f)) if office.get("city") else None,
        ]
        for text in candidates:
            if text and (found := self.geocode(text, country, remember=remember)) is not None:
                return found
        return self.gazetteer.country_centre(self.gazetteer.country_code(country) or "") if country else None

    def suggest(self, prefix: str, limit: int = 10) -> list[Location]:
        return self.gazetteer.suggest(prefix, limit)

    def similar(self, text: str, limit: int = 5) -> list[str]:
        return self.gazetteer.similar(text, limit)

    # ---- Nominatim and its cache ------------------------------------------------------------------

    def _cached(self, key: str) -> Location | bool | None:
        """The cached Location, False for a cached miss, None when not cached."""
        if self.db is None or self.db.sessionmaker is None:
            return None
        try:
            with self.db.session() as session:
                row = session.get(GeocodeCache, key)
                if row is None:
                    return None
                if row.lat is None or row.lon is None:
                    return False
                return Location(row.lat, row.lon, row.label or "", "cache", row.country, "address")
        except SQLAlchemyError as exc:
            log.warning("geocode cache unavailable: %s", exc)
            return None

    def _remember(self, key: str, found: Location | None) -> None:
        if self.db is None or self.db.sessionmaker is None:
            return
        row = GeocodeCache(
            query=key,
            lat=found.lat if found else None,
            lon=found.lon if found else None,
            label=(found.label[:300] if found else None),
            country=found.country if found else None,
            source=found.source if found else MISS,
        )
        try:
            with self.db.session() as session:
                session.add(row)
        except IntegrityError:
            pass  # another worker cached the same query first
        except SQLAlchemyError as exc:
            log.warning("geocode cache not written: %s", exc)

    def _nominatim(self, text: str, country: str | None) -> tuple[Location | None, bool]:
        """(result, answered): answered is False when the service failed, so nothing is cached."""
        from geopy.exc import GeopyError

        try:
            place = self._online_geocode()(
                text, exactly_one=True, addressdetails=True, country_codes=country.lower() if country else None
            )
        except GeopyError as exc:
            log.warning("nominatim failed for %r: %s", text, exc)
            return None, False
        if place is None:
            return None, True
        address = place.raw.get("address") or {}
        code = (address.get("country_code") or country or "").upper() or None
        return Location(place.latitude, place.longitude, _label(place, address, self.gazetteer, code), "nominatim", code, "address"), True

    def _online_geocode(self):
        with self._online_lock:
            if self._online is None:
                from geopy.extra.rate_limiter import RateLimiter
                from geopy.geocoders import Nominatim

                url = urlsplit(self.config.nominatim_url)
                client = Nominatim(
                    user_agent=self.config.geocoder_user_agent,
                    scheme=url.scheme or "https",
                    domain=(url.netloc + url.path.rstrip("/")) or "nominatim.openstreetmap.org",
                    timeout=5,
                )
                self._online = RateLimiter(
                    client.geocode,
                    min_delay_seconds=self.config.geocoder_min_delay_s,
                    max_retries=0,
                    swallow_exceptions=False,
                )
            return self._online


def _label(place, address: dict, gazetteer: Gazetteer, code: str | None) -> str:
    """'Town, Country' from Nominatim's address details, else its display name."""
    town = next(
        (address[k] for k in ("city", "town", "village", "municipality", "hamlet", "suburb", "county", "state") if address.get(k)),
        None,
    )
    centre = gazetteer.country_centre(code) if code else None
    country = centre.label if centre else address.get("country")
    if town and country:
        return f"{town}, {country}"
    return place.address
