"""CLI commands of this area: import, export, generate."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from locator.cli_support import pass_services
from locator.errors import LocatorError
from locator.ingest.formats import FORMATS
from locator.services import Services


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True)
@click.option("--dry-run", is_flag=True, help="Validate (and geocode) only; write nothing, not even the geocode cache.")
@click.option("--partial", is_flag=True, help="Write the valid records even when others fail.")
@pass_services
def import_command(services: Services, path: Path, fmt: str, dry_run: bool, partial: bool) -> None:
    """Import partners from PATH (JSON, CSV, GitLab resellers YAML, CNCF list); all-or-nothing unless --partial."""
    from locator.ingest.importer import detect_format, import_path

    if not path.is_file():
        raise LocatorError(f"no such file: {path}")
    try:
        fmt = detect_format(path) if fmt == "auto" else fmt
    except ValueError as exc:
        raise LocatorError(str(exc)) from None
    with services.db.session() as session:
        report = import_path(session, path, geocoder=lambda: services.geocoder, fmt=fmt, dry_run=dry_run, partial=partial)
    click.echo(report.text())
    if report.errors:
        sys.exit(1)


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--safe-for-spreadsheets", "safe", is_flag=True,
              help="CSV for Excel and other spreadsheets: prefix formula-like cells (= + - @) with ' so they show as "
                   "text, and add a BOM. Such a file does not import back exactly.")
@pass_services
def export_command(services: Services, path: Path, safe: bool) -> None:
    """Write every partner to PATH in the import format (JSON; CSV by the .csv extension).

    Values are kept exact, so the file imports back unchanged; a CSV cell may then start with = and a
    spreadsheet would run it as a formula: use --safe-for-spreadsheets for a file to open in one."""
    from locator.ingest.export import export_path

    with services.db.session() as session:
        count = export_path(session, path, safe_for_spreadsheets=safe)
    note = " (for spreadsheets: formula cells neutralised)" if safe else ""
    click.echo(f"exported {count} partners to {path}{note}")


@click.command("generate")
@click.option("--partners", "count", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Output file (.json or .csv).")
def generate_command(count: int, seed: int, out: Path) -> None:
    """Generate seeded synthetic partners around real cities (same seed, same bytes)."""
    from locator.ingest.export import write_records
    from locator.ingest.generator import generate

    started = time.perf_counter()
    written = write_records(generate(count, seed), out)
    click.echo(f"generated {written} partners (seed {seed}) in {time.perf_counter() - started:.1f} s: {out}")


COMMANDS = (import_command, export_command, generate_command)  # registered on `locator` by locator.cli
