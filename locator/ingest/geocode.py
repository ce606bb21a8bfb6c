"""Geocoding offices at import: each distinct address once, results written into the office dict."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from locator.ingest.regions import office_region
from locator.ingest.report import ImportReport
from locator.untrusted import quote

if TYPE_CHECKING:
    from locator.gazetteer import Gazetteer
    from locator.geocoding import Geocoder

KEY_FIELDS = ("address", "city", "region", "postal_code", "country")


class OfficeGeocoder:
    """Places validated offices without coordinates; `remember=False` (a dry run) leaves the geocode cache as it is."""

    def __init__(self, geocoder: "Geocoder | Callable[[], Geocoder] | None", report: ImportReport,
                 *, remember: bool = True):
        self._geocoder = geocoder  # or a factory, called the first time an office needs it
        self.report = report
        self.remember = remember
        self.cache: dict[tuple, Any] = {}

    @property
    def geocoder(self) -> "Geocoder | None":
        if callable(self._geocoder) and not hasattr(self._geocoder, "geocode_office"):
            self._geocoder = self._geocoder()
        return self._geocoder

    @property
    def places(self) -> "Gazetteer | None":
        """The offline gazetteer (regions of points), when a geocoder is configured."""
        return getattr(self.geocoder, "gazetteer", None)

    def locate(self, office: dict[str, Any], row: int | None, partner_id: str | None, path: str) -> bool:
        """Fill lat/lon (and a missing country or city) of an office without coordinates, warning when that
        fails, and the region code of every office placed. Returns whether it geocoded the office."""
        if office.get("lat") is not None and office.get("lon") is not None:
            if not office.get("region_code"):
                office["region_code"] = office_region(office, self.places)
            return False
        key = tuple(office.get(k) for k in KEY_FIELDS)
        if not any(key):
            self.report.warning(row, partner_id, path, "office has no address to place on the map")
            return False
        if self.geocoder is None:
            self.report.warning(row, partner_id, path, "no geocoder configured; office kept without coordinates")
            return False
        if key not in self.cache:
            self.cache[key] = self.geocoder.geocode_office(dict(zip(KEY_FIELDS, key)), remember=self.remember)
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
        office["region_code"] = office_region(office, self.places, location)
        self.report.offices_geocoded += 1
        return True
