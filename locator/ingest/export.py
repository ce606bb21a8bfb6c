"""Export the store in the import format: JSON (or CSV by extension), ordered by external id.

Values are written exactly as stored, so an export imports back unchanged, formula-like text included
(`=HYPERLINK(...)`): that file is for the locator, not for a spreadsheet. `safe_for_spreadsheets` writes a
CSV to open in Excel instead: a BOM, and every cell that a spreadsheet would run as a formula prefixed
with `'` (coordinates, numbers this module writes, stay numbers). It does not import back exactly."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from locator.errors import LocatorError
from locator.ingest.readers import csv_rows, csv_writer
from locator.models import Partner
from locator.spreadsheet import BOM, neutralise
from locator.store import partner_record

CHUNK = 2000
NUMBER_COLUMNS = ("office_lat", "office_lon")  # floats from the store: never a formula


def export_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every partner's record, ordered by external id, read in chunks."""
    ids = list(session.scalars(select(Partner.id).order_by(Partner.external_id)))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stmt = select(Partner).options(selectinload(Partner.offices)).where(Partner.id.in_(chunk))
        partners = {p.id: p for p in session.scalars(stmt)}
        for pid in chunk:
            yield partner_record(partners[pid])
        session.expunge_all()


def spreadsheet_row(row: dict[str, str]) -> dict[str, str]:
    """A CSV row with every formula-like cell neutralised, the coordinates left as numbers."""
    return {k: v if k in NUMBER_COLUMNS else neutralise(v) for k, v in row.items()}


def write_records(records: Iterable[dict[str, Any]], path: str | Path, safe_for_spreadsheets: bool = False) -> int:
    """Stream records to JSON (a list, one record per line) or CSV (by the .csv extension)."""
    path = Path(path)
    csv_file = path.suffix.lower() == ".csv"
    if safe_for_spreadsheets and not csv_file:
        raise LocatorError(f"--safe-for-spreadsheets writes CSV: name a .csv file, not {path.name}")
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if csv_file:
            if safe_for_spreadsheets:
                out.write(BOM)
            writer = csv_writer(out)
            for count, record in enumerate(records, start=1):
                rows = csv_rows(record)
                writer.writerows(map(spreadsheet_row, rows) if safe_for_spreadsheets else rows)
            return count
        out.write("[")
        for count, record in enumerate(records, start=1):
            out.write(",\n" if count > 1 else "\n")
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n]\n")
    return count


def export_path(session: Session, path: str | Path, safe_for_spreadsheets: bool = False) -> int:
    return write_records(export_records(session), path, safe_for_spreadsheets)
