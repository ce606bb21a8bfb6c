"""JSON and CSV imports: all-or-nothing, --partial, --dry-run, idempotent upserts, bad files."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from locator.ingest.importer import import_path
from locator.models import Partner
from tests.db.ingest_support import counts, errors_of, write_csv_file, write_json
from tests.factories import office, partner_data

WRITERS = {"json": write_json, "csv": write_csv_file}


def good_records():
    return [
        partner_data(id="G1", name="Alpha Consulting", offices=[office(), office(52.4, 13.1, city="Potsdam")]),
        partner_data(id="G2", name="Beta Systems", languages=["de", "en"], offices=[]),
        partner_data(id="G3", name="Gamma", service_area={"type": "Polygon", "coordinates": [[[13, 52], [14, 52], [14, 53], [13, 52]]]},
                     internal={"channel_account_manager": "Kim", "contacts": [{"name": "Ann", "email": "ann@example.com"}], "notes": "n"}),
    ]


def run(session, path, **kw):
    return import_path(session, path, geocoder=None, **kw)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_import_creates_then_is_idempotent(session, tmp_path, fmt):
    path = WRITERS[fmt](tmp_path / f"p.{fmt}", good_records())
    before = counts(session)
    report = run(session, path)
    assert not report.problems
    assert (report.records, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert counts(session) == (before[0] + 3, before[1] + 3, before[2] + 3)
    stored = session.scalar(select(Partner).where(Partner.external_id == "G1"))
    assert [o.city for o in stored.offices] == ["Berlin", "Potsdam"]
    written_at = stored.updated_at

    again = run(session, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts(session) == (before[0] + 3, before[1] + 3, before[2] + 3)  # no Change rows either
    session.expire_all()
    assert session.scalar(select(Partner.updated_at).where(Partner.external_id == "G1")) == written_at


def test_a_changed_record_is_updated(session, tmp_path):
    records = good_records()
    run(session, write_json(tmp_path / "a.json", records))
    records[1]["name"] = "Beta Systems AG"
    report = run(session, write_json(tmp_path / "b.json", records))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    partner = session.scalar(select(Partner).where(Partner.external_id == "G2"))
    assert partner.name == "Beta Systems AG"


BAD_CASES = [
    ({"types": ["reseller"]}, "types[0]", "unknown type"),
    ({"offices": [office(lat=123.0)]}, "offices[0].lat", "less than or equal to 90"),
    ({"published": "maybe"}, "published", "valid boolean"),
    ({"languages": ["xx"]}, "languages[0]", "ISO 639-1"),
]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("overrides, field, reason", BAD_CASES)
def test_one_bad_row_writes_nothing(session, tmp_path, fmt, overrides, field, reason):
    records = good_records()
    records.insert(1, partner_data(id="BAD", **overrides))
    path = WRITERS[fmt](tmp_path / f"p.{fmt}", records)
    before = counts(session)
    report = run(session, path)
    row = 2 if fmt == "json" else 4  # CSV: header, then G1 on two lines, then BAD
    assert errors_of(report) == {(row, "BAD", field)}
    assert reason in report.errors[0].reason
    assert not report.written and report.failed == 1
    assert counts(session) == before
    assert f"{'record' if fmt == 'json' else 'line'} {row}, id 'BAD', {field}: " in report.text()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_partial_writes_exactly_the_good_rows(session, tmp_path, fmt):
    records = good_records()
    records.insert(1, partner_data(id="BAD", track="gold"))
    before = counts(session)
    report = run(session, WRITERS[fmt](tmp_path / f"p.{fmt}", records), partial=True)
    assert report.written and (report.created, report.failed) == (3, 1)
    ids = set(session.scalars(select(Partner.external_id)))
    assert {"G1", "G2", "G3"} <= ids and "BAD" not in ids
    assert counts(session)[0] == before[0] + 3


def test_dry_run_writes_nothing(session, tmp_path):
    before = counts(session)
    report = run(session, write_json(tmp_path / "p.json", good_records()), dry_run=True)
    assert report.partners == 3 and not report.problems and not report.written
    assert counts(session) == before


def test_duplicate_ids_write_nothing(session, tmp_path):
    records = good_records() + [partner_data(id="G1", name="Again")]
    before = counts(session)
    report = run(session, write_json(tmp_path / "p.json", records))
    assert errors_of(report) == {(4, "G1", "id")}
    assert "duplicate id (first at record 1)" in report.text()
    assert counts(session) == before


def test_missing_required_fields_and_wrong_types(session, tmp_path):
    records = good_records() + [{"name": "No id"}, {"id": "N", "name": 5, "offices": "Berlin"}]
    before = counts(session)
    report = run(session, write_json(tmp_path / "p.json", records))
    assert errors_of(report) == {(4, None, "id"), (5, "N", "name"), (5, "N", "offices")}
    assert counts(session) == before


def test_truncated_json_is_one_clear_problem(session, tmp_path):
    path = write_json(tmp_path / "p.json", good_records())
    path.write_text(path.read_text()[:-40])
    before = counts(session)
    report = run(session, path, partial=True)
    assert report.fatal and len(report.errors) == 1
    assert report.errors[0].row is None and "malformed JSON" in report.errors[0].reason
    assert counts(session) == before


def test_json_that_is_not_a_list(session, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"id": "x"}')
    report = run(session, path)
    assert report.fatal and "expected a JSON list" in report.errors[0].reason


def test_ragged_and_malformed_csv(session, tmp_path):
    path = write_csv_file(tmp_path / "p.csv", good_records())
    lines = path.read_text().splitlines()
    lines[2] = lines[2] + ",extra"  # G1's second office row gets one cell too many
    path.write_text("\n".join(lines) + "\n")
    before = counts(session)
    report = run(session, path)
    assert errors_of(report) == {(3, None, None)}
    assert "ragged row" in report.errors[0].reason
    assert counts(session) == before


def test_truncated_csv_inside_a_quoted_cell(session, tmp_path):
    path = write_csv_file(tmp_path / "p.csv", good_records())
    text = path.read_text()
    path.write_text(text[: text.index('"{""type""') + 12])  # cut inside G3's quoted service area
    before = counts(session)
    report = run(session, path)
    assert report.errors and not report.written
    assert counts(session) == before


def test_csv_bad_header(session, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,name,colour\nX,Y,red\n")
    report = run(session, path)
    assert report.fatal and "unknown columns ['colour']" in report.errors[0].reason


def test_csv_continuation_row_that_contradicts_the_first(session, tmp_path):
    path = write_csv_file(tmp_path / "p.csv", good_records())
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = ["" for _ in header]
    cells[0], cells[2] = "G1", "Other Name"
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    report = run(session, path)
    assert (3, "G1", "name") in errors_of(report)
