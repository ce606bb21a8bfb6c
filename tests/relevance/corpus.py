"""The judged set's store: the real fixtures (GitLab's 2016 resellers, the CNCF providers) and the seeded
synthetic partners, imported as `locator import` does, and an app on it (SpatiaLite, testing mode)."""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from tests.relevance.synthetic import PARTNERS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = ("gitlab_resellers_2016.yml", "cncf_service_providers_2020.json")


@contextmanager
def relevance_app(directory: Path) -> Iterator[Any]:
    """An app whose store holds the fixtures and tests.relevance.synthetic, its index built."""
    from locator import create_app
    from locator.config import Config
    from locator.db import Database
    from locator.geocoding import geocoder_for
    from locator.ingest.importer import import_path

    url = f"sqlite:///{directory / 'relevance.sqlite'}"
    synthetic = directory / "synthetic.json"
    synthetic.write_text(json.dumps(PARTNERS, ensure_ascii=False), encoding="utf-8")
    db = Database(url)
    db.create_all()
    geocoder = geocoder_for(Config())
    with db.session() as session:
        for path in [FIXTURES / name for name in SOURCES] + [synthetic]:
            report = import_path(session, path, geocoder=geocoder)
            assert not report.errors, report.text()
        session.commit()
    db.engine.dispose()
    app = create_app({"database_url": url, "index_dir": str(directory / "index"), "testing": True,
                      "secret_key": "relevance"})
    try:
        app.extensions["locator"].locator.model()
        yield app
    finally:
        app.extensions["locator"].close()
