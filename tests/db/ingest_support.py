"""Helpers for the importer tests: write records to files, count what the store holds."""
from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import func, select

from locator.ingest.readers import write_csv
from locator.models import Change, Office, Partner


def write_json(path: Path, records) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv_file(path: Path, records) -> Path:
    out = io.StringIO()
    write_csv(records, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def counts(session) -> tuple[int, int, int]:
    """(partners, offices, change rows) in the store."""
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Partner, Office, Change))


def errors_of(report) -> set[tuple]:
    return {(p.row, p.partner_id, p.field) for p in report.errors}
