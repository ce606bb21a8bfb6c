"""Validation of the import format: every field, wrong types, vocabularies, shapes, ranges."""
from __future__ import annotations

import pytest

from locator.ingest.report import ImportReport
from locator.ingest.schema import validate_records
from tests.factories import office, partner_data


def check(*records):
    report = ImportReport()
    valid = validate_records(enumerate(records, start=1), report)
    return valid, report


def problems(report):
    return {(p.row, p.partner_id, p.field) : p.reason for p in report.errors}


def test_a_complete_record_is_normalised():
    data = partner_data(
        id="X1", languages=["DE", "en", "de"], countries_served=["at"], track="Select",
        offices=[office(country="de")], email=" info@example.com ",
        service_area={"type": "Polygon", "coordinates": [[[13, 52], [14, 52], [14, 53], [13, 52]]]},
        internal={"channel_account_manager": "Kim", "contacts": [{"name": "Ann", "email": "ann@example.com"}]},
    )
    [(row, record)], report = check(data)
    assert row == 1 and not report.problems
    assert record["languages"] == ["de", "en"]
    assert record["countries_served"] == ["AT"]
    assert record["track"] == "select"
    assert record["email"] == "info@example.com"
    assert record["offices"][0]["country"] == "DE"
    assert record["service_area"]["type"] == "MultiPolygon"
    assert record["internal"]["contacts"][0] == {"name": "Ann", "role": None, "email": "ann@example.com", "phone": None}


@pytest.mark.parametrize(
    "overrides, field, reason",
    [
        ({"id": ""}, "id", "must not be empty"),
        ({"id": 12}, "id", "valid string"),
        ({"name": None}, "name", "valid string"),
        ({"track": "gold"}, "track", "unknown track 'gold'"),
        ({"types": ["reseller"]}, "types[0]", "unknown type 'reseller'"),
        ({"services": ["implementation", "magic"]}, "services[1]", "unknown service 'magic'"),
        ({"segments": "smb"}, "segments", "valid list"),
        ({"languages": ["english"]}, "languages[0]", "ISO 639-1"),
        ({"certifications": ["gold-star"]}, "certifications[0]", "unknown certification"),
        ({"industries": ["farming"]}, "industries[0]", "unknown industry"),
        ({"countries_served": ["XX"]}, "countries_served[0]", "alpha-2"),
        ({"email": "not-an-email"}, "email", "not an email address"),
        ({"website": "www.example.com"}, "website", "not an http(s) URL"),
        ({"logo_url": "ftp://example.com/logo.png"}, "logo_url", "not an http(s) URL"),
        ({"phone": "call us"}, "phone", "not a phone number"),
        ({"published": "yes"}, "published", "valid boolean"),
        ({"social": {"twitter": "@acme"}}, "social.twitter", "not an http(s) URL"),
        ({"internal": {"contacts": "Ann"}}, "internal.contacts", "valid list"),
        ({"internal": {"secret": 1}}, "internal.secret", "unknown field"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"offices": [office(lat=91.0)]}, "offices[0].lat", "less than or equal to 90"),
        ({"offices": [office(), office(lon=-180.5)]}, "offices[1].lon", "greater than or equal to -180"),
        ({"offices": [office(lat="52.5")]}, "offices[0].lat", "valid number"),
        ({"offices": [office(lon=None)]}, "offices[0]", "lat and lon must be given together"),
        ({"offices": [office(country="Germany")]}, "offices[0].country", "alpha-2"),
        ({"offices": [office(headquarters="yes")]}, "offices[0].headquarters", "valid boolean"),
        ({"service_area": {"type": "Point", "coordinates": [1, 2]}}, "service_area", "Polygon or MultiPolygon"),
        ({"service_area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
         "service_area", "invalid geometry: Self-intersection"),
        ({"service_area": {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 1], [0, 0]]]}},
         "service_area", "outside"),
        ({"service_area": {"type": "Polygon", "coordinates": "nope"}}, "service_area", "malformed GeoJSON"),
    ],
)
def test_each_bad_field_is_named_with_its_reason(overrides, field, reason):
    data = partner_data(**overrides)
    valid, report = check(data)
    assert valid == []
    assert report.failed == 1
    found = problems(report)
    pid = data["id"] if isinstance(data.get("id"), str) and data["id"] else None
    assert (1, pid, field) in found, found
    assert reason in found[(1, pid, field)]


def test_missing_required_fields():
    data = partner_data()
    del data["id"], data["name"]
    _, report = check(data)
    assert problems(report) == {(1, None, "id"): "required field is missing", (1, None, "name"): "required field is missing"}


def test_a_record_that_is_not_an_object():
    valid, report = check(partner_data(id="ok"), ["not", "a", "partner"])
    assert [r for r, _ in valid] == [1]
    assert problems(report) == {(2, None, None): "a partner must be an object, not list"}


def test_duplicate_ids_fail_after_the_first():
    valid, report = check(partner_data(id="D"), partner_data(id="E"), partner_data(id="D"))
    assert [rec["id"] for _, rec in valid] == ["D", "E"]
    assert problems(report) == {(3, "D", "id"): "duplicate id (first at record 1)"}
    assert report.failed == 1 and report.partners == 2


def test_problem_text_names_row_id_field_and_reason():
    _, report = check(partner_data(id="Z9", track="gold"))
    assert report.errors[0].describe() == "error: record 1, id 'Z9', track: unknown track 'gold'"
