"""GitLab's 2016 resellers.yml: every reseller, every address geocoded near the real city, bad files."""
from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from locator.config import Config
from locator.geocoding import geocoder_for
from locator.ingest.importer import detect_format, import_path
from locator.models import Partner
from locator.store import load_partners
from tests.conftest import FIXTURES
from tests.db.ingest_support import counts, errors_of
from tests.unit.test_gazetteer import RESELLER_CITIES

RESELLERS = FIXTURES / "gitlab_resellers_2016.yml"


@pytest.fixture(scope="module")
def geocoder():
    return geocoder_for(Config())


def km(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def resellers(session):
    partners = load_partners(session)
    return {p.name: p for p in partners if p.external_id.startswith("gitlab-reseller:")}


def test_all_resellers_and_every_office_near_its_city(session, geocoder):
    assert detect_format(RESELLERS) == "gitlab-resellers"
    report = import_path(session, RESELLERS, geocoder=geocoder)
    assert not report.errors, report.text()
    assert (report.records, report.created, report.offices, report.offices_geocoded) == (12, 12, 18, 18)
    stored = resellers(session)
    assert len(stored) == 12 and "MOUSoft" not in stored  # commented out in the file
    offices = [o for p in stored.values() for o in p.offices]
    assert len(offices) == len(RESELLER_CITIES)
    for address, (lat, lon, country) in RESELLER_CITIES.items():  # stored as city/region/country, no street
        near = [o for o in offices if o.country == country and km(o.lat, o.lon, lat, lon) < 30]
        assert len(near) == 1, address
        assert near[0].location is not None and near[0].geocode_source
    assert stored["Pivotal Cloud Foundry"].offices == [] and stored["Perforce"].offices == []


def test_reseller_fields_are_mapped(session, geocoder):
    import_path(session, RESELLERS, geocoder=geocoder)
    stored = resellers(session)
    alm = stored["ALMtoolbox"]
    assert "<p" not in alm.description and "החברה מפתחת" in alm.description  # Hebrew kept, tag gone
    assert alm.logo_url == "https://about.gitlab.com/images/resellers/alm-toolbox-logo.png"
    assert alm.phone == "+972-722-405-222" and alm.website == "http://www.almtoolbox.com/gitlab.php"
    assert alm.social["linkedin"] == "https://www.linkedin.com/company/207805"
    assert alm.types == ["reseller-var"] and alm.track == "open"
    assert stored["Architect Group"].social["youtube"] == "https://www.youtube.com/GoArchitectGroup/"
    assert [o.city for o in stored["Lyra Infosystems"].offices] == ["Bengaluru", "Gurugram", "Mumbai", "Singapore"]
    languages = {name: sorted(p.languages) for name, p in stored.items()}
    assert languages["Architect Group"] == ["en", "ko"]
    assert languages["ALMtoolbox"] == ["en", "he"]
    assert languages["InTENSO"] == ["en", "pl"]
    assert languages["Instruct"] == ["en", "pt"]
    assert languages["Softmart"] == ["en", "ru"]
    assert languages["C&S Information Technology"] == ["en", "zh"]
    assert languages["LSD Information Technology"] == ["en"]


def test_second_import_changes_nothing(session, geocoder):
    import_path(session, RESELLERS, geocoder=geocoder)
    before = counts(session)
    written = dict(session.execute(select(Partner.external_id, Partner.updated_at)).all())
    report = import_path(session, RESELLERS, geocoder=geocoder)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 12)
    assert counts(session) == before
    session.expire_all()
    assert dict(session.execute(select(Partner.external_id, Partner.updated_at)).all()) == written


def test_derived_languages_are_reported(session, geocoder):
    report = import_path(session, RESELLERS, geocoder=geocoder, dry_run=True)
    text = report.text()
    assert "derived: language ko from the description: hangul script (1)" in text
    assert "derived: language pl from the description: non-English Latin text, the office country's official language (1)" in text
    assert "derived: office country from the geocoded place (18)" in text
    assert not report.written


BAD = """\
- name: Good Reseller
  content: Fine.
  email: sales@good.example
  contact:
    - address: Berlin, Deutschland
      phone: +49 30 1234
- name: Bad Email
  email: not-an-email
- name: Bad Contact
  contact: Berlin
- content: no name at all
- name: Bad Social
  social:
    - type: twitter
- name: Nowhere
  contact:
    - address: Xyzzyplugh
"""


def test_bad_resellers_are_reported_and_nothing_written(session, geocoder, tmp_path):
    path = tmp_path / "resellers.yml"
    path.write_text(BAD)
    before = counts(session)
    report = import_path(session, path, geocoder=geocoder)
    assert errors_of(report) == {
        (2, "gitlab-reseller:bad-email", "email"),
        (3, "gitlab-reseller:bad-contact", "contact"),
        (4, None, "id"), (4, None, "name"),
        (5, "gitlab-reseller:bad-social", "social"),
    }
    [warning] = report.warnings
    assert (warning.row, warning.field) == (6, "contact[0].address") and "could not geocode" in warning.reason
    assert counts(session) == before


def test_partial_writes_the_good_resellers_and_keeps_an_ungeocoded_office(session, geocoder, tmp_path):
    path = tmp_path / "resellers.yml"
    path.write_text(BAD)
    before = counts(session)
    report = import_path(session, path, geocoder=geocoder, partial=True)
    assert (report.created, report.failed) == (2, 4)
    stored = resellers(session)
    assert set(stored) == {"Good Reseller", "Nowhere"}
    assert stored["Nowhere"].offices[0].lat is None and stored["Nowhere"].offices[0].address == "Xyzzyplugh"
    assert counts(session)[0] == before[0] + 2


def test_truncated_yaml(session, geocoder, tmp_path):
    path = tmp_path / "resellers.yml"
    path.write_text(RESELLERS.read_text()[:900] + '\n  content: "unterminated\n')
    before = counts(session)
    report = import_path(session, path, geocoder=geocoder, partial=True)
    assert report.fatal and "malformed YAML at line" in report.errors[0].reason
    assert counts(session) == before
