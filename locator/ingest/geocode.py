"""Geocoding offices at import: each distinct address once, results written into the office dict."""
from __future__ import annotations

from typing import Any, Callable, Protocol

from locator.ingest.report import ImportReport
from locator.untrusted import control_character, quote

KEY_FIELDS = ("address", "city", "region", "postal_code", "country")


class GeocoderLike(Protocol):
    def geocode_office(self, office: dict) -> Any: ...  # Location | None (locator.search.results)


class OfficeGeocoder:
    def __init__(self, geocoder: GeocoderLike | Callable[[], GeocoderLike] | None, report: ImportReport):
        self._geocoder = geocoder  # or a factory, called the first time an office needs it
        self.report = report
        self.cache: dict[tuple, Any] = {}
        self.tried: set[tuple] = set()

    @property
    def geocoder(self) -> GeocoderLike | None:
        if callable(self._geocoder) and not hasattr(self._geocoder, "geocode_office"):
            self._geocoder = self._geocoder()
        return self._geocoder

    def locate(self, office: dict[str, Any], row: int | None, partner_id: str | None, path: str) -> bool:
        """Fill lat/lon (and a missing country) of an office without coordinates; warn when it fails."""
        if office.get("lat") is not None and office.get("lon") is not None:
            return False
        attempt = (row, tuple(office.get(k) for k in KEY_FIELDS))
        if attempt in self.tried:  # a reader geocoded first; the importer's pass must not warn twice
            return False
        self.tried.add(attempt)
        if not any(office.get(k) for k in KEY_FIELDS):
            self.report.warning(row, partner_id, path, "office has no address to place on the map")
            return False
        if any(isinstance(v, str) and control_character(v) for v in attempt[1]):
            return False  # validation refuses the record; a geocoder (and its cache in the store) never sees it
        if self.geocoder is None:
            self.report.warning(row, partner_id, path, "no geocoder configured; office kept without coordinates")
            return False
        key = tuple(office.get(k) for k in KEY_FIELDS)
        if key not in self.cache:
            self.cache[key] = self.geocoder.geocode_office({k: office.get(k) for k in KEY_FIELDS})
        location = self.cache[key]
        if location is None:
            text = ", ".join(str(v) for v in key if v)
            self.report.warning(row, partner_id, path, f"could not geocode {quote(text, 120)}; office kept without coordinates")
            return False
        office["lat"], office["lon"] = float(location.lat), float(location.lon)
        office["geocode_source"] = location.source
        if not office.get("country") and location.country:
            office["country"] = location.country
            self.report.derive("office country from the geocoded place")
        if not office.get("city") and location.kind == "city" and location.label:
            office["city"] = location.label.split(",")[0].strip()
            self.report.derive("office city from the geocoded place (its English name)")
        self.report.offices_geocoded += 1
        return True

    def locate_all(self, records: list[tuple[int, dict[str, Any]]]) -> None:
        for row, record in records:
            for i, office in enumerate(record.get("offices") or []):
                self.locate(office, row, record.get("id"), f"offices[{i}]")
