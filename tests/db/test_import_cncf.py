"""The CNCF landscape's KCSP/KTP list: 225 rows, mapped and derived fields, bad rows."""
from __future__ import annotations

import json

import pytest

from locator.config import Config
from locator.geocoding import geocoder_for
from locator.ingest.importer import detect_format, import_path
from locator.store import load_partners, slugify
from tests.conftest import FIXTURES
from tests.db.ingest_support import counts, errors_of

CNCF = FIXTURES / "cncf_service_providers_2020.json"


@pytest.fixture(scope="module")
def geocoder():
    return geocoder_for(Config())


@pytest.fixture(scope="module")
def rows():
    return json.loads(CNCF.read_text())


def test_all_providers_imported(session, geocoder, rows):
    assert detect_format(CNCF) == "cncf"
    report = import_path(session, CNCF, geocoder=geocoder)
    assert not report.errors, report.text()
    companies = {r["name"].rsplit(" (", 1)[0] for r in rows}
    assert report.records == len(rows) == 225
    assert report.created == report.partners == len(companies)
    assert report.offices_geocoded == report.offices == len(companies)
    assert "225 records read" in report.text()
    stored = {p.name: p for p in load_partners(session) if p.external_id.startswith("cncf:")}
    assert set(stored) == companies
    both = stored["Alauda"]
    assert both.certifications == ["kcsp", "ktp"] and "training" in both.services and "kubernetes" in both.services
    assert all(p.offices[0].lat is not None and p.offices[0].country for p in stored.values())
    assert all("en" in p.languages for p in stored.values())


def test_mapping_and_derivations(session, geocoder, rows):
    import_path(session, CNCF, geocoder=geocoder)
    stored = {p.external_id: p for p in load_partners(session)}
    quadrant = stored["cncf:2ndquadrant"]
    assert quadrant.name == "2ndQuadrant" and quadrant.website.startswith("https://www.2ndquadrant.com")
    assert quadrant.social == {"linkedin": "https://www.linkedin.com/company/2ndquadrant", "twitter": "https://www.twitter.com/2ndquad"}
    assert quadrant.offices[0].city == "Oxford" and quadrant.offices[0].country == "GB"
    assert quadrant.types == ["boutique-si"] and quadrant.segments == ["mid-market", "enterprise"]
    assert quadrant.services == ["kubernetes", "cloud-native", "consulting", "implementation"]
    acaisoft = stored["cncf:acaisoft"]  # "cloud native managed services"
    assert "msp" in acaisoft.types and "managed-services" in acaisoft.services
    assert acaisoft.languages == ["en", "pl"]
    for row in rows:
        partner = stored["cncf:" + slugify(row["name"].rsplit(" (", 1)[0])]
        assert row["program"].lower() in partner.certifications


def test_bad_rows(session, geocoder, rows, tmp_path):
    bad = [dict(rows[0]), dict(rows[2], country="Atlantis"), dict(rows[3], num_employees_min="many"),
           dict(rows[4], homepage_url="not a url"), dict(rows[5], name=None), dict(rows[6], program="XYZ")]
    path = tmp_path / "cncf.json"
    path.write_text(json.dumps(bad))
    assert detect_format(path) == "cncf"
    before = counts(session)
    report = import_path(session, path, geocoder=geocoder, fmt="cncf")
    assert {(row, field) for row, _, field in errors_of(report)} == {
        (2, "country"), (3, "num_employees_min"), (4, "website"), (5, "name"), (5, "id"), (6, "program")}
    assert counts(session) == before
    partial = import_path(session, path, geocoder=geocoder, fmt="cncf", partial=True)
    assert partial.created == 1 and counts(session)[0] == before[0] + 1


def test_truncated_file(session, geocoder, tmp_path):
    path = tmp_path / "cncf.json"
    path.write_text(CNCF.read_text()[:5000])
    before = counts(session)
    report = import_path(session, path, geocoder=geocoder, fmt="cncf")
    assert report.fatal and "malformed JSON" in report.errors[0].reason
    assert counts(session) == before
