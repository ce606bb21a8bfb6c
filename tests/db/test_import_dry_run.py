"""A dry run reads, validates and geocodes, and writes nothing anywhere: not the store, not the change
log, not the geocode cache (on both backends, with a real HTTP server answering like Nominatim)."""
from __future__ import annotations

from sqlalchemy import func, select

from locator.geocoding import geocoder_for
from locator.ingest.importer import import_path
from locator.models import GeocodeCache
from tests.db.ingest_support import counts, write_json
from tests.factories import partner_data
from tests.unit import test_geocoder_nominatim as fake

nominatim = fake.nominatim  # the fixture: a real local HTTP server answering like Nominatim
STREET = {"label": "HQ", "address": "Dorfstraße 7", "city": "Kleinkleckersdorf"}  # known online only


def cached(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(GeocodeCache))


def test_a_dry_run_writes_nothing_anywhere_not_even_the_geocode_cache(nominatim, fresh_db, tmp_path):
    geocoder = geocoder_for(fake.online_config(nominatim), fresh_db)
    path = write_json(tmp_path / "partners.json", [partner_data(id="N", offices=[STREET])])

    with fresh_db.session() as session:
        dry = import_path(session, path, geocoder=geocoder, dry_run=True)
    assert (dry.errors, dry.offices_geocoded, dry.written) == ([], 1, False)
    assert nominatim.hits["Dorfstraße 7, Kleinkleckersdorf"] == 1  # it did geocode, online
    assert cached(fresh_db) == 0
    with fresh_db.session() as session:
        assert counts(session) == (0, 0, 0)  # partners, offices, change log

    with fresh_db.session() as session:
        real = import_path(session, path, geocoder=geocoder)
    assert (real.created, real.offices_geocoded) == (1, 1)
    assert cached(fresh_db) == 1  # the real run remembers what it asked
    with fresh_db.session() as session:
        assert counts(session) == (1, 1, 1)
