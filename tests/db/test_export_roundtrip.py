"""Export writes the import format; exporting, importing into an empty store and exporting again is identical."""
from __future__ import annotations

import json

from click.testing import CliRunner

from locator.cli import main
from locator.config import Config
from locator.geocoding import geocoder_for
from locator.ingest.export import export_path
from locator.ingest.generator import generate
from locator.ingest.importer import import_path
from tests.db.ingest_support import write_json
from tests.factories import office, partner_data


def sample_records():
    records = [
        partner_data(id="R2", name="Zeta Ops", languages=["ja", "en"], regions_served=["JP-14", "JP-11"],
                     offices=[office(35.6895, 139.69171, city="東京", country="JP", region_code="JP-13")],
                     service_area={"type": "MultiPolygon", "coordinates": [[[[139.1, 35.1], [140.1, 35.1], [140.1, 36.1], [139.1, 35.1]]]]},
                     social={"twitter": "https://twitter.com/zeta"}, published=False,
                     internal={"channel_account_manager": "Kim", "contacts": [{"name": "Ann", "role": "CTO", "email": "a@zeta.jp", "phone": None}], "notes": "vip"}),
        partner_data(id="R1", name="Alpha", description="Ä description with ünïcode", offices=[]),
    ]
    return records + list(generate(20, seed=7))


def url_of(db):
    return db.engine.url.render_as_string(hide_password=False)


def test_export_import_export_is_identical(fresh_db, tmp_path):
    with fresh_db.session() as session:  # with the geocoder the CLI uses, so offices get their regions the same way
        report = import_path(session, write_json(tmp_path / "in.json", sample_records()), geocoder=geocoder_for(Config()))
    assert not report.errors and report.created == 22
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    with fresh_db.session() as session:
        assert export_path(session, first) == 22
    exported = json.loads(first.read_text())
    assert [r["id"] for r in exported] == sorted(r["id"] for r in exported)
    r2 = next(r for r in exported if r["id"] == "R2")
    assert r2["internal"]["notes"] == "vip" and r2["published"] is False and r2["offices"][0]["city"] == "東京"
    assert r2["regions_served"] == ["JP-14", "JP-11"] and r2["offices"][0]["region_code"] == "JP-13"

    # into an empty store of the same backend, through the CLI this time
    with fresh_db.session() as session:
        from locator.models import Base
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", url_of(fresh_db), "import", str(first)])
    assert result.exit_code == 0, result.output
    assert "created 22" in result.output
    result = runner.invoke(main, ["--database-url", url_of(fresh_db), "export", str(second)])
    assert result.exit_code == 0, result.output
    assert second.read_bytes() == first.read_bytes()
    again = runner.invoke(main, ["--database-url", url_of(fresh_db), "import", str(second)])
    assert "unchanged 22" in again.output


def test_csv_export_imports_back(fresh_db, tmp_path):
    with fresh_db.session() as session:
        import_path(session, write_json(tmp_path / "in.json", sample_records()), geocoder=None)
        export_path(session, tmp_path / "all.json")
        export_path(session, tmp_path / "all.csv")
        report = import_path(session, tmp_path / "all.csv", geocoder=None)
    assert not report.problems and report.unchanged == 22
