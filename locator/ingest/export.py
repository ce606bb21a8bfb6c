"""Export the store in the import format: JSON (or CSV by extension), ordered by external id."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from locator.ingest.readers import csv_rows, csv_writer
from locator.models import Partner
from locator.store import partner_record

CHUNK = 2000


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


def write_records(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Stream records to JSON (a list, one record per line) or CSV (by the .csv extension)."""
    path = Path(path)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix.lower() == ".csv":
            writer = csv_writer(out)
            for count, record in enumerate(records, start=1):
                writer.writerows(csv_rows(record))
            return count
        out.write("[")
        for count, record in enumerate(records, start=1):
            out.write(",\n" if count > 1 else "\n")
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n]\n")
    return count


def export_path(session: Session, path: str | Path) -> int:
    return write_records(export_records(session), path)
