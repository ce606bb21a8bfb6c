"""Import a file: read → validate → geocode → derive → write, each step once, all-or-nothing by default.

Read: the format's reader turns the file into import-format records (readers only read). Validate: every
record against the import format. Geocode: the valid records' offices without coordinates. Derive: what a
format completes once coordinates are known (GitLab resellers: street parts, languages). Write: unless a
dry run, which writes nothing anywhere (not the geocode cache either).

Any error keeps the store as it was unless `partial` is set, which writes the valid records and
skips the bad ones; a file-level error (unreadable, malformed) writes nothing either way. Upserts
are idempotent: a record equal to what is stored is counted unchanged and not written.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from locator import metrics
from locator.audit import Actor
from locator.ingest.formats import FORMATS, Format, detect_format
from locator.ingest.geocode import OfficeGeocoder
from locator.ingest.readers import Rows
from locator.ingest.report import ImportReport
from locator.ingest.schema import validate_records
from locator.models import Partner
from locator.store import SlugRegistry, apply_partners, existing_partners, same_record

if TYPE_CHECKING:
    from locator.geocoding import Geocoder

__all__ = ["FORMATS", "detect_format", "import_path", "write_records"]

BATCH = 1000
PROGRESS_MIN_ROWS = 1000
Valid = list[tuple[int, dict[str, Any]]]


def import_path(
    session: Session,
    path: str | Path,
    *,
    geocoder: "Geocoder | Callable[[], Geocoder] | None",
    fmt: str = "auto",
    dry_run: bool = False,
    partial: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import one file into the store through `session` (the caller commits or rolls back); counted in
    locator_imports_total by outcome (written, dry_run, refused) and locator_imported_partners_total."""
    report = _import(session, path, geocoder=geocoder, fmt=fmt, dry_run=dry_run, partial=partial, progress=progress)
    written = not dry_run and not report.fatal and (partial or not report.errors)
    metrics.IMPORTS.labels("dry_run" if dry_run else "written" if written else "refused").inc()
    if written:
        metrics.IMPORTED_PARTNERS.inc(report.created + report.updated)
    return report


def _import(session: Session, path: str | Path, *, geocoder, fmt: str, dry_run: bool, partial: bool,
            progress: bool | None) -> ImportReport:
    path = Path(path)
    spec = FORMATS[detect_format(path) if fmt == "auto" else fmt]
    report = ImportReport(path=str(path), format=spec.name, row_label=spec.row_label, dry_run=dry_run)
    rows = spec.read(path, report)
    report.records += len(rows)
    if report.fatal:
        return report
    valid = validate_records(rows, report)
    offices = OfficeGeocoder(geocoder, report, remember=not dry_run)
    geocode(valid, rows, offices)
    derive(valid, spec, report, offices)
    report.offices = sum(len(rec["offices"]) for _, rec in valid)
    if dry_run or (report.errors and not partial):
        return report
    write_records(session, [rec for _, rec in valid], report, progress)
    add_first_users(session, [rec for _, rec in valid], report)
    return report


def geocode(valid: Valid, rows: Rows, offices: OfficeGeocoder) -> None:
    """Place every office without coordinates; problems name the source's own field where it has one."""
    source = {row.number: row for row in rows}
    for number, record in valid:
        for i, office in enumerate(record["offices"]):
            offices.locate(office, number, record["id"], source[number].source_path(f"offices[{i}]"))


def derive(valid: Valid, spec: Format, report: ImportReport, offices: OfficeGeocoder) -> None:
    if spec.derive is None:
        return
    places = getattr(offices.geocoder, "gazetteer", None)
    for _, record in valid:
        spec.derive(record, report, places)


def write_records(session: Session, records: list[dict[str, Any]], report: ImportReport, progress: bool | None = None) -> None:
    """Upsert validated records in batches: existing ids and slugs loaded once, one flush a batch."""
    from tqdm import tqdm

    if progress is None:
        progress = sys.stderr.isatty() or len(records) > PROGRESS_MIN_ROWS
    known = set(session.scalars(select(Partner.external_id)))
    slugs = SlugRegistry(session)
    bar = tqdm(total=len(records), unit="partners", file=sys.stderr, disable=not progress, leave=False)
    for start in range(0, len(records), BATCH):
        batch = records[start : start + BATCH]
        stored = existing_partners(session, [r["id"] for r in batch if r["id"] in known])
        todo = []
        for record in batch:
            partner = stored.get(record["id"])
            if partner is not None and same_record(partner, record):
                report.unchanged += 1
                continue
            if partner is None:
                report.created += 1
            else:
                report.updated += 1
            todo.append((record, partner))
        apply_partners(session, todo, slugs, Actor.import_file(report.path))
        session.expunge_all()  # keep memory flat on large imports; everything is flushed
        bar.update(len(batch))
    bar.close()
    report.written = True


def add_first_users(session: Session, records: list[dict[str, Any]], report: ImportReport) -> None:
    """A record's `user_email` becomes its partner's first user (locator.accounts), unless the partner has users
    already (a re-import adds nobody) or the address belongs to someone else (a warning)."""
    from locator.accounts import ensure_partner_user, find_user

    named = [record for record in records if record.get("user_email")]
    partners = existing_partners(session, [record["id"] for record in named])
    for record in named:
        if ensure_partner_user(session, partners[record["id"]], record["user_email"]) is not None:
            report.derived["partner users added from user_email"] += 1
            continue
        owner = find_user(session, record["user_email"])
        if owner is not None and owner.partner_id != partners[record["id"]].id:
            report.warning(None, record["id"], "user_email", "this address already belongs to another user; none added")
