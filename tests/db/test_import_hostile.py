"""Hostile import files: control characters, YAML alias bombs, deep nesting, huge numbers. Each fails with a
clear report naming row and field (or one line for a broken file), never a traceback, and writes nothing."""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from locator.ingest.importer import import_path
from locator.models import Partner
from tests.db.ingest_support import counts, errors_of, write_csv_file, write_json
from tests.factories import partner_data

LOCATOR = Path(sys.executable).parent / "locator"
WRITERS = {"json": write_json, "csv": write_csv_file}


def run(session, path, **kw):
    return import_path(session, path, geocoder=None, **kw)


# ---- control characters ------------------------------------------------------------------------------

SINGLE_LINE_CASES = [
    ({"name": "Acme\x00 GmbH"}, "name"),
    ({"name": "Acme\nGmbH"}, "name"),
    ({"name": "Acme\tGmbH"}, "name"),
    ({"id": "A\x00"}, "id"),
    ({"email": "a\x00@example.com"}, "email"),
    ({"phone": "+49 30\x0b 1234"}, "phone"),
    ({"description": "Kubernetes\x00 experts"}, "description"),
    ({"description": "colour \x1b[31mred"}, "description"),
    ({"offices": [{"city": "Ber\x00lin", "country": "DE", "lat": 52.5, "lon": 13.4}]}, "offices[0].city"),
    ({"offices": [{"address": "Street 1\x07", "country": "DE", "lat": 52.5, "lon": 13.4}]}, "offices[0].address"),
    ({"languages": ["de", "e\x00n"]}, "languages[1]"),
    ({"internal": {"notes": "call\x00 first"}}, "internal.notes"),
    ({"internal": {"channel_account_manager": "Kim\nLee"}}, "internal.channel_account_manager"),
    ({"internal": {"contacts": [{"name": "Ann\x00"}]}}, "internal.contacts[0].name"),
]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("overrides, field", SINGLE_LINE_CASES)
def test_control_characters_are_refused_with_the_field_named(session, tmp_path, fmt, overrides, field):
    records = [partner_data(id="OK1"), partner_data(**{"id": "BAD", **overrides}), partner_data(id="OK2")]
    path = WRITERS[fmt](tmp_path / f"p.{fmt}", records)
    before = counts(session)
    report = run(session, path)
    row = 2 if fmt == "json" else 3
    assert {(r, f) for r, _, f in errors_of(report)} == {(row, field)}, report.text()
    assert "control character" in report.errors[0].reason
    assert not report.written and counts(session) == before
    text = report.text()
    assert "\x00" not in text and "\x1b" not in text


def test_social_key_with_a_control_character(session, tmp_path):
    path = write_json(tmp_path / "p.json", [partner_data(id="S", social={"x\x00": "https://example.com"})])
    before = counts(session)
    report = run(session, path)
    assert errors_of(report) == {(1, "S", "social")} and "control character" in report.errors[0].reason
    assert counts(session) == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_nul_in_a_name_fails_alike_on_every_backend_and_partial_skips_only_it(session, tmp_path, fmt):
    records = [partner_data(id="OK1"), partner_data(id="NUL", name="Null\x00Byte Ltd")]
    path = WRITERS[fmt](tmp_path / f"p.{fmt}", records)
    before = counts(session)
    report = run(session, path)
    assert errors_of(report) == {(2 if fmt == "json" else 3, "NUL", "name")}
    assert counts(session) == before
    report = run(session, path, partial=True)
    assert report.written and report.created == 1 and report.failed == 1
    assert set(session.scalars(select(Partner.external_id))) >= {"OK1"}
    assert "NUL" not in set(session.scalars(select(Partner.external_id)))


def test_multi_line_text_keeps_newlines_and_tabs(session, tmp_path):
    description = "Line one\n\tindented line two\r\nline three"
    records = [partner_data(id="ML", description=description, internal={"notes": "a\r\nb\tc"})]
    report = run(session, write_json(tmp_path / "p.json", records))
    assert not report.errors and report.created == 1, report.text()
    partner = session.scalar(select(Partner).where(Partner.external_id == "ML"))
    assert partner.description == "Line one\n\tindented line two\nline three"  # CR LF stored as LF
    assert partner.internal["notes"] == "a\nb\tc"


