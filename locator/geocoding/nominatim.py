"""The online backend: the gazetteer first, then Nominatim through geopy, its answers (misses too) kept
in the store's GeocodeCache table. The only network code of the project."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from locator.gazetteer import Gazetteer, split_parts
from locator.geocoding.location import Location
from locator.geocoding.offline import OfflineGeocoder
from locator.models import GeocodeCache

if TYPE_CHECKING:
    from locator.config import Config
    from locator.db import Database

log = logging.getLogger(__name__)
MISS = "miss"  # GeocodeCache.source of a remembered miss


class NominatimGeocoder(OfflineGeocoder):
    def __init__(self, config: "Config", db: "Database | None" = None):
        super().__init__(config)
        self.db = db
        self._online = None
        self._online_lock = threading.Lock()

    def geocode(self, text: str, country: str | None = None, *, context: str | None = None,
                remember: bool = True, address: bool = False) -> Location | None:
        """`remember=False` reads the cache but never writes it (an import's dry run)."""
        text = (text or "").strip()
        found = super().geocode(text, country, context=context, address=address)
        if found is not None or not text:
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
                return Location(row.lat, row.lon, row.label or "", "cache", row.country, "point")
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
        return Location(place.latitude, place.longitude, _label(place, address, self.gazetteer, code), "nominatim", code, "point",
                        region=self.gazetteer.region_of(place.latitude, place.longitude, code)), True

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
