"""Import a file: read → validate → geocode → (unless a dry run) write, all-or-nothing by default.

Any error keeps the store as it was unless `partial` is set, which writes the valid records and
skips the bad ones; a file-level error (unreadable, malformed) writes nothing either way. Upserts
are idempotent: a record equal to what is stored is counted unchanged and not written.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from locator.ingest.cncf import looks_like_cncf, read_cncf
from locator.ingest.geocode import GeocoderLike, OfficeGeocoder
from locator.ingest.gitlab import read_gitlab_resellers
from locator.ingest.readers import Rows, load_json, read_csv, read_json
from locator.ingest.report import ImportReport
from locator.ingest.schema import validate_records
from locator.models import Partner
from locator.store import SlugRegistry, apply_partners, existing_partners, same_record

FORMATS = ("json", "csv", "gitlab-resellers", "cncf")
BATCH = 1000
PROGRESS_MIN_ROWS = 1000

Reader = Callable[[Path, ImportReport, OfficeGeocoder], Rows]
READERS: dict[str, Reader] = {
    "json": lambda path, report, _geocoder: read_json(path, report),
    "csv": lambda path, report, _geocoder: read_csv(path, report),
    "gitlab-resellers": read_gitlab_resellers,
    "cncf": read_cncf,
}


def detect_format(path: Path) -> str:
    """By extension; a .json file is the CNCF list when its first entry looks like one."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".yml", ".yaml"):
        return "gitlab-resellers"
    if suffix == ".json":
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "ignore")
        if '"program"' in head and '"homepage_url"' in head:
            try:
                return "cncf" if looks_like_cncf(load_json(path.read_text(encoding="utf-8"))) else "json"
            except ValueError:
                return "json"  # the JSON reader reports the malformed file
        return "json"
    raise ValueError(f"cannot tell the format of {path.name}; pass --format ({', '.join(FORMATS)})")


def import_path(
    session: Session,
    path: str | Path,
    *,
    geocoder: GeocoderLike | Callable[[], GeocoderLike] | None,
    fmt: str = "auto",
    dry_run: bool = False,
    partial: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import one file into the store through `session` (the caller commits or rolls back)."""
    path = Path(path)
    fmt = detect_format(path) if fmt == "auto" else fmt
    report = ImportReport(path=str(path), format=fmt, dry_run=dry_run)
    office_geocoder = OfficeGeocoder(geocoder, report)
    rows = READERS[fmt](path, report, office_geocoder)
    report.records += len(rows)
    if report.fatal:
        return report
    valid = validate_records(rows, report)
    if report.rejected:
        kept = [(row, rec) for row, rec in valid if row not in report.rejected]
        report.failed += len(valid) - len(kept)
        valid = kept
        report.partners = len(valid)
    office_geocoder.locate_all(valid)
    report.offices = sum(len(rec["offices"]) for _, rec in valid)
    if dry_run or (report.errors and not partial):
        return report
    write_records(session, [rec for _, rec in valid], report, progress)
    return report


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
        apply_partners(session, todo, slugs)
        session.expunge_all()  # keep memory flat on large imports; everything is flushed
        bar.update(len(batch))
    bar.close()
    report.written = True
