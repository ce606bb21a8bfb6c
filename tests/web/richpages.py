"""The page-test store plus GitLab's 2016 resellers (imported as `locator import` does) and a few
partners the issue-8 tests need: mixed-direction text, contacts without a phone, a stored raw address."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from locator.config import Config
from locator.db import Database
from locator.geocoding import geocoder_for
from locator.ingest.importer import import_path
from tests.conftest import FIXTURES
from tests.factories import make_partner, office
from tests.web.webapp import pages_app

ENGLISH_THEN_HEBREW = ("We migrate IT teams to GitLab: 6 awards since 2009.\n\n"
                       "אנו מעבירים צוותי IT ל-GitLab: 6 פרסים מאז 2009.")


@contextmanager
def rich_pages_app(directory: Path, **overrides: Any) -> Iterator[tuple[Any, dict[str, str]]]:
    with pages_app(directory, xss=False, **overrides) as (app, slugs):
        db = Database(app.config["LOCATOR"].database_url)
        with db.session() as session:
            report = import_path(session, FIXTURES / "gitlab_resellers_2016.yml", geocoder=geocoder_for(Config()))
            assert not report.errors, report.text()
            slugs["mixed"] = make_partner(session, name="Mixed Direction Partner", description=ENGLISH_THEN_HEBREW,
                                          languages=["en", "he"], offices=[office(32.0853, 34.7818, city="Tel Aviv", country="IL")]).slug
            slugs["contacts"] = make_partner(
                session, name="Contact Gaps GmbH", languages=["de"], phone=None,
                offices=[office(52.53, 13.41, label="Berlin Mitte")],
                internal={"channel_account_manager": "Cara CAM", "notes": None,
                          "contacts": [{"name": "Nora No-Phone", "role": "CTO", "email": "nora@gaps.example", "phone": None},
                                       {"name": "Rolf", "role": None, "email": None, "phone": "+49 30 555"}]}).slug
            slugs["raw_address"] = make_partner(  # stored before importers kept only the street part
                session, name="Raw Address Inc", languages=["en"],
                offices=[office(39.084, -77.153, label="Rockville", address="Rockville/MD, USA", city="Rockville",
                                region=None, country="US")]).slug
        db.engine.dispose()
        app.extensions["locator"].locator.model()
        slugs["alm"] = "almtoolbox"
        yield app, slugs
