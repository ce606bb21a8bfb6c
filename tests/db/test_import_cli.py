"""The import/export commands as a user runs them: exit codes, reports, one-line errors."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from locator.cli import main
from tests.conftest import FIXTURES
from tests.db.ingest_support import counts, write_json
from tests.factories import partner_data


@pytest.fixture
def cli(fresh_db):
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["--database-url", url, *args])


def test_missing_file_is_one_line(cli, tmp_path):
    result = cli("import", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: no such file: {tmp_path / 'nope.json'}"


def test_unknown_extension_asks_for_a_format(cli, tmp_path):
    path = tmp_path / "partners.txt"
    path.write_text("[]")
    result = cli("import", str(path))
    assert result.exit_code == 2 and "pass --format" in result.output and "Traceback" not in result.output
    assert cli("import", "--format", "json", str(path)).exit_code == 0


def test_bad_file_exits_non_zero_and_writes_nothing(cli, fresh_db, tmp_path):
    path = write_json(tmp_path / "p.json", [partner_data(id="A"), partner_data(id="B", track="gold")])
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "error: record 2, id 'B', track: unknown track 'gold'" in result.output
    assert "nothing written" in result.output
    with fresh_db.session() as session:
        assert counts(session)[0] == 0
    partial = cli("import", "--partial", str(path))
    assert partial.exit_code == 1 and "created 1" in partial.output
    with fresh_db.session() as session:
        assert counts(session)[0] == 1


def test_dry_run_and_real_run_of_the_resellers(cli, fresh_db):
    dry = cli("import", "--dry-run", str(FIXTURES / "gitlab_resellers_2016.yml"))
    assert dry.exit_code == 0, dry.output
    assert "12 records read, 12 valid partners" in dry.output and "geocoded at import: 18" in dry.output
    with fresh_db.session() as session:
        assert counts(session) == (0, 0, 0)
    real = cli("import", str(FIXTURES / "gitlab_resellers_2016.yml"))
    assert real.exit_code == 0 and "created 12" in real.output
    with fresh_db.session() as session:
        assert counts(session)[:2] == (12, 18)