def test_gitlab_yaml_with_a_nul_escape_writes_nothing(session, tmp_path):
    path = tmp_path / "resellers.yml"
    path.write_text('- name: "Nul\\0 Reseller"\n  content: "Text"\n'
                    '  contact:\n  - address: "Berlin\\0, Germany"\n', encoding="utf-8")
    before = counts(session)
    report = run(session, path)
    assert report.errors and all("control character" in p.reason for p in report.errors), report.text()
    assert {p.field for p in report.errors} >= {"name"}
    assert counts(session) == before


# ---- expansion, nesting, huge numbers --------------------------------------------------------------------

def billion_laughs(path: Path, depth: int = 9) -> Path:
    """A reseller file whose `content` is a `depth`-deep chain of aliases (9**depth strings expanded)."""
    lines = ["- name: Anchors", '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, depth):
        lines.append(f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines += ["- name: Bomb", f"  content: *a{depth - 1}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_yaml_aliases_are_refused_quickly(session, tmp_path):
    path = billion_laughs(tmp_path / "bomb.yml")
    before = counts(session)
    started = time.monotonic()
    report = run(session, path)
    assert time.monotonic() - started < 10
    assert report.fatal and len(report.errors) == 1
    reason = report.errors[0].reason
    assert "alias" in reason and "\n" not in reason and len(reason) < 300
    assert counts(session) == before


def test_messages_never_expand_the_input():
    """A value built from shared references (what YAML aliases would make) is quoted without expanding it."""
    from locator.ingest.report import ImportReport
    from locator.ingest.schema import validate_record

    bomb: list = ["lol"] * 10
    for _ in range(7):
        bomb = [bomb] * 10  # 10**8 strings if expanded (its repr took about 20 s and 700 MB)
    report = ImportReport()
    started = time.monotonic()
    record = validate_record({"id": "B", "name": "Bomb", "description": bomb, "offices": [{"country": bomb}]},
                             1, report)
    assert time.monotonic() - started < 10
    assert record is None
    assert {p.field for p in report.errors} == {"description", "offices[0].country"}
    assert all(len(p.reason) < 200 for p in report.errors), report.text()


def cli_import(path: Path, db_url: str) -> subprocess.CompletedProcess:
    """`locator import PATH` in a real process, memory capped so a regression fails instead of swapping."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    return subprocess.run([str(LOCATOR), "--database-url", db_url, "import", str(path)], capture_output=True,
                          text=True, timeout=120, preexec_fn=cap)


def hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 200_000)
    deep_yaml = tmp_path / "deep.yml"
    deep_yaml.write_text("[" * 200_000)
    huge_int = tmp_path / "huge.json"
    huge_int.write_text('[{"id": "H", "name": "Huge", "phone": ' + "9" * 5000 + "}]")
    huge_yaml_int = tmp_path / "huge.yml"
    huge_yaml_int.write_text("- name: Huge\n  email: " + "9" * 5000 + "\n")
    deep_cell = tmp_path / "deep.csv"
    deep_cell.write_text("id,name,social\nD,Deep," + "[" * 100_000 + "\n")
    return {
        "deep JSON": (deep_json, "nested too deeply"),
        "deep YAML": (deep_yaml, "nested too deeply"),
        "huge JSON number": (huge_int, "number"),
        "huge YAML number": (huge_yaml_int, "number"),
        "deep CSV JSON cell": (deep_cell, "nested too deeply"),
        "billion laughs": (billion_laughs(tmp_path / "bomb.yml"), "alias"),
    }


def test_hostile_files_through_the_cli_fail_with_one_clear_line(fresh_db, tmp_path):
    url = fresh_db.engine.url.render_as_string(hide_password=False)
    for what, (path, expected) in hostile_files(tmp_path).items():
        started = time.monotonic()
        result = cli_import(path, url)
        output = result.stdout + result.stderr
        assert time.monotonic() - started < 60, what
        assert result.returncode != 0, (what, output)
        assert "Traceback" not in output and "Error:" not in output.replace("error:", ""), (what, output)
        problems = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(problems) == 1 and expected in problems[0] and len(problems[0]) < 300, (what, output)
        assert "nothing written" in output, (what, output)
        with fresh_db.session() as session:
            assert counts(session) == (0, 0, 0), what
