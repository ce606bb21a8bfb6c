"""The core's objects for one configuration, built lazily; used by the web app and the CLI alike."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from locator.config import Config
from locator.db import Database

if TYPE_CHECKING:
    from locator.geocoding import Geocoder
    from locator.search.locator import Locator


class Services:
    def __init__(self, config: Config | None = None, db: Database | None = None):
        self.config = config or Config.from_env()
        self.db = db or Database(self.config.database_url, self.config.spatialite_library)

    @cached_property
    def geocoder(self) -> Geocoder:
        from locator.geocoding import geocoder_for

        return geocoder_for(self.config, self.db)

    @cached_property
    def locator(self) -> Locator:
        from locator.search.locator import Locator

        return Locator(self.config, self.db, self.geocoder)

    def close(self) -> None:
        """Release the store's connections (and whatever the search core holds)."""
        locator = self.__dict__.get("locator")
        if locator is not None and hasattr(locator, "close"):
            locator.close()
        if self.db.engine is not None:
            self.db.engine.dispose()
